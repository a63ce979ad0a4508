// Soak: our daemon under steady churn for a long time, sampled for growth (root, netns prefix "ksoak").
//   node --import tsx bench/soak.ts DURATION [--sample S] [--json FILE] [--node-arg FLAG]... [--lines FILE]
//   (DURATION: 120, 2m, 1h; --node-arg: a node flag for our daemon, e.g. --trace-gc; --lines: our log with wall times)
// r1 runs bin/keepalived (dist/: npm run build first) with 20 VRRPv3 instances at advert_int 0.1 s
// (priority 150, one VIP each, all tracking one track_file of weight -100) and a virtual server
// with two TCP_CHECK real servers in c: one steady, one whose listener closes and opens every 7 s.
// r2 runs keepalived 2.2.7 with the same 20 instances at priority 100 (the peer). During the run:
// SIGHUP to r1 every 10 s (the same file: a reload that changes nothing), a failover every 60 s
// (the track file written 1 / 0: r1 drops to priority 50, r2 takes over; then r1 preempts back).
// Measured: every SAMPLE s (default 60; shorter runs sample so as to get 8 samples) r1's three
// processes: RSS and descriptors from /proc, the V8 heap and the active libuv handles from the
// Process resources section of their USR1 data dumps; the slope of each (least squares, per hour)
// and the growth (median of the last third - median of the first third). On the wire (tcpdump in
// c): the interval between consecutive adverts of each VRID from whoever sends them; a gap of
// 2 x advert_int or more is a missed advert; missed adverts of one sender within 50 ms are a stall, and
// for ours /proc/PID/schedstat of its VRRP process (every 50 ms) says whether it was waiting for a CPU
// through the gap (starved: the machine's load; keepalived 2.2.7 beside it stalls as often, see
// bench/soak.results.md) or not (its own doing). The VIPs (ip monitor in r1 and r2): time during which
// a VIP is on neither router (a lost VIP: on none for an advert interval or more). Pass: no growth
// beyond noise (RSS 16 MB, heap 16 MB, descriptors 2, handles 5), no stall of ours that is not
// starvation, no lost VIP, no child restarted, every reload and failover done.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseResourceLines } from '../src/daemon/process-resources.js';
import { isRoot, waitFor } from '../test/helpers/netns.js';
import { Daemon, KEEPALIVED } from '../test/integration/vrrp/lab.js';
import { parseAdverts, percentile, procSample, R1_IP, ResLab, sleep, type Advert } from '../test/integration/chaos/res-lab.js';

export const INSTANCES = 20;
const ADVERT_MS = 100;
const VRID0 = 101;
const vip = (i: number): string => `10.199.0.${VRID0 + i}`;
const RELOAD_S = 10, FLAP_S = 7, FAILOVER_S = 60;
/**
 * Growth allowed (last third - first third, medians): descriptors and handles are exact counts (an
 * in-flight check or timer at most); the V8 heap swings by up to ~8 MB between major collections
 * (measured in the VRRP child: 10.5 -> 18.9 -> 12.9 MB over 6 minutes), so a short run cannot tell a
 * slow leak from the swing: the hour-long run's slope does.
 */
const LIMITS = { rssMb: 16, heapMb: 16, fds: 2, handles: 5 };
const BIN = fileURLToPath(new URL('../bin/keepalived', import.meta.url));

export interface SoakOptions {
  durationS: number; sampleS?: number; log?: (line: string) => void;
  /** Extra node flags for our daemon (its children inherit them), e.g. --trace-gc to explain a stall. */
  nodeArgs?: readonly string[];
  /** Write every line our daemon printed, each after its wall-clock second (to set beside the wire). */
  linesFile?: string;
}

interface Sample { t: number; role: 'parent' | 'vrrp' | 'checker'; pid: number; rssMb: number; heapMb: number; fds: number; handles: number }
export interface Trend { role: string; metric: string; first: number; last: number; growth: number;
  slopePerHour: number; limit: number; ok: boolean }
