// One fault episode of the chaos tier's resource/peer faults, run the same way for keepalived
// 2.2.7 and for ours: start the daemon in r1 on a config with a steady instance VI_A (VRRPv3,
// advert_int 0.1 s, MASTER alone) and whatever the fault needs, wait until it is MASTER, take a
// resource snapshot, capture adverts in r2, run the fault for `episodeMs` (a callback that may
// flap a track_file, send signals, ...), heal, let it settle, snapshot again, stop the daemon
// (SIGTERM) and report: VI_A's advert intervals on the wire during the episode, the resources
// before / after, the log, and what was left in r1's namespace after the stop.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Daemon, Line } from '../vrrp/lab.js';
import { describePids, fmtIv, fmtSnap, intervalStats, R1_IP, sleep, wallS, type DaemonPids, type Impl, type IntervalStats, type ResLab, type ResourceSnapshot, type StartOpts } from './res-lab.js';

export const VI_A_VRID = 51;
export const VI_A_INT_MS = 100;

/** global_defs lines common to every fault config (extra lines appended). */
export function globalDefs(extra: string[] = []): string {
  return ['global_defs {', '    router_id kcr', '    vrrp_version 3', '    script_user root', ...extra.map((l) => `    ${l}`), '}'].join('\n');
}

/** The steady instance whose adverts are measured. */
export const VI_A = `vrrp_instance VI_A {
    state MASTER
    interface eth0
    virtual_router_id ${VI_A_VRID}
    priority 200
    advert_int 0.1
    virtual_ipaddress {
        10.199.0.100/24
    }
}`;

/**
 * The flapping instance of the notify and SMTP faults: a track_file `flap` of weight 0 (a non-zero
 * value puts VI_B in FAULT) and VI_B (vrid 52, advert_int 1) tracking it, `lines` inside the block.
 */
export function flappingInstance(dir: string, lines: string[]): string {
  return `vrrp_track_file flap {
    file ${dir}/flap
    weight 0
}
vrrp_instance VI_B {
    state MASTER
    interface eth0
    virtual_router_id 52
    priority 200
    advert_int 1
${lines.map((l) => `    ${l}\n`).join('')}    track_file {
        flap
    }
    virtual_ipaddress {
        10.199.0.101/24
    }
}`;
}

/** Writes 1 / 0 to DIR/flap every `everyMs` until `until` (Date.now() ms), ending at 0 (VI_B healthy). */
export async function flap(dir: string, until: number, everyMs: number): Promise<{ flips: number }> {
  let flips = 0;
  while (Date.now() < until) {
    writeFileSync(`${dir}/flap`, flips++ % 2 === 0 ? '1\n' : '0\n');
    await sleep(everyMs);
  }
  writeFileSync(`${dir}/flap`, '0\n');
  return { flips };
}

export interface EpisodeResult {
  impl: Impl;
  adverts: IntervalStats;
  before: ResourceSnapshot;
  after: ResourceSnapshot;
  /** Processes left in r1's namespace once the daemon has exited. */
  leftAfterStop: number[];
  leftNames: string;
  /** The log lines from the start of the episode; `log`: every line of the run. */
  lines: Line[];
  log: Line[];
  episodeStart: number;
  exit: Daemon['exited'];
  /** Whatever the fault callback returned. */
  extra: Record<string, unknown>;
  /** 1-minute load average at the end of the episode (timing figures are read against it). */
  load: number;
}

export interface EpisodeOpts extends StartOpts {
  episodeMs: number;
  /** After the heal, before the second snapshot. */
  settleMs?: number;
  /** Lines to wait for (besides VI_A MASTER) before the episode. */
  ready?: (string | RegExp)[];
  /** The fault: runs during the episode; its result lands in `extra`. */
  fault: (ctx: { lab: ResLab; daemon: Daemon; pids: DaemonPids;
    until: number }) => Promise<Record<string, unknown> | void>;
  /** Undo the fault (after the episode, before settling). */
  heal?: (ctx: { lab: ResLab; daemon: Daemon }) => Promise<void> | void;
}

export async function runEpisode(lab: ResLab, impl: Impl, confText: string, o: EpisodeOpts): Promise<EpisodeResult> {
  const tag = `${impl}-${Math.random().toString(36).slice(2, 8)}`;
  const conf = `${lab.dir}/${tag}.conf`;
  writeFileSync(conf, confText);
  const d = lab.start(impl, conf, tag, o);
  try {
    await d.waitLine('(VI_A) Entering MASTER STATE', 30_000);
    for (const r of o.ready ?? []) await d.waitLine(r, 30_000);
    const pids = lab.pids(d);
    await sleep(500);
    const before = lab.snapshot(pids);
    const cap = lab.captureAdverts();
    await sleep(300);
    const w0 = wallS(), episodeStart = d.lines.length;
    const extra = (await o.fault({ lab, daemon: d, pids, until: Date.now() + o.episodeMs })) ?? {};
    const w1 = wallS();
    const load = loadavg()[0]!;
    await o.heal?.({ lab, daemon: d });
    await sleep(o.settleMs ?? 1000);
    const after = lab.snapshot(pids);
    cap.stop();
    const adverts = intervalStats(cap.adverts(), VI_A_VRID, R1_IP, w0, w1);
    d.signal('SIGTERM');
    await d.exit(15_000);
    await sleep(300);
    const leftAfterStop = lab.snapshot({ parent: -1 }).others;
    const leftNames = describePids(leftAfterStop);
    // what the daemon left behind (orphaned script children) must not count in the next run
    for (const pid of leftAfterStop) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    return { impl, adverts, before, after, leftAfterStop, leftNames, lines: d.lines.slice(episodeStart), log: d.lines,
      episodeStart, exit: d.exited, extra, load };
  } finally {
    if (!d.exited) d.signal('SIGKILL');
  }
}

/** One line of figures for a fault and an implementation. */
export function figures(fault: string, r: EpisodeResult, more = ''): string {
  return `[${fault}] ${r.impl.padEnd(10)} ${fmtIv(r.adverts)} (load ${r.load.toFixed(1)}); before: ${fmtSnap(r.before)}; after: ${fmtSnap(r.after)}; left after stop: ${r.leftNames}${more ? `; ${more}` : ''}`;
}

/** Prints figures() (the test's output is the figures per fault, ours beside keepalived) and returns the line. */
export function report(fault: string, r: EpisodeResult, more = ''): string {
  const line = figures(fault, r, more);
  console.log(`      ${line}`);
  return line;
}

/**
 * The bound every fault asserts on ours's VI_A adverts: every interval on the wire below
 * 3 x advert_int (300 ms), i.e. inside the Master_Down_Interval of any backup (3 x advert_int +
 * Skew_Time, RFC 5798 6.4.2): however late an advert is, no backup takes over. The printed p50 /
 * p99 / max are the finer figures, 2.2.7's beside ours. On this shared 2-core machine (load 5-9
 * while other labs run) a process is sometimes held up for tens to hundreds of milliseconds, both
 * implementations alike: 2.2.7 showed 341 ms once during the netlink flood, ours 240 ms.
 */
export const ADVERT_BOUND_MS = 3 * VI_A_INT_MS;
