// The track_process adapter and the tracker hub on fakes: a connector that serves datagrams built
// from the recorded ones, a /proc map, manual timers. Lines are keepalived 2.2.7's (measured:
// test/unit/vrrp/data/track-process-2.2.7.md).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../../src/common/clock.js';
import { memoryLogger } from '../../../../src/common/log.js';
import type { GlobalDefs, TrackFile, VrrpTrackProcess } from '../../../../src/config/model.js';
import { defaultGlobalDefs } from '../../../../src/parser/keywords/global-defs.js';
import { trackerKey, type TrackerRef, type TrackerStatus } from '../../../../src/vrrp/fsm-types.js';
import { TrackerHub, type TrackerConfig } from '../../../../src/vrrp/io/tracker-hub.js';
import type { ConnectorPort, RecvOutcome } from '../../../../src/vrrp/process-track/connector-port.js';
import type { Timers } from '../../../../src/vrrp/process-track/monitor.js';
import type { ProcFiles } from '../../../../src/vrrp/process-track/proc-source.js';

const rec = JSON.parse(readFileSync(new URL('./data/connector-datagrams.json', import.meta.url), 'utf8')) as { datagrams: { hex: string }[] };
const template = (i: number) => Buffer.from(rec.datagrams[i]!.hex, 'hex');
let seq = 100;
/** Datagrams like the kernel's (recorded ones with their pids and sequence number replaced). */
const dg = {
  ack: () => { const b = template(0); b.writeUInt32LE(seq++, 24); b.writeUInt32LE(0, 40); return b; },
  fork: (parent: number, child: number) => { const b = template(1); b.writeUInt32LE(seq++, 24); b.writeUInt32LE(0, 40);
    [parent, parent, child, child].forEach((v, i) => b.writeUInt32LE(v, 52 + 4 * i)); return b; },
  exec: (pid: number) => { const b = template(2); b.writeUInt32LE(seq++, 24); b.writeUInt32LE(0, 40);
    b.writeUInt32LE(pid, 52); b.writeUInt32LE(pid, 56); return b; },
  exit: (pid: number) => { const b = template(5); b.writeUInt32LE(seq++, 24); b.writeUInt32LE(0, 40);
    b.writeUInt32LE(pid, 52); b.writeUInt32LE(pid, 56); return b; },
};

class FakePort implements ConnectorPort {
  queue: (Buffer | { errno: number } | { from: number; b: Buffer })[] = [];
  listens: boolean[] = [];
  reading?: () => void;
  rcv = 212992;
  constructor(private readonly listenErrno?: number) {}
  listen(enable: boolean) { this.listens.push(enable); return this.listenErrno; }
  recv(buf: Buffer): RecvOutcome {
    const x = this.queue.shift();
    if (!x) return { errno: 11 };
    if ('errno' in x) return x;
    const b = 'from' in x ? x.b : x;
    b.copy(buf);
    return { n: b.length, namelen: 12, pid: 'from' in x ? x.from : 0 };
  }
  startReading(fn: () => void) { this.reading = fn; }
  stopReading() { this.reading = undefined; }
  rcvBuf() { return { size: this.rcv }; }
  sets: string[] = [];
  setErrno?: number;
  setRcvBuf(size: number, force: boolean) {
    this.sets.push(`${force ? 'SO_RCVBUFFORCE' : 'SO_RCVBUF'} ${size}${this.listens.length ? '' : ' before listen'}`);
    if (this.setErrno) return this.setErrno;
    this.rcv = size * 2;
    return undefined;
  }
  close() {}
  deliver(...xs: FakePort['queue']) { this.queue.push(...xs); this.reading?.(); }
}

/** /proc as a map pid -> argv (comm: basename cut to 15). */
class FakeProc implements ProcFiles {
  procs = new Map<number, string[]>();
  entries() { return ['self', ...[...this.procs.keys()].map(String)]; }
  read(pid: string, file: 'stat' | 'comm' | 'cmdline', max: number) {
    const argv = this.procs.get(Number(pid));
    if (!argv) return undefined;
    const comm = argv[0]!.split('/').pop()!.slice(0, 15);
    const text = file === 'cmdline' ? argv.map((a) => `${a}\0`).join('') : file === 'comm' ? `${comm}\n` : `${pid} (${comm}) S 1 1 1\n`;
    return Buffer.from(text).subarray(0, max);
  }
}