export interface SoakResult {
  durationS: number; sampleS: number; samples: Sample[]; trends: Trend[];
  reloads: number; reloadsLogged: number; failovers: number; rsFlaps: number; rsTransitions: number;
  adverts: { total: number; p50: number; p99: number; max: number; missed: number };
  /** Missed adverts grouped into stalls (one sender's gaps that start within 50 ms of each other), with what the
   *  soak did just before: who stalled, how long, and the time since the last reload / failover / USR1 sample. */
  stalls: Stall[];
  /** Time VIPs spent on no router: total, times, longest (a hand-over between the routers takes well under a
   *  millisecond). */
  vipLostMs: number; vipLostEvents: number; vipLostMaxMs: number; childRestarts: number;
  pass: boolean; problems: string[];
}

export interface Stall {
  /** Wire seconds (tcpdump) of the last advert before the gap. */
  t: number; sender: 'ours' | 'keepalived' | string; vrids: number; maxGapMs: number;
  /** Seconds since the soak last did each (undefined: not yet). */
  sinceReloadS?: number; sinceFailoverS?: number; sinceSampleS?: number;
  /**
   * Ours only: what its VRRP process's main thread did across the stall (/proc/PID/schedstat, sampled every
   * 50 ms): ms spent runnable but waiting for a CPU, and ms running. `starved`: the waiting covers at least half
   * of the time the gap ran over advert_int, so the kernel did not run it (the machine's load, not its own work).
   */
  waitMs?: number; cpuMs?: number; starved?: boolean;
}

/** One reading of /proc/PID/schedstat: wall seconds, ns on a CPU, ns runnable but waiting. */
export interface SchedSample { wall: number; cpuNs: number; waitNs: number }

export function readSchedstat(pid: number): SchedSample | undefined {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return cpu === undefined || wait === undefined ? undefined : { wall: Date.now() / 1000, cpuNs: cpu, waitNs: wait };
  } catch { return undefined; }
}

/** Fills in waitMs / cpuMs / starved of ours's stalls from the samples that bracket each gap. */
export function attributeStalls(stalls: Stall[], sched: readonly SchedSample[], advertMs: number): void {
  for (const st of stalls) {
    if (st.sender !== 'ours') continue;
    const end = st.t + st.maxGapMs / 1000;
    let a: SchedSample | undefined, b: SchedSample | undefined;
    for (const x of sched) {
      if (x.wall <= st.t) a = x;
      if (x.wall >= end && !b) b = x;
    }
    if (!a || !b) continue;
    st.waitMs = (b.waitNs - a.waitNs) / 1e6;
    st.cpuMs = (b.cpuNs - a.cpuNs) / 1e6;
    st.starved = st.waitMs >= (st.maxGapMs - advertMs) / 2;
  }
}

