// The track_process adapter: keeps the process table (core.ts) fed from the kernel's process-event
// connector and /proc, runs its delays on timers, and reports quorum changes with keepalived 2.2.7's
// lines ("Quorum gained|lost for tracked process NAME"). Start-up as 2.2.7's VRRP process does it:
// send the listen request (a refusal - the socket is not in the initial network namespace - is
// logged, and no process is ever counted), wait 100 ms for the kernel's acknowledgement, scan /proc.
// After lost events (ENOBUFS) it doubles the receive buffer after 1 s and counts again from /proc.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { decodeProcEvent, SeqTracker } from './connector-codec.js';
import { EAGAIN, EBADF, EINTR, ENOBUFS, errnoText, type ConnectorPort } from './connector-port.js';
import { ProcessTable, type QuorumChange } from './core.js';
import { readProc, scanProcs, type ProcFiles } from './proc-source.js';
import { procNeeds, type ProcessSpec, type ProcNeeds } from './spec.js';

/** One-shot timers (setTimeout in production). */
export interface Timers {
  set(ms: number, fn: () => void): () => void;
}

export const nodeTimers: Timers = {
  set(ms, fn) { const t = setTimeout(fn, Math.max(0, Math.ceil(ms))); return () => clearTimeout(t); },
};

/** sysconf(_SC_NPROCESSORS_CONF): the CPUs the kernel knows of (events name their CPU). */
export function configuredCpus(): number {
  try {
    const n = readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length;
    if (n > 0) return n;
  } catch { /* fall back */ }
  return Math.max(1, os.cpus().length);
}

export interface MonitorDeps {
  /** Undefined when the socket could not be opened (the listen request then fails with EBADF, as in 2.2.7). */
  port: ConnectorPort | undefined;
  files: ProcFiles;
  clock: Clock;
  timers: Timers;
  log: Logger;
  cpus: number;
  /** process_monitor_rcv_bufs[_force], set before the first listen request (2.2.7: at start, not at a reload). */
  rcvBuf?: { size: number; force: boolean };
  /** process_monitor_rcv_bufs_force: how the buffer is grown after lost events. */
  regrowForce?: boolean;
}

/** Per-process state of the connector that outlives a reload: listening, confirmed by the kernel, or refused. */
export interface ConnectorState { listening: boolean; responded: boolean; refused?: boolean }

export class ProcessMonitor {
  private table: ProcessTable;
  private needs: ProcNeeds;
  private readonly seq: SeqTracker;
  private readonly buf = Buffer.alloc(256);
  private cancelDue?: () => void;
  private cancelAck?: () => void;
  private cancelReinit?: () => void;
  private needReinit = false;
  private running = false;

  constructor(specs: readonly ProcessSpec[], private readonly deps: MonitorDeps, private readonly conn: ConnectorState,
    private readonly onChange: (name: string, up: boolean) => void) {
    this.table = new ProcessTable(specs, deps.clock);
    this.needs = procNeeds(specs);
    this.seq = new SeqTracker(deps.cpus);
  }

  /** Listens (once per socket), scans /proc and starts reading events. A socket that cannot listen
   *  (refused outside the initial network namespace, or never opened) reports nothing, ever. */
  start(): void {
    const { port, log } = this.deps;
    if (!this.conn.listening && !this.conn.refused) {
      const b = this.deps.rcvBuf;
      const be = b && port ? port.setRcvBuf(b.size, b.force) : undefined;
      if (b && be !== undefined) log.info(`Cannot set process monitor SO_RCVBUF${b.force ? 'FORCE' : ''} option. errno=${be} (${errnoText(be)})`);
      const e = port ? port.listen(true) : EBADF;
      if (e !== undefined) {
        log.info(`Failed to set/clear process event listen - errno ${e} - ${errnoText(e)}`);
        this.conn.refused = true;
      } else this.conn.listening = true;
      if (this.conn.listening && !this.conn.responded) {
        this.cancelAck = this.deps.timers.set(100, () => {
          this.cancelAck = undefined;
          if (!this.conn.responded) log.info('WARNING - the kernel does not support proc events - track_process will not work');
        });
      }
    }
    if (!port || this.conn.refused) {
      // nothing is ever counted: each block's status follows from a count of 0
      this.table.scan([]);
      return;
    }
    this.table.scan(scanProcs(this.deps.files, this.needs));
    this.running = true;
    port.startReading(() => this.onReadable());
  }

  haveQuorum(name: string): boolean | undefined { return this.table.haveQuorum(name); }