class ManualTimers implements Timers {
  private list: { at: number; fn: () => void }[] = [];
  constructor(private readonly clock: FakeClock) {}
  set(ms: number, fn: () => void) { const t = { at: this.clock.now() + ms, fn }; this.list.push(t);
    return () => { this.list = this.list.filter((x) => x !== t); }; }
  advance(ms: number) {
    const end = this.clock.now() + ms;
    for (;;) {
      const next = this.list.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.list = this.list.filter((t) => t !== next);
      this.clock.set(Math.max(this.clock.now(), next.at));
      next.fn();
    }
    this.clock.set(end);
  }
}

const tp = (name: string, process: string[], o: Partial<VrrpTrackProcess> = {}): VrrpTrackProcess => ({ name, process,
  weight: 0, reverse: false, quorum: 1, fullCommand: false, ...o });
const cfg = (trackProcesses: VrrpTrackProcess[], trackFiles: TrackFile[] = [],
  global: Partial<GlobalDefs> = {}): TrackerConfig => ({
  trackProcesses, trackFiles, vrrpScripts: [], vrrpInstances: [], vrrpSyncGroups: [],
  global: { ...defaultGlobalDefs('host'), ...global },
});

function rig(o: { listenErrno?: number } = {}) {
  const clock = new FakeClock(0);
  const timers = new ManualTimers(clock);
  const port = new FakePort(o.listenErrno);
  const proc = new FakeProc();
  const log = memoryLogger(1);
  const changes: string[] = [];
  const hub = new TrackerHub(log, (t: TrackerRef, s: TrackerStatus) => changes.push(`${trackerKey(t)} ${'ok' in s ? s.ok : JSON.stringify(s)}`), undefined,
    { connector: () => port, procFiles: proc, clock, timers, cpus: 2 });
  return { clock, timers, port, proc, log, changes, hub, lines: () => log.lines() };
}