/** Missed adverts (gaps >= 2 x advert_int per VRID) grouped into stalls of one sender. */
export function stallsOf(ads: readonly Advert[], advertMs: number, senders: Record<string, string>,
  acts: { reload: number[]; failover: number[]; sample: number[] }): Stall[] {
  const gaps: { t: number; src: string; ms: number; vrid: number }[] = [];
  const byVrid = new Map<number, Advert[]>();
  for (const a of ads) { const l = byVrid.get(a.vrid) ?? []; l.push(a); byVrid.set(a.vrid, l); }
  for (const [vrid, l] of byVrid) {
    for (let k = 1; k < l.length; k++) {
      const ms = (l[k]!.t - l[k - 1]!.t) * 1000;
      if (ms >= 2 * advertMs) gaps.push({ t: l[k - 1]!.t, src: l[k - 1]!.src, ms, vrid });
    }
  }
  gaps.sort((a, b) => a.t - b.t);
  const since = (ts: number[], t: number): number | undefined => {
    let best: number | undefined;
    for (const x of ts) if (x <= t) best = x;
    return best === undefined ? undefined : t - best;
  };
  const out: Stall[] = [];
  for (const g of gaps) {
    const last = out.at(-1);
    const sender = senders[g.src] ?? g.src;
    if (last && last.sender === sender && g.t - last.t <= 0.05) {
      last.vrids++; last.maxGapMs = Math.max(last.maxGapMs, g.ms); continue;
    }
    const st: Stall = { t: g.t, sender, vrids: 1, maxGapMs: g.ms };
    const r = since(acts.reload, g.t), f = since(acts.failover, g.t), sm = since(acts.sample, g.t);
    if (r !== undefined) st.sinceReloadS = r;
    if (f !== undefined) st.sinceFailoverS = f;
    if (sm !== undefined) st.sinceSampleS = sm;
    out.push(st);
  }
  return out;
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(s);
  if (!m) throw new Error(`bad duration ${s} (120, 2m, 1h)`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

const instances = (prio: number, trackFile: boolean): string => Array.from({ length: INSTANCES }, (_, i) => `vrrp_instance VI_${i + 1} {
    state BACKUP
    interface eth0
    virtual_router_id ${VRID0 + i}
    priority ${prio}
    advert_int 0.1
${trackFile ? '    track_file {\n        failover\n    }\n' : ''}    virtual_ipaddress {
        ${vip(i)}/24
    }
}`).join('\n');

function oursConf(dir: string): string {
  return `global_defs {
    router_id soak_r1
    vrrp_version 3
}
vrrp_track_file failover {
    file ${dir}/failover
    weight -100
}
${instances(150, true)}
virtual_server 10.199.0.200 80 {
    delay_loop 1
    lb_kind NAT
    protocol TCP
    real_server 10.199.0.10 8001 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 10.199.0.10 8002 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`;
}

const peerConf = (): string => `global_defs {\n    router_id soak_r2\n    vrrp_version 3\n}\n${instances(100, false)}\n`;

/** The largest value (NaN for none); a loop, not Math.max(...xs): an hour holds 720,000 intervals. */
export function maxOf(xs: readonly number[]): number {
  let m = NaN;
  for (const x of xs) if (!(x <= m)) m = x;
  return m;
}

/** Least-squares slope of y over t (seconds), per hour. */
export function slopePerHour(pts: readonly { t: number; y: number }[]): number {
  const n = pts.length;
  if (n < 2) return 0;
  const mt = pts.reduce((a, p) => a + p.t, 0) / n, my = pts.reduce((a, p) => a + p.y, 0) / n;
  let num = 0, den = 0;
  for (const p of pts) { num += (p.t - mt) * (p.y - my); den += (p.t - mt) ** 2; }
  return den ? (num / den) * 3600 : 0;
}

/** Median of the last third minus median of the first third (noise from GC and in-flight checks cancels out). */
export function growth(ys: readonly number[]): number {
  const k = Math.max(1, Math.floor(ys.length / 3));
  return percentile(ys.slice(-k), 50) - percentile(ys.slice(0, k), 50);
}

/**
 * Time during which a VIP was on neither router, from `ip -ts monitor address` of both: the total,
 * how many times, and the longest.
 */
export function vipLoss(events: { t: number; host: 'r1' | 'r2'; vip: string; present: boolean }[], initial: Map<string, Set<'r1' | 'r2'>>, t0: number, t1: number):
  { lostMs: number; lostEvents: number; maxMs: number } {
  const have = new Map([...initial].map(([k, v]) => [k, new Set(v)]));
  const since = new Map<string, number>();
  for (const [k, v] of have) if (v.size === 0) since.set(k, t0);
  let lostMs = 0, lostEvents = 0, maxMs = 0;
  const end = (from: number, to: number): void => { const d = (to - from) * 1000; lostMs += d;
    maxMs = Math.max(maxMs, d); };
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    if (e.t < t0 || e.t > t1) continue;
    const h = have.get(e.vip) ?? new Set();
    have.set(e.vip, h);
    if (e.present) {
      h.add(e.host);
      const s = since.get(e.vip);
      if (s !== undefined) { end(s, e.t); since.delete(e.vip); }
    } else {
      h.delete(e.host);
      if (h.size === 0) { since.set(e.vip, e.t); lostEvents++; }
    }
  }
  for (const s of since.values()) end(s, t1);
  return { lostMs, lostEvents, maxMs };
}

/** `ip -ts monitor address` lines -> events for our VIPs (wall-clock seconds). */
function monitorEvents(text: string, host: 'r1' | 'r2'): { t: number; host: 'r1' | 'r2'; vip: string; present: boolean }[] {
  const out: { t: number; host: 'r1' | 'r2'; vip: string; present: boolean }[] = [];
  for (const l of text.split('\n')) {
    const m = /^\[(\S+)\] (Deleted )?\d+: \S+\s+inet (10\.199\.0\.\d+)\//.exec(l);
    if (!m) continue;
    // (local time, as `ip -ts` prints it; Date.parse reads a date-time without offset as local)
    out.push({ t: Date.parse(m[1]!) / 1000, host, vip: m[3]!, present: !m[2] });
  }
  return out;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  let schedTimer: NodeJS.Timeout | undefined;
  const log = o.log ?? ((l: string) => console.log(l));
  const sampleS = o.sampleS ?? Math.min(60, Math.max(5, Math.floor(o.durationS / 8)));
  const L = new ResLab('ksoak').up();
  const procs: ChildProcess[] = [];
  const problems: string[] = [];
  try {
    const dir = L.dir;
    writeFileSync(`${dir}/failover`, '0\n');
    writeFileSync(`${dir}/r1.conf`, oursConf(dir));
    writeFileSync(`${dir}/r2.conf`, peerConf());
    // real servers in c: 8001 steady, 8002 closing and opening every FLAP_S
    const rsJs = `const net=require('net');const mk=(p)=>{const s=net.createServer((c)=>{c.on('error',()=>{});c.end();});s.listen(p,'0.0.0.0');return s;};` +
      `mk(8001);let f=mk(8002),up=true;setInterval(()=>{if(up){f.close();up=false;}else{f=mk(8002);up=true;}process.stdout.write('flap\\n');},${FLAP_S * 1000});`;
    const rs = L.v.lab.spawn(L.ns('c'), process.execPath, ['-e', rsJs]);
    let flaps = 0;
    rs.stdout!.on('data', (d: Buffer) => { flaps += d.toString().split('flap').length - 1; });
    // the peer first (2.2.7), then ours (preempts every instance)
    const peer = new Daemon('keepalived', L.v.lab.spawn(L.ns('r2'), KEEPALIVED, ['-n', '-l', '-f', `${dir}/r2.conf`, '-p', `${dir}/r2.pid`, '-r', `${dir}/r2.vrrp.pid`, '-c', `${dir}/r2.chk.pid`, '-b', `${dir}/r2.bfd.pid`]), dir, 'r2');
    await peer.waitLine(`(VI_${INSTANCES}) Entering MASTER STATE`, 30_000);
    const env = { ...process.env, KEEPALIVED_TS_TMP_DIR: dir };
    const ours = new Daemon('daemon', L.v.lab.spawn(L.ns('r1'), process.execPath, [...(o.nodeArgs ?? []), '--expose-internals', BIN, '-n', '-l', '-D', '-f', `${dir}/r1.conf`, '-p', `${dir}/r1.pid`, '-r', `${dir}/r1.vrrp.pid`, '-c', `${dir}/r1.chk.pid`, '-b', `${dir}/r1.bfd.pid`], env), dir, 'r1');
    L.v.daemons.push(peer, ours);
    await waitFor(() => Array.from({ length: INSTANCES }, (_, i) => ours.has(`(VI_${i + 1}) Entering MASTER STATE`)).every(Boolean), 60_000, 100);
    const pidOf = (f: string): number => Number(readFileSync(`${dir}/${f}`, 'utf8').trim());
    const pids = { parent: ours.proc.pid!, vrrp: pidOf('r1.vrrp.pid'), checker: pidOf('r1.chk.pid') };
    // what the VRRP process's main thread does, to tell a stall of its own from one of the machine's
    const sched: SchedSample[] = [];
    schedTimer = setInterval(() => { const x = readSchedstat(pids.vrrp); if (x) sched.push(x); }, 50);
    // the wire and the VIPs
    const cap = L.v.lab.spawn(L.ns('c'), 'tcpdump', ['-i', 'eth0', '-n', '-tt', '-l', '-p', 'ip proto 112']);
    let capText = '';
    cap.stdout!.on('data', (d: Buffer) => { capText += d.toString(); });
    cap.stderr!.on('data', () => {});
    const mons = (['r1', 'r2'] as const).map((h) => {
      const p = L.v.lab.spawn(L.ns(h), 'ip', ['-ts', 'monitor', 'address']);
      const m = { host: h, text: '' };
      p.stdout!.on('data', (d: Buffer) => { m.text += d.toString(); });
      return m;
    });
    procs.push(rs, cap);
    await sleep(2000);
    const initial = new Map(Array.from({ length: INSTANCES }, (_, i) => [vip(i), new Set((['r1', 'r2'] as const).filter((h) => L.v.hasAddr(h, vip(i))))]));
    const t0 = Date.now() / 1000;
    const startRestarts = ours.lines.filter((l) => /died|Respawning/.test(l.text)).length;
    log(`# soak: ${o.durationS} s, sample every ${sampleS} s; ${INSTANCES} instances at ${ADVERT_MS} ms, reload every ${RELOAD_S} s, real server flap every ${FLAP_S} s, failover every ${FAILOVER_S} s`);

    const samples: Sample[] = [];
    const acts = { reload: [] as number[], failover: [] as number[], sample: [] as number[] };
    const sample = async (): Promise<void> => {
      for (const f of ['keepalived_parent.data', 'keepalived.data', 'keepalived_check.data']) rmSync(`${dir}/${f}`, { force: true });
      acts.sample.push(Date.now() / 1000);
      ours.signal('SIGUSR1');
      const t = Date.now() / 1000 - t0;
      const got = await waitFor(() => {
        const r = ['keepalived_parent.data', 'keepalived.data', 'keepalived_check.data'].map((f) => {
          try { return parseResourceLines(readFileSync(`${dir}/${f}`, 'utf8')); } catch { return undefined; }
        });
        return r.every(Boolean) ? r : undefined;
      }, 10_000, 100).catch(() => undefined);
      if (!got) { problems.push(`t=${t.toFixed(0)} s: no data dump with resources`); return; }
      for (const [k, role] of (['parent', 'vrrp', 'checker'] as const).entries()) {
        const d = got[k]!;
        const p = procSample(pids[role]);
        samples.push({ t, role, pid: d.pid, rssMb: (p?.rssKb ?? d.rssKb) / 1024, heapMb: d.heapUsedMb,
          fds: p?.fds ?? d.fds ?? 0, handles: d.handles });
      }
      const s = samples.slice(-3);
      log(`t=${t.toFixed(0).padStart(5)} s  ${s.map((x) => `${x.role} rss ${x.rssMb.toFixed(1)} MB heap ${x.heapMb.toFixed(1)} MB fds ${x.fds} handles ${x.handles}`).join(' | ')}`);
    };

    let reloads = 0, failovers = 0;
    const end = Date.now() + o.durationS * 1000;
    let nextReload = Date.now() + RELOAD_S * 1000, nextFailover = Date.now() + FAILOVER_S * 1000,
      nextSample = Date.now();
    let failed = false;
    while (Date.now() < end) {
      const now = Date.now();
      if (now >= nextSample) { await sample(); nextSample += sampleS * 1000; }
      if (now >= nextReload) { acts.reload.push(now / 1000); ours.signal('SIGHUP'); reloads++; nextReload += RELOAD_S * 1000; }
      if (now >= nextFailover) { acts.failover.push(now / 1000); failed = !failed; writeFileSync(`${dir}/failover`, failed ? '1\n' : '0\n'); failovers++; nextFailover += FAILOVER_S * 1000; }
      if (ours.exited) { problems.push(`ours exited: ${JSON.stringify(ours.exited)}`); break; }
      await sleep(Math.max(10, Math.min(nextSample, nextReload, nextFailover, end) - Date.now()));
    }
    await sample();
    clearInterval(schedTimer);
    const t1 = Date.now() / 1000;

    // the wire: per VRID, the gaps between consecutive adverts from whoever sends them
    const ads = parseAdverts(capText).filter((a) => a.t >= t0 && a.t <= t1);
    const iv: number[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const ts = ads.filter((a) => a.vrid === VRID0 + i).map((a) => a.t);
      for (let k = 1; k < ts.length; k++) iv.push((ts[k]! - ts[k - 1]!) * 1000);
    }
    const missed = iv.filter((x) => x >= 2 * ADVERT_MS).length;
    const stalls = stallsOf(ads, ADVERT_MS, { [R1_IP]: 'ours', '10.199.0.2': 'keepalived' }, acts);
    attributeStalls(stalls, sched, ADVERT_MS);
    // a missed advert counts against ours unless ours was not the sender (the peer keepalived 2.2.7 stalled)
    // or the kernel kept ours's VRRP process waiting for a CPU through the gap
    const ownStalls = stalls.filter((st) => st.sender === 'ours' && !st.starved);
    const loss = vipLoss(mons.flatMap((m) => monitorEvents(m.text, m.host)), initial, t0, t1);
    const trends: Trend[] = [];
    for (const role of ['parent', 'vrrp', 'checker'] as const) {
      const ss = samples.filter((s) => s.role === role);
      for (const [metric, key, limit] of [['RSS MB', 'rssMb', LIMITS.rssMb], ['heap MB', 'heapMb', LIMITS.heapMb], ['descriptors', 'fds', LIMITS.fds], ['libuv handles', 'handles', LIMITS.handles]] as const) {
        const ys = ss.map((s) => s[key]);
        if (!ys.length) continue;
        const g = growth(ys);
        trends.push({ role, metric, first: ys[0]!, last: ys.at(-1)!, growth: g,
          slopePerHour: slopePerHour(ss.map((s) => ({ t: s.t, y: s[key] }))), limit, ok: g <= limit });
      }
      if (new Set(ss.map((s) => s.pid)).size > 1) problems.push(`${role}: pid changed during the run`);
    }
    const lines = ours.lines.map((l) => l.text);
    const childRestarts = lines.filter((l) => /died|Respawning/.test(l)).length - startRestarts;
    const reloadsLogged = lines.filter((l) => l === 'Reload complete').length;
    const rsTransitions = lines.filter((l) => /TCP connection to \[10\.199\.0\.10\]:tcp:8002 success\.|TCP_CHECK on service \[10\.199\.0\.10\]:tcp:8002 failed/.test(l)).length;
    const result: SoakResult = {
      durationS: o.durationS, sampleS, samples, trends, reloads, reloadsLogged, failovers,
      rsFlaps: flaps, rsTransitions,
      adverts: { total: ads.length, p50: percentile(iv, 50), p99: percentile(iv, 99), max: maxOf(iv), missed },
      stalls,
      vipLostMs: loss.lostMs, vipLostEvents: loss.lostEvents, vipLostMaxMs: loss.maxMs,
      childRestarts, pass: false, problems,
    };
    if (trends.some((t) => !t.ok)) problems.push(`growth beyond noise: ${trends.filter((t) => !t.ok).map((t) => `${t.role} ${t.metric} +${t.growth.toFixed(1)}`).join(', ')}`);
    if (ownStalls.length) {
      problems.push(`${ownStalls.length} stall(s) of ours not explained by waiting for a CPU ` +
        `(${missed} missed adverts in all, interval >= ${2 * ADVERT_MS} ms)`);
    }
    // a lost VIP: one that stays on no router for an advert interval or more (at a hand-over the
    // old master may drop it a fraction of a millisecond before the new one's add is seen)
    if (loss.maxMs >= ADVERT_MS) problems.push(`a VIP on no router for ${loss.maxMs.toFixed(0)} ms`);
    if (childRestarts) problems.push(`${childRestarts} child restarts`);
    if (reloadsLogged < reloads) problems.push(`${reloads} reloads sent, ${reloadsLogged} completed`);
    result.pass = problems.length === 0;
    log(`# per process: metric first -> last, growth (last third - first third median), slope per hour`);
    for (const t of trends) log(`${t.role.padEnd(8)} ${t.metric.padEnd(14)} ${t.first.toFixed(1).padStart(7)} -> ${t.last.toFixed(1).padStart(7)}  growth ${t.growth.toFixed(1).padStart(6)} (limit ${t.limit})  slope ${t.slopePerHour.toFixed(2).padStart(8)}/h  ${t.ok ? 'ok' : 'GROWS'}`);
    log(`# reloads ${reloads} (completed ${reloadsLogged}), failovers ${failovers}, real server flaps ${flaps} (checker transitions ${rsTransitions}), child restarts ${childRestarts}`);
    log(`# adverts ${ads.length}: interval p50 ${result.adverts.p50.toFixed(1)} / p99 ${result.adverts.p99.toFixed(1)} / max ${result.adverts.max.toFixed(1)} ms, missed ${missed}; VIPs on no router: ${loss.lostEvents} times, ${loss.lostMs.toFixed(1)} ms in all, longest ${loss.maxMs.toFixed(2)} ms`);
    for (const st of result.stalls) {
      const ago = (x?: number): string => (x === undefined ? '-' : `${x.toFixed(2)} s`);
      const cpu = st.waitMs === undefined ? ''
        : `; VRRP process waited ${st.waitMs.toFixed(0)} ms for a CPU, ran ${st.cpuMs!.toFixed(0)} ms` +
          (st.starved ? ' (starved: the machine)' : ' (its own)');
      log(`# stall of ${st.sender} at t=${(st.t - t0).toFixed(1)} s: ${st.vrids} VRIDs, longest gap ${st.maxGapMs.toFixed(0)} ms; since reload ${ago(st.sinceReloadS)}, failover ${ago(st.sinceFailoverS)}, USR1 sample ${ago(st.sinceSampleS)}${cpu}`);
    }
    log(`# ${result.pass ? 'PASS' : `FAIL: ${problems.join('; ')}`}`);
    if (o.linesFile) {
      const wallMinusPerf = Date.now() - performance.now();
      writeFileSync(o.linesFile, ours.lines.map((l) => `${((l.t + wallMinusPerf) / 1000).toFixed(3)} ${l.text}`).join('\n') + '\n');
    }
    ours.signal('SIGTERM');
    peer.signal('SIGTERM');
    await Promise.all([ours.exit(15_000).catch(() => undefined), peer.exit(15_000).catch(() => undefined)]);
    return result;
  } finally {
    clearInterval(schedTimer);
    for (const p of procs) { try { process.kill(p.pid!, 'SIGKILL'); } catch { /* gone */ } }
    await L.down();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!isRoot()) { console.error('soak: needs root (network namespaces)'); process.exit(1); }
  const opt = (n: string): string | undefined => { const i = args.indexOf(n);
    return i >= 0 ? args[i + 1] : undefined; };
  const valued = ['--sample', '--json', '--node-arg', '--lines'];
  const dur = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? '')) ?? '120';
  const nodeArgs = args.flatMap((a, i) => (args[i - 1] === '--node-arg' ? [a] : []));
  const r = await runSoak({
    durationS: parseDuration(dur), ...(opt('--sample') ? { sampleS: Number(opt('--sample')) } : {}), nodeArgs,
    ...(opt('--lines') ? { linesFile: opt('--lines')! } : {}),
  });
  const json = opt('--json');
  if (json) writeFileSync(json, JSON.stringify(r, null, 1));
  process.exit(r.pass ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
