// The netlink receive-buffer rules (src/vrrp/io/rcvbuf.ts): 2.2.7's defaults per kind of socket
// (test/integration/daemon/data/netlink-bufs-2.2.7.md) and finding a `netlink` package socket's
// descriptor from its port id in a /proc look-alike.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGlobalDefs } from '../../../../src/parser/keywords/global-defs.js';
import { netlinkFdOfPort, rcvBufFailure, rcvBufFor } from '../../../../src/vrrp/io/rcvbuf.js';

describe('vrrp/io/rcvbuf: netlink receive buffers', () => {
  it('rtnetlink sockets get 64 KiB unless set; the process-event socket only when set', () => {
    const g = defaultGlobalDefs('h');
    assert.deepEqual(rcvBufFor(g, 'vrrp_netlink_cmd'), { size: 65536, force: false });
    assert.deepEqual(rcvBufFor(g, 'vrrp_netlink_monitor'), { size: 65536, force: false });
    assert.equal(rcvBufFor(g, 'process_monitor'), undefined);
    g.netlinkRcvBufs = { vrrp_netlink_cmd: { force: true }, vrrp_netlink_monitor: { size: 400000 },
      process_monitor: { size: 700000, force: true } };
    assert.deepEqual(rcvBufFor(g, 'vrrp_netlink_cmd'), { size: 65536, force: true });
    assert.deepEqual(rcvBufFor(g, 'vrrp_netlink_monitor'), { size: 400000, force: false });
    assert.deepEqual(rcvBufFor(g, 'process_monitor'), { size: 700000, force: true });
  });

  it("2.2.7's failure lines", () => {
    assert.equal(rcvBufFailure({ size: 1, force: true }, 1, 'Operation not permitted'), 'cant set SO_RCVBUFFORCE IP option. errno=1 (Operation not permitted)');
    assert.equal(rcvBufFailure({ size: 1, force: false }, 9, 'Bad file descriptor'), 'Cannot set SO_RCVBUF IP option. errno=9 (Bad file descriptor)');
  });

  it('finds the descriptor of a netlink socket by protocol and port id', () => {
    const proc = mkdtempSync(join(tmpdir(), 'kd-rcvbuf-'));
    try {
      mkdirSync(join(proc, 'net'));
      mkdirSync(join(proc, 'fd'));
      writeFileSync(join(proc, 'net/netlink'), [
        'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode',
        '000000003b6b6e24 0   4242       00000000 0        0        0     2        0        1001    ',
        '000000006dd8fdcf 0   138436110  00000111 0        0        0     2        0        1002    ',
        '000000006dd8fdd0 11  138436110  00000001 0        0        0     2        0        1003    ',
        '',
      ].join('\n'));
      symlinkSync('socket:[1001]', join(proc, 'fd/7'));
      symlinkSync('socket:[1002]', join(proc, 'fd/9'));
      symlinkSync('socket:[1003]', join(proc, 'fd/12'));
      symlinkSync('/dev/null', join(proc, 'fd/0'));
      assert.equal(netlinkFdOfPort(0, 138436110, proc), 9);
      assert.equal(netlinkFdOfPort(11, 138436110, proc), 12);
      assert.equal(netlinkFdOfPort(0, 4242, proc), 7);
      assert.equal(netlinkFdOfPort(0, 5, proc), undefined);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