describe('vrrp/process-track: the monitor through the tracker hub', () => {
  it('counts /proc at start, reports exits and execs with keepalived\'s lines', () => {
    const r = rig();
    r.proc.procs.set(300, ['/usr/bin/tpsleep', '100']);
    r.hub.start(cfg([tp('P1', ['tpsleep']), tp('P2', ['tpcat'])]));
    assert.deepEqual(r.port.listens, [true]);
    assert.deepEqual(r.hub.status({ kind: 'process', name: 'P1' }), { ok: true });
    assert.deepEqual(r.hub.status({ kind: 'process', name: 'P2' }), { ok: false });
    r.port.deliver(dg.ack());
    assert.deepEqual(r.lines(), ['proc_events has confirmed it is configured']);
    r.proc.procs.delete(300);
    r.port.deliver(dg.exit(300));
    r.proc.procs.set(301, ['tpcat']);
    r.port.deliver(dg.fork(1, 301), dg.exec(301));
    assert.deepEqual(r.lines().slice(1), ['Quorum lost for tracked process P1', 'Quorum gained for tracked process P2']);
    assert.deepEqual(r.changes, ['process:P1 false', 'process:P2 true']);
    r.timers.advance(200);
    assert.equal(r.lines().length, 3, 'the acknowledged listen gives no warning');
  });

  it('a refused listen (not in the initial network namespace): logged once, nothing counted, ever', () => {
    const r = rig({ listenErrno: 111 });
    r.proc.procs.set(5, ['tpsleep']);
    r.hub.start(cfg([tp('P1', ['tpsleep']), tp('Q0', ['tpsleep'], { quorum: 0, quorumMax: 0 })]));
    assert.deepEqual(r.lines(), ['Failed to set/clear process event listen - errno 111 - Connection refused']);
    assert.deepEqual(r.hub.status({ kind: 'process', name: 'P1' }), { ok: false });
    assert.deepEqual(r.hub.status({ kind: 'process', name: 'Q0' }), { ok: true });
    assert.equal(r.port.reading, undefined);
    r.hub.stop();
    r.hub.start(cfg([tp('P1', ['tpsleep'])]));
    assert.equal(r.lines().length, 1);
    assert.deepEqual(r.port.listens, [true]);
  });

  it('no acknowledgement within 100 ms: keepalived\'s warning', () => {
    const r = rig();
    r.hub.start(cfg([tp('P1', ['tpsleep'])]));
    r.timers.advance(99);
    assert.deepEqual(r.lines(), []);
    r.timers.advance(1);
    assert.deepEqual(r.lines(), ['WARNING - the kernel does not support proc events - track_process will not work']);
  });

  it('terminate_delay runs on the timers; a datagram not from the kernel stops the read', () => {
    const r = rig();
    r.proc.procs.set(7, ['tpsleep']);
    r.hub.start(cfg([tp('P1', ['tpsleep'], { terminateDelay: 1.5 })]));
    r.port.deliver(dg.ack(), dg.exit(7));
    r.timers.advance(1499);
    assert.deepEqual(r.changes, []);
    r.timers.advance(1);
    assert.deepEqual(r.changes, ['process:P1 false']);
    r.port.deliver({ from: 4242, b: dg.exec(8) });
    assert.equal(r.lines().at(-1), 'addrlen 12, expect 12, pid 4242');
  });

  it('lost events (ENOBUFS): a second later the buffer is doubled and /proc counted again', () => {
    const r = rig();
    r.proc.procs.set(7, ['tpsleep']);
    r.hub.start(cfg([tp('P1', ['tpsleep']), tp('P2', ['tpcat'])]));
    r.port.deliver(dg.ack(), { errno: 105 });
    r.proc.procs.delete(7);
    r.proc.procs.set(9, ['tpcat']);
    r.timers.advance(999);
    assert.deepEqual(r.changes, []);
    r.timers.advance(1);
    assert.deepEqual(r.lines().slice(1), [
      'Setting global_def process_monitor_rcv_bufs to 425984 - recommend updating configuration file',
      'Process P1, number of current processes changed from 1 to 0, quorum down',
      'Quorum lost for tracked process P1',
      'Process P2, number of current processes changed from 0 to 1, quorum up',
      'Quorum gained for tracked process P2',
    ]);
    assert.deepEqual(r.changes, ['process:P1 false', 'process:P2 true']);
  });

  it('process_monitor_rcv_bufs[_force]: set before the listen request at start, not at a reload (2.2.7, test/integration/daemon/data/netlink-bufs-2.2.7.md)', () => {
    const r = rig();
    r.hub.start(cfg([tp('P1', ['tpsleep'])], [], { netlinkRcvBufs: { process_monitor: { size: 700000, force: true } } }));
    assert.deepEqual(r.port.sets, ['SO_RCVBUFFORCE 700000 before listen']);
    r.hub.stop();
    r.hub.start(cfg([tp('P1', ['tpsleep'])], [], { netlinkRcvBufs: { process_monitor: { size: 900000 } } }));
    assert.deepEqual(r.port.sets, ['SO_RCVBUFFORCE 700000 before listen']);
    // not set: the socket keeps the kernel's default
    const d = rig();
    d.hub.start(cfg([tp('P1', ['tpsleep'])], [], { netlinkRcvBufs: { process_monitor: { force: true } } }));
    assert.deepEqual(d.port.sets, []);
    // a refusal is logged as 2.2.7 logs it
    const e = rig();
    e.port.setErrno = 1;
    e.hub.start(cfg([tp('P1', ['tpsleep'])], [], { netlinkRcvBufs: { process_monitor: { size: 700000, force: true } } }));
    assert.equal(e.lines()[0], 'Cannot set process monitor SO_RCVBUFFORCE option. errno=1 (Operation not permitted)');
  });

  it('lost events with process_monitor_rcv_bufs_force: the doubled buffer is forced', () => {
    const r = rig();
    r.hub.start(cfg([tp('P1', ['tpsleep'])], [], { netlinkRcvBufs: { process_monitor: { force: true } } }));
    r.port.deliver(dg.ack(), { errno: 105 });
    r.timers.advance(1000);
    assert.deepEqual(r.port.sets, ['SO_RCVBUFFORCE 425984']);
  });

  it('keeps the socket across a reload (listens once) and counts again', () => {
    const r = rig();
    r.hub.start(cfg([tp('P1', ['tpsleep'])]));
    r.hub.stop();
    assert.equal(r.port.reading, undefined);
    r.proc.procs.set(11, ['tpsleep']);
    r.hub.start(cfg([tp('P1', ['tpsleep'])]));
    assert.deepEqual(r.port.listens, [true]);
    assert.deepEqual(r.hub.status({ kind: 'process', name: 'P1' }), { ok: true });
    assert.ok(r.port.reading);
  });
});

