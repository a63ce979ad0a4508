// Netlink receive buffers (vrrp_netlink_cmd_rcv_bufs, vrrp_netlink_monitor_rcv_bufs,
// process_monitor_rcv_bufs and their _force) of our daemon beside keepalived 2.2.7's on the same
// configs (recorded: data/netlink-bufs-2.2.7.md). Each daemon is started in the initial namespace
// with `net_namespace NS` (the parent opens the process-event connector there); the sizes of every
// netlink socket of the parent and the VRRP child are read with nlsocks.py (pidfd_getfd +
// getsockopt). Then a reload to a config without the keywords: rtnetlink sockets back to 64 KiB, the
// connector's size unchanged.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns, waitFor } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

const KEEPALIVED = '/usr/sbin/keepalived';
const NLSOCKS = new URL('./nlsocks.py', import.meta.url).pathname;
const netns = new OwnedNetns('kd-nlb');
const NS = netns.name;

interface NlSock { fd: number; proto: number; port: number; groups: number[]; rcvbuf: number }
/** Distinct sizes per kind of socket: rtnetlink monitor (in groups), rtnetlink command, process-event connector. */
interface Sizes { monitor: number[]; cmd: number[]; connector: number[] }

function sizes(pid: number): Sizes {
  const socks = execFileSync('python3', [NLSOCKS, String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => JSON.parse(l) as NlSock);
  const uniq = (f: (s: NlSock) => boolean) => [...new Set(socks.filter(f).map((s) => s.rcvbuf))].sort((a, b) => a - b);
  return {
    monitor: uniq((s) => s.proto === 0 && s.groups.length > 0),
    cmd: uniq((s) => s.proto === 0 && s.groups.length === 0),
    connector: uniq((s) => s.proto === 11),
  };
}

const config = (globals: string) => `net_namespace ${NS}
global_defs {
  router_id nlb
${globals}}
vrrp_track_process TP {
  process kdnlb${process.pid}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 1
  track_process {
    TP
  }
  virtual_ipaddress {
    10.197.0.81/24
  }
}
`;

const SIZED = config(['vrrp_netlink_cmd_rcv_bufs 5000000', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs 6000000',
  'process_monitor_rcv_bufs 700000'].map((l) => `  ${l}\n`).join(''));
const PLAIN = config('');

describe('daemon (integration): netlink receive buffers as keepalived 2.2.7 sets them', function () {
  this.timeout(90_000);
  let dir = '';
  const procs: ChildProcess[] = [];

  before(function () {
    if (!isRoot()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-nlb-'));
    vethNamespace(netns, '10.197.0.1/24');
  });
  after(() => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) { try { process.kill(p.pid!, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    rmSync(`/run/keepalived/${NS}`, { recursive: true, force: true });
    try { rmdirSync('/run/keepalived'); } catch { /* in use by another run, or gone */ }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `kind` on SIZED, reads the sizes, reloads to PLAIN, reads them again, stops. */
  async function measure(kind: 'ours' | 'keepalived'): Promise<{ parent: Sizes; vrrp: Sizes; parentAfter: Sizes; vrrpAfter: Sizes }> {
    const conf = join(dir, `${kind}.conf`);
    writeFileSync(conf, SIZED);
    const args = ['-n', '-l', '-D', '-P', '-f', conf];
    const cp = kind === 'ours' ? spawn(process.execPath, ['--expose-internals', BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(KEEPALIVED, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(cp);
    let log = '';
    cp.stdout!.on('data', (d) => { log += d; });
    cp.stderr!.on('data', (d) => { log += d; });
    const exited = new Promise<void>((r) => cp.on('exit', () => r()));
    try {
      await waitFor(() => /\(VI_1\) entering (BACKUP|FAULT) state/i.test(log), 30_000, 50).catch(() => { throw new Error(`${kind} did not start:\n${log}`); });
      const vpid = Number(/Starting VRRP child process, pid=(\d+)/.exec(log)![1]);
      const parent = sizes(cp.pid!), vrrp = sizes(vpid);
      writeFileSync(conf, PLAIN);
      const n = log.split('Reload complete').length;
      process.kill(cp.pid!, 'SIGHUP');
      await waitFor(() => log.split('Reload complete').length > n, 30_000, 50).catch(() => { throw new Error(`${kind} did not reload:\n${log}`); });
      return { parent, vrrp, parentAfter: sizes(cp.pid!), vrrpAfter: sizes(vpid) };
    } finally {
      process.kill(cp.pid!, 'SIGTERM');
      await exited;
    }
  }

  it('SO_RCVBUF / SO_RCVBUFFORCE on the VRRP rtnetlink sockets and the process-event socket, at start and after a reload', async () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const theirs = await measure('keepalived');
    const ours = await measure('ours');
    assert.deepEqual(ours, theirs);
    // the kernel's rules: SO_RCVBUF doubles a value capped at rmem_max; SO_RCVBUFFORCE doubles it as given
    const connector = [1_400_000];
    assert.deepEqual(ours.vrrp, { monitor: [2 * Math.min(6_000_000, rmemMax)], cmd: [10_000_000], connector });
    assert.deepEqual(ours.parent, { monitor: [], cmd: [], connector });
    assert.deepEqual(ours.vrrpAfter, { monitor: [131072], cmd: [131072], connector });
    assert.deepEqual(ours.parentAfter, ours.parent);
  });
});
