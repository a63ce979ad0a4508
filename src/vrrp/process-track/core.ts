// The process table of track_process, as keepalived 2.2.7 keeps it (events in, typed results out,
// injected clock): for every pid it counts, the list of tracked-process blocks it counts for (in
// the order they were added; a block can appear twice, see below); per block the number of matching
// processes, whether the count is within [quorum, quorum_max] ("have quorum"), and the pending
// fork_delay / terminate_delay timers. Results are the quorum changes keepalived logs as
// "Quorum gained|lost for tracked process NAME".
//
// Rules (taken from keepalived 2.2.7's behaviour, measured in test/unit/vrrp/data/track-process-2.2.7.md):
//  - start-up: every process in /proc is matched; no result is reported, the initial status is read
//    with haveQuorum();
//  - exec of a process: it is matched again; a match adds it to the block's count (also when it was
//    already counted there: a process that execs the same program again counts twice until it exits,
//    as in 2.2.7), a non-match or a parameter mismatch removes it. Reaching quorum, or exceeding
//    quorum_max, takes effect at once (and cancels a pending terminate_delay);
//  - fork of a counted process: the child counts for every block its parent counts for. Reaching
//    quorum / exceeding quorum_max takes effect after fork_delay (at once if a terminate_delay was
//    pending, which is cancelled);
//  - exit of a counted process: dropping below quorum / back to quorum_max takes effect after
//    terminate_delay (at once, cancelling it, if a fork_delay was pending);
//  - a comm change (prctl PR_SET_NAME, a write to /proc/PID/comm): if the new name is the name of a
//    block the process counts for, nothing happens; otherwise it leaves every comm-matched block it
//    counted for (at once), and the new name is matched as for an exec (comm-matched blocks only);
//  - a timer re-evaluates the block: have quorum = quorum <= count <= quorum_max.
import type { Clock } from '../../common/clock.js';
import { matchProcess, type ProcInfo } from './match.js';
import type { ProcessSpec } from './spec.js';

/** A quorum change of one tracked-process block. */
export interface QuorumChange { name: string; up: boolean }

interface Block {
  spec: ProcessSpec;
  count: number;
  haveQuorum: boolean;
  forkDue?: number;
  terminateDue?: number;
}

/** One block's recount after lost events. */
export interface Recount { name: string; from: number; to: number; quorum?: 'up' | 'down'; change?: QuorumChange }

export interface BlockSnapshot { name: string; count: number; haveQuorum: boolean; forkTimer: boolean;
  terminateTimer: boolean }

export class ProcessTable {
  private readonly blocks: Block[];
  private readonly byName = new Map<string, Block>();
  /** pid -> the blocks it counts for, in the order it was added to them (repeats possible). */
  private readonly pids = new Map<number, Block[]>();
  private out: QuorumChange[] = [];

  constructor(specs: readonly ProcessSpec[], private readonly clock: Clock) {
    this.blocks = specs.map((spec) => ({ spec, count: 0, haveQuorum: false }));
    for (const b of this.blocks) this.byName.set(b.spec.name, b);
  }

  /** Start-up: counts the processes found in /proc; each block's status follows its count, silently. */
  scan(procs: Iterable<{ pid: number; info: ProcInfo }>): void {
    this.addScanned(procs);
    for (const b of this.blocks) b.haveQuorum = inRange(b);
  }

  haveQuorum(name: string): boolean | undefined { return this.byName.get(name)?.haveQuorum; }

  snapshot(): BlockSnapshot[] {
    return this.blocks.map((b) => ({ name: b.spec.name, count: b.count, haveQuorum: b.haveQuorum,
      forkTimer: b.forkDue !== undefined, terminateTimer: b.terminateDue !== undefined }));
  }

  /** A process exec'ed; `info` is what /proc showed of it (undefined: it was already gone). */
  exec(pid: number, info: ProcInfo | undefined): QuorumChange[] {
    this.out = [];
    if (info) this.check(pid, info, false);
    return this.out;
  }

  fork(parent: number, child: number): QuorumChange[] {
    this.out = [];
    const refs = this.pids.get(parent);
    if (!refs) return this.out;
    const mine: Block[] = [];
    this.pids.set(child, mine);
    for (const b of refs) {
      mine.push(b);
      b.count++;
      if (b.count !== b.spec.quorum && b.count !== b.spec.quorumMax + 1) continue;
      if (b.terminateDue !== undefined) b.terminateDue = undefined;
      else if (b.spec.forkDelayMs > 0) { b.forkDue = this.clock.now() + b.spec.forkDelayMs; continue; }
      this.update(b, b.count === b.spec.quorum);
    }
    return this.out;
  }

  exit(pid: number): QuorumChange[] {
    this.out = [];
    const refs = this.pids.get(pid);
    if (!refs) return this.out;
    for (const b of refs) {
      if (!this.decrement(b)) continue;
      if (b.forkDue !== undefined) b.forkDue = undefined;
      else if (b.spec.terminateDelayMs > 0) { b.terminateDue = this.clock.now() + b.spec.terminateDelayMs; continue; }
      this.update(b, b.count === b.spec.quorumMax);
    }
    this.pids.delete(pid);
    return this.out;
  }