  snapshot(): ReturnType<ProcessTable['snapshot']> { return this.table.snapshot(); }

  /** Stops reading and cancels the delays; the socket stays open (and listening) for a reload. */
  stop(): void {
    this.running = false;
    this.deps.port?.stopReading();
    this.cancelDue?.(); this.cancelDue = undefined;
    this.cancelAck?.(); this.cancelAck = undefined;
    this.cancelReinit?.(); this.cancelReinit = undefined;
  }

  /** Reads every queued datagram (keepalived's handle_proc_ev). */
  onReadable(): void {
    const { port, log } = this.deps;
    if (!port) return;
    for (;;) {
      const r = port.recv(this.buf);
      if ('errno' in r) {
        if (r.errno === EINTR) continue;
        if (r.errno === EAGAIN) break;
        if (r.errno === ENOBUFS) {
          // events were lost: let things settle, then count again from /proc
          this.cancelReinit?.();
          this.cancelReinit = this.deps.timers.set(1000, () => { this.cancelReinit = undefined; this.reinitialise(); });
          this.needReinit = true;
        } else log.info(`process monitor netlink recv error ${r.errno} - ${errnoText(r.errno)}`);
        break;
      }
      if (r.n === 0) { log.info('proc_event recvmsg returned 0'); break; }
      if (r.namelen !== 12 || r.pid !== 0) { log.info(`addrlen ${r.namelen}, expect 12, pid ${r.pid}`); break; }
      const ev = decodeProcEvent(this.buf, r.n, this.deps.cpus);
      if (ev === 'short') { log.info('proc_event !NLMSG_OK'); break; }
      if (!ev) continue;
      const missed = this.seq.see(ev.cpu, ev.seq);
      if (missed !== 0) {
        // while a recount is pending, only with -D
        const line = `Missed ${missed} messages on CPU ${ev.cpu}`;
        if (this.needReinit) log.detail(line); else log.info(line);
      }
      switch (ev.kind) {
        case 'ack':
          this.conn.responded = true;
          log.detail('proc_events has confirmed it is configured');
          break;
        case 'fork':
          if (ev.childTgid === ev.childPid) this.apply(this.table.fork(ev.parentTgid, ev.childTgid));
          break;
        case 'exec':
          if (ev.tgid === ev.pid) this.apply(this.table.exec(ev.tgid, readProc(this.deps.files, ev.tgid, this.needs)));
          break;
        case 'comm':
          if (ev.tgid === ev.pid) this.apply(this.table.comm(ev.tgid, ev.comm));
          break;
        case 'exit':
          if (ev.tgid === ev.pid) this.apply(this.table.exit(ev.tgid));
          break;
        default: break;
      }
    }
  }

  private apply(changes: QuorumChange[]): void {
    for (const c of changes) this.report(c);
    this.armDue();
  }

  private report(c: QuorumChange): void {
    this.deps.log.info(`Quorum ${c.up ? 'gained' : 'lost'} for tracked process ${c.name}`);
    this.onChange(c.name, c.up);
  }

  private armDue(): void {
    this.cancelDue?.();
    this.cancelDue = undefined;
    const due = this.table.nextDue();
    if (due === undefined || !this.running) return;
    this.cancelDue = this.deps.timers.set(due - this.deps.clock.now(),
      () => { this.cancelDue = undefined; this.apply(this.table.expire()); });
  }

  /** After ENOBUFS: a larger receive buffer, fresh sequence numbers, a fresh count from /proc. */
  private reinitialise(): void {
    const { port, log } = this.deps;
    this.needReinit = false;
    if (!port) return;
    const rb = port.rcvBuf();
    if ('errno' in rb) { log.info(`Cannot get process monitor SO_RCVBUF option. errno=${rb.errno} (${errnoText(rb.errno)})`); return; }
    const size = rb.size * 2;
    const force = this.deps.regrowForce ?? false;
    const e = port.setRcvBuf(size, force);
    if (e !== undefined) log.info(`Cannot set process monitor SO_RCVBUF${force ? 'FORCE' : ''} option. errno=${e} (${errnoText(e)})`);
    log.info(`Setting global_def process_monitor_rcv_bufs to ${size} - recommend updating configuration file`);
    this.seq.reset();
    for (const c of this.table.rescan(scanProcs(this.deps.files, this.needs))) {
      log.detail(`Process ${c.name}, number of current processes changed from ${c.from} to ${c.to}${c.quorum ? `, quorum ${c.quorum}` : ''}`);
      if (c.change) this.report(c.change);
    }
    this.armDue();
  }
}