describe('vrrp/io: track_file init_file (keepalived 2.2.7: "VALUE\\n", mode 0600, kept unless overwrite, never on reload)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ka-initfile-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const tf = (name: string, file: string, initFile?: TrackFile['initFile']): TrackFile => ({ name, file, weight: 1, reverse: false, ...(initFile ? { initFile } : {}) });
  const endPos = { file: '/etc/keepalived/keepalived.conf', line: 21, col: 1 };

  it('writes, keeps, overwrites, refuses and reports as 2.2.7 did (sc/initfile)', () => {
    const p = (n: string) => join(dir, n);
    writeFileSync(p('tf2'), '7\n'); writeFileSync(p('tf3'), '7\n'); mkdirSync(p('tfdir'));
    const r = rig();
    r.hub.start(cfg([], [
      tf('TF1', p('tf1'), { value: 5, overwrite: false }),
      tf('TF2', p('tf2'), { value: 3, overwrite: false }),
      tf('TF3', p('tf3'), { value: 3, overwrite: true }),
      tf('TF4', p('tf4'), { overwrite: false }),
      tf('TF5', '/nonexistent-dir-ka/x', { overwrite: false, endPos }),
      tf('TF6', p('tfdir'), { value: 1, overwrite: true, endPos }),
      tf('TF8', p('tf8'), { value: -2, overwrite: true }),
    ]));
    const read = (n: string) => readFileSync(p(n), 'utf8');
    assert.deepEqual([read('tf1'), read('tf2'), read('tf3'), read('tf4'), read('tf8')], ['5\n', '7\n', '3\n', '0\n', '-2\n']);
    assert.equal(statSync(p('tf1')).mode & 0o777, 0o600);
    assert.deepEqual(r.lines(), [
      "Unable to open '/nonexistent-dir-ka/x' - errno 2 (No such file or directory)",
      '(/etc/keepalived/keepalived.conf: Line 21) Unable to initialise track file TF5',
      '(/etc/keepalived/keepalived.conf: Line 21) Cannot initialise track file TF6 - it is not a regular file',
    ]);
    // a tracked file in a directory that does not exist is dropped
    r.hub.stop();
    const c = cfg([], [tf('TF5', '/nonexistent-dir-ka/x')]);
    (c as { vrrpInstances: unknown[] }).vrrpInstances = [{ trackFile: [{ name: 'TF5' }], trackScript: [] }];
    r.hub.start(c);
    assert.equal(r.lines().at(-1), 'Track file directory for TF5 does not exist - removing');
    assert.equal(r.hub.status({ kind: 'file', name: 'TF5' }), undefined);
    // a reload: an existing file is left alone even with overwrite; a missing one is created
    writeFileSync(p('tf3'), '8\n'); rmSync(p('tf1'));
    r.hub.stop();
    r.hub.start(cfg([], [tf('TF3', p('tf3'), { value: 3, overwrite: true }), tf('TF1', p('tf1'), { value: 5, overwrite: false })]));
    assert.deepEqual([read('tf3'), read('tf1')], ['8\n', '5\n']);
  });
});