  /** The process renamed itself to `comm` (the kernel's PROC_EVENT_COMM, 16 bytes, NUL-padded). */
  comm(pid: number, comm: Buffer): QuorumChange[] {
    this.out = [];
    const refs = this.pids.get(pid);
    if (refs) {
      for (const b of [...refs]) {
        if (b.spec.fullCommand) continue;
        if (comm.equals(b.spec.path)) return this.out;
        refs.splice(refs.indexOf(b), 1);
        if (!this.decrement(b)) continue;
        b.forkDue = undefined;
        this.update(b, b.count === b.spec.quorumMax);
      }
    }
    this.check(pid, { comm }, true);
    return this.out;
  }

  /** When the next delay ends (clock ms), if one is pending. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const b of this.blocks) for (const t of [b.forkDue, b.terminateDue]) if (t !== undefined
      && (next === undefined || t < next)) next = t;
    return next;
  }

  /** Ends the delays that are due: each re-evaluates its block from the current count. */
  expire(): QuorumChange[] {
    this.out = [];
    const now = this.clock.now();
    for (const b of this.blocks) {
      if (b.forkDue !== undefined && b.forkDue <= now) { b.forkDue = undefined; this.update(b, inRange(b)); }
      if (b.terminateDue !== undefined && b.terminateDue <= now) { b.terminateDue = undefined;
        this.update(b, inRange(b)); }
    }
    return this.out;
  }

  /**
   * After lost events (the socket overflowed): forget every pid, cancel the delays and count again
   * from /proc. Returns, in block order, each block whose count changed (with the old count), whether
   * that crossed a quorum bound, and the quorum change it made at once. A block that lost quorum this
   * way waits for its terminate_delay; one that gained it changes at once. (2.2.7 reports these
   * changes without recording them, so a later change of the same block can go unreported; here the
   * block's status follows what was reported.)
   */
  rescan(procs: Iterable<{ pid: number; info: ProcInfo }>): Recount[] {
    const before = this.blocks.map((b) => b.count);
    this.pids.clear();
    for (const b of this.blocks) { b.count = 0; b.forkDue = undefined; b.terminateDue = undefined; }
    this.addScanned(procs);
    const out: Recount[] = [];
    this.blocks.forEach((b, i) => {
      const from = before[i]!;
      if (from === b.count) return;
      const q = b.spec.quorum, qm = b.spec.quorumMax;
      const r: Recount = { name: b.spec.name, from, to: b.count };
      out.push(r);
      if ((from < q) === (b.count < q) && (from > qm) === (b.count > qm)) return;
      this.out = [];
      if (inRange(b)) { r.quorum = 'up'; this.update(b, true); }
      else {
        r.quorum = 'down';
        if (b.spec.terminateDelayMs > 0) b.terminateDue = this.clock.now() + b.spec.terminateDelayMs;
        else this.update(b, false);
      }
      if (this.out.length) r.change = this.out[0];
    });
    return out;
  }

  // ------------------------------------------------------------------------------------------------

  private addScanned(procs: Iterable<{ pid: number; info: ProcInfo }>): void {
    for (const { pid, info } of procs) {
      for (const b of this.blocks) if (matchProcess(b.spec, info) === 'match') this.add(pid, b);
    }
  }

  private add(pid: number, b: Block): void {
    let refs = this.pids.get(pid);
    if (!refs) { refs = []; this.pids.set(pid, refs); }
    refs.push(b);
    b.count++;
  }

  /** One process fewer; true when that crosses a quorum bound (below quorum, or back to quorum_max). */
  private decrement(b: Block): boolean {
    const was = b.count--;
    return was === b.spec.quorum || b.count === b.spec.quorumMax;
  }

  /** Removes one reference of `b` from the pid, if it has one. */
  private remove(pid: number, b: Block): void {
    const refs = this.pids.get(pid);
    const i = refs ? refs.indexOf(b) : -1;
    if (!refs || i < 0) return;
    refs.splice(i, 1);
    if (!this.decrement(b)) return;
    b.forkDue = undefined;
    this.update(b, b.count === b.spec.quorumMax);
  }

  /** Matches a process against every block (an exec, or the new name after a comm change). */
  private check(pid: number, info: ProcInfo, commEvent: boolean): void {
    const had = this.pids.has(pid);
    for (const b of this.blocks) {
      const m = matchProcess(b.spec, info);
      if (m === 'skip') continue;
      if (m === 'param-mismatch') { if (had) this.remove(pid, b); continue; }
      if (m === 'no-match') { if (had && !commEvent) this.remove(pid, b); continue; }
      this.add(pid, b);
      if (b.count === b.spec.quorum || b.count === b.spec.quorumMax + 1) {
        b.terminateDue = undefined;
        this.update(b, b.count === b.spec.quorum);
      }
    }
    if (this.pids.get(pid)?.length === 0) this.pids.delete(pid);
  }

  private update(b: Block, up: boolean): void {
    if (up === b.haveQuorum) return;
    b.haveQuorum = up;
    this.out.push({ name: b.spec.name, up });
  }
}

function inRange(b: Block): boolean { return b.count >= b.spec.quorum && b.count <= b.spec.quorumMax; }
