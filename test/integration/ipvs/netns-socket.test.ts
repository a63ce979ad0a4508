// net_namespace_ipvs's socket placement (src/ipvs/netns-socket.ts) on this host, which has no IPVS:
// a netlink socket made inside inIpvsNamespace(NS) belongs to namespace NS (listed in that
// namespace's /proc/net/netlink, not in ours), and the thread is back in its own namespace after;
// a missing namespace gives keepalived 2.2.7's line and no socket. The IPVS side itself (the table
// in the other namespace) is recorded in the qemu guest: test/vm/data/rs-init-ipvs-ns-2.2.7.md.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isRoot, OwnedNetns } from '../../helpers/netns.js';
import { memoryLogger } from '../../../src/common/log.js';
import { inIpvsNamespace } from '../../../src/ipvs/netns-socket.js';

const { createGenericNetlink } = createRequire(import.meta.url)('netlink') as { createGenericNetlink(): { socket: { address(): { port: number }; close(): void } } };

/** Ports of NETLINK_GENERIC (16) sockets listed in a /proc/net/netlink text. */
const genlPorts = (text: string) => text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === '16').map((f) => Number(f[2]));

describe('ipvs (integration): net_namespace_ipvs opens its socket in the named namespace', function () {
  const ns = new OwnedNetns('kd-ipns');
  before(function () { if (!isRoot()) this.skip(); ns.make(); });
  after(() => ns.remove());

  it('the socket lives in that namespace; the thread comes back; a missing namespace is refused with 2.2.7\'s line', () => {
    const log = memoryLogger(1);
    const mine = readlinkSync('/proc/thread-self/ns/net');
    const r = inIpvsNamespace(ns.name, () => createGenericNetlink(), log);
    assert.ok(r.ok);
    const s = r.value;
    try {
      const port = s.socket.address().port;
      assert.equal(readlinkSync('/proc/thread-self/ns/net'), mine);
      assert.ok(genlPorts(execFileSync('ip', ['netns', 'exec', ns.name, 'cat', '/proc/net/netlink'], { encoding: 'utf8' })).includes(port));
      assert.ok(!genlPorts(readFileSync('/proc/thread-self/net/netlink', 'utf8')).includes(port));
    } finally {
      s.socket.close();
    }
    assert.deepEqual(inIpvsNamespace(`${ns.name}-none`, () => 1, log), { ok: false, errno: 2 });
    assert.deepEqual(log.lines(), ['Failed to open namespace fds, errno 2 (No such file or directory)']);
    assert.equal(readlinkSync('/proc/thread-self/ns/net'), mine);
  });
});
