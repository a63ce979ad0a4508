// Chaos lab: three VRRP routers (r1, r2, r3 at 10.199.0.1-3) and a client (c, 10.199.0.10) on one
// bridge that lives in its own namespace (test/integration/vrrp/lab.ts's VrrpLab with 3 routers).
// Each router runs our daemon (bin/keepalived: parent + VRRP child [+ checker child]) or Debian's
// keepalived 2.2.7. A monitor (monitor.py) samples every 50 ms which router holds each VIP and
// watches the client's wire for adverts and gratuitous ARPs; faults are applied in the switch
// namespace (nftables: loss, duplication, reordering through reorder-relay.py, partitions) or in a
// router (link flaps, signals). All times are performance.now() milliseconds (the Daemon log clock).
//
// API, in use order (see chaos-net-*.test.ts):
//   const lab = new ChaosLab('chnet').up();            // namespaces + monitor; lab.down() in after()
//   lab.start('r1', 'daemon' | 'keepalived', opts?)    // config from routerConfig() unless opts.conf
//   await lab.settle();                                // each VIP held by its expected master only
//   lab.impair({ lossPct, dupPct, reorderPct }) / lab.unimpair()   lab.cut('r1') / lab.uncut('r1')
//   await lab.flap('r1', 4, 100)                       lab.pids('r1') -> { parent, vrrp, checker }
//   lab.monitor.summary(vip, from, to) / lab.monitor.singleOwnerSince(vip, t) / lab.figures(...)
// Bounds: masterDownMs(prio) is RFC 3768 / 5798 Master_Down_Interval = 3 * advert + skew.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { MARGIN, masterDownMs as rfcMasterDownMs } from '../../helpers/bounds.js';
import { isRoot, sh, waitFor } from '../../helpers/netns.js';
import { configText, now, VrrpLab, type Daemon, type InstanceOpts } from '../vrrp/lab.js';

export const MONITOR_PY = new URL('./monitor.py', import.meta.url).pathname;
export const RELAY_PY = new URL('./reorder-relay.py', import.meta.url).pathname;
export const ROUTERS = ['r1', 'r2', 'r3'] as const;
export type Router = typeof ROUTERS[number];
export type Kind = 'daemon' | 'keepalived';

/** advert_int of the lab's instances, in seconds (CI speed: 1 s, the smallest VRRPv2 interval). */
export const ADVERT_S = 1;
/** Sampling period of the VIP monitor. */
export const SAMPLE_MS = 50;

/** The lab's VRRP instances: VI_1 mastered by r1, VI_2 by r2; priorities per router. */
export const INSTANCES = [
  { name: 'VI_1', vrid: 51, vip: '10.199.0.100', prio: { r1: 150, r2: 100, r3: 50 } },
  { name: 'VI_2', vrid: 52, vip: '10.199.0.101', prio: { r1: 50, r2: 150, r3: 100 } },
] as const;
export const VIPS = INSTANCES.map((i) => i.vip);

/** RFC 3768 §6.1 / RFC 5798 §6.1: Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time
 *  (test/helpers/bounds.ts). */
export function masterDownMs(prio: number, advertS = ADVERT_S): number {
  return rfcMasterDownMs(prio, advertS * 1000);
}
/** The slowest backup's Master_Down_Interval in the lab (priority 50): the bound after any heal. */
export const MASTER_DOWN_MAX_MS = masterDownMs(50);

/** Expected master of an instance among the routers that are up: the highest priority. */
export function expectedMaster(inst: typeof INSTANCES[number], up: readonly Router[]): Router | undefined {
  return [...up].sort((a, b) => inst.prio[b] - inst.prio[a])[0];
}

export interface RouterOpts {
  /** Extra global_defs lines. */
  global?: string[];
  /** A virtual_server with a MISC_CHECK so that our daemon runs a checker child (no IPVS here). */
  virtualServer?: boolean;
  /** Whole config text instead of the lab's. */
  conf?: string;
}

/** The config of router `r`: both instances, state BACKUP, advert_int ADVERT_S, PASS auth. */
export function routerConfig(r: Router, opts: RouterOpts = {}): string {
  const insts: InstanceOpts[] = INSTANCES.map((i) => ({
    name: i.name, vrid: i.vrid, priority: i.prio[r], advertInt: ADVERT_S, vips: [`${i.vip}/24`], pass: 'chaos',
  }));
  const vs = opts.virtualServer
    ? ['virtual_server 10.199.0.100 80 {', '    delay_loop 1', '    lb_algo rr', '    lb_kind DR', '    protocol TCP',
      '    real_server 10.199.0.10 80 {', '        MISC_CHECK {', '            misc_path /bin/true', '        }', '    }', '}'].join('\n')
    : '';
  return configText(insts, vs, `chaos_${r}`, opts.global ?? []);
}

export interface Held { t: number; router: Router; vips: string[] }
export interface Advert { t: number; src: string; vrid: number; prio: number }
export interface Garp { t: number; mac: string; ip: string }
export interface Summary {
  /** ms with two or more owners */ dualMs: number;
  /** ms with no owner */ noneMs: number;
  /** changes of the owner set */ changes: number;
  /** owner sets in order, e.g. ['r1', 'r1+r2', 'r2'] */ path: string[];
}

/** Parses monitor.py's output; answers who held which VIP when. */
export class VipMonitor {
  readonly held: Held[] = [];
  readonly adverts: Advert[] = [];
  readonly garps: Garp[] = [];
  samples = 0;
  private buf = '';

  /**
   * `proc`: monitor.py (its stdout is fed in), or none (unit tests call feed()). `offset`:
   * performance.now() = CLOCK_MONOTONIC ms - offset (measured here unless given).
   */
  constructor(proc: Pick<ChildProcess, 'stdout'> | undefined, readonly routers: readonly Router[],
    private readonly offset = Number(process.hrtime.bigint()) / 1e6 - performance.now()) {
    proc?.stdout!.on('data', (d: Buffer) => this.feed(d.toString()));
  }

  /** Takes monitor.py output (any chunking); complete lines are parsed at once. */
  feed(text: string): void {
    this.buf += text;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) { this.line(this.buf.slice(0, i)); this.buf = this.buf.slice(i + 1); }
  }

  private line(l: string): void {
    const f = l.split(' ');
    const t = Number(f[1]) - this.offset;
    if (f[0] === 'A') this.held.push({ t, router: this.routers[Number(f[2])]!, vips: f[3] === '-' ? [] : f[3]!.split(',') });
    else if (f[0] === 'V') this.adverts.push({ t, src: f[2]!, vrid: Number(f[3]), prio: Number(f[4]) });
    else if (f[0] === 'G') this.garps.push({ t, mac: f[2]!, ip: f[3]! });
    else if (f[0] === 'S') this.samples = Number(f[2]);
  }

  /** Routers holding `vip` at time t (by the last sample at or before t). */
  owners(vip: string, t = Infinity): Router[] {
    const out: Router[] = [];
    for (const r of this.routers) {
      let last: Held | undefined;
      for (const h of this.held) if (h.router === r && h.t <= t) last = h;
      if (last?.vips.includes(vip)) out.push(r);
    }
    return out;
  }

  /** The owner-set changes of `vip` in [from, to]: the set at `from`, then each change. */
  timeline(vip: string, from: number, to = Infinity): { t: number; owners: Router[] }[] {
    const out = [{ t: from, owners: this.owners(vip, from) }];
    for (const h of this.held) {
      if (h.t <= from || h.t > to) continue;
      const o = this.owners(vip, h.t);
      if (o.join('+') !== out.at(-1)!.owners.join('+')) out.push({ t: h.t, owners: o });
    }
    return out;
  }

  summary(vip: string, from: number, to: number): Summary {
    const tl = this.timeline(vip, from, to);
    let dualMs = 0, noneMs = 0;
    tl.forEach((s, i) => {
      const end = tl[i + 1]?.t ?? to;
      if (s.owners.length >= 2) dualMs += end - s.t;
      if (s.owners.length === 0) noneMs += end - s.t;
    });
    return { dualMs: Math.round(dualMs), noneMs: Math.round(noneMs), changes: tl.length - 1, path: tl.map((s) => s.owners.join('+') || '-') };
  }

  /**
   * The time since which `vip` has had exactly one owner (through the last sample), or undefined
   * when it has not now. With `after`, never earlier than `after`.
   */
  singleOwnerSince(vip: string, after = -Infinity): number | undefined {
    const tl = this.timeline(vip, after);
    const last = tl.at(-1)!;
    return last.owners.length === 1 ? Math.max(last.t, after) : undefined;
  }

  /** Advert intervals without any advert for `vrid` seen by the client in [from, to]. */
  advertsMissed(vrid: number, from: number, to: number, advertS = ADVERT_S): number {
    const ts = [from, ...this.adverts.filter((a) => a.vrid === vrid && a.prio > 0 && a.t > from
      && a.t <= to).map((a) => a.t), to];
    let missed = 0;
    for (let i = 1; i < ts.length; i++) missed += Math.max(0,
      Math.floor((ts[i]! - ts[i - 1]!) / (advertS * 1000) + 0.5) - 1);
    return missed;
  }
}

/** Added to every RFC bound: timer delays of a loaded 2-core machine (bounds.ts's busyLate; it covers the 50 ms
 *  sampling period too). */
export const MARGIN_MS = MARGIN.busyLate;

/**
 * Which implementation each router runs: ours unless CHAOS_KINDS=keepalived (all three 2.2.7, for
 * the reference figures: `CHAOS_KINDS=keepalived npx mocha test/integration/chaos/chaos-net-stall.test.ts`).
 */
export function kindsFromEnv(): Record<Router, Kind> {
  const k: Kind = process.env.CHAOS_KINDS === 'keepalived' ? 'keepalived' : 'daemon';
  return { r1: k, r2: k, r3: k };
}

/** The mixed pass: ours on r1 and r3, keepalived 2.2.7 on r2 (VI_1: ours master, 2.2.7 first backup; VI_2: the
 *  reverse). */
export const MIXED: Record<Router, Kind> = { r1: 'daemon', r2: 'keepalived', r3: 'daemon' };

/** One row of figures for a fault: printed by the tests, collected in the README table. */
export interface Figures {
  fault: string; impl: string; vip: string;
  /** ms from the heal until the VIP had exactly one owner for good */ toSingleMs: number | undefined;
  dualMs: number; noneMs: number; advertsMissed: number; path: string;
}

export function formatFigures(rows: readonly Figures[]): string {
  const head = 'fault | routers | VIP | heal -> single owner (ms) | dual-master (ms) | no owner (ms) | adverts missed | owners';
  const lines = rows.map((r) => [r.fault, r.impl, r.vip, r.toSingleMs === undefined ? 'never' : Math.round(r.toSingleMs),
    r.dualMs, r.noneMs, r.advertsMissed, r.path].join(' | '));
  return [head, ...lines].map((l) => `    ${l}`).join('\n');
}

export interface Impairment { lossPct?: number; dupPct?: number; reorderPct?: number; reorderDelayMs?: number }

/** nftables packets counted per action while an impairment is on. */
export interface ImpairCounts { dropped: number; duplicated: number; delayed: number }

const RELAY_MARK = '0x7a';

export class ChaosLab {
  readonly vl: VrrpLab;
  readonly daemons = new Map<Router, Daemon>();
  readonly kinds = new Map<Router, Kind>();
  monitor!: VipMonitor;
  private monitorProc?: ChildProcess;
  private relay?: ChildProcess;
  private readonly cutPorts = new Set<string>();

  constructor(prefix = 'chnet') { this.vl = new VrrpLab(prefix, { routers: 3 }); }

  get dir(): string { return this.vl.dir; }
  get sw(): string { return this.vl.lab.sw; }
  ns(host: string): string { return this.vl.lab.ns(host); }
  port(host: string): string { return this.vl.lab.hosts.get(host)!.port; }
  exec(ns: string, cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
    return this.vl.lab.exec(ns, cmd, args, opts);
  }

  /** Namespaces, bridge, hosts and the monitor (root only: check isRoot() first). */
  up(): this {
    if (!isRoot()) throw new Error('ChaosLab needs root');
    this.vl.up();
    this.monitorProc = spawn('python3', [MONITOR_PY, String(SAMPLE_MS), this.ns('c'), 'eth0', VIPS.join(','), ...ROUTERS.map((r) => this.ns(r))],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    this.monitor = new VipMonitor(this.monitorProc, ROUTERS);
    return this;
  }

  /** Starts router `r` (our daemon with -D, or keepalived 2.2.7), its config from routerConfig(). */
  start(r: Router, kind: Kind, opts: RouterOpts = {}): Daemon {
    const conf = this.vl.writeConf(r, opts.conf ?? routerConfig(r, opts));
    // dumps (USR1/USR2) go to the router's directory, not /tmp (KEEPALIVED_TS_TMP_DIR: ours only)
    mkdirSync(this.dumpDir(r), { recursive: true });
    const d = this.vl.start(kind, r, conf, [], { ...process.env, KEEPALIVED_TS_TMP_DIR: this.dumpDir(r) });
    this.daemons.set(r, d);
    this.kinds.set(r, kind);
    return d;
  }

  /** Where router r's dump files go (our daemon: keepalived.data, .stats, .json). */
  dumpDir(r: Router): string { return `${this.dir}/${r}-tmp`; }

  /** Our daemon's USR2 stats dump of router r (written on request; undefined if none came within 5 s). */
  async statsDump(r: Router): Promise<string | undefined> {
    const f = `${this.dumpDir(r)}/keepalived.stats`;
    rmSync(f, { force: true });
    this.daemon(r).signal('SIGUSR2');
    try { await waitFor(() => existsSync(f) && readFileSync(f, 'utf8').includes('Priority Zero'), 5000, 20); } catch { return undefined; }
    return readFileSync(f, 'utf8');
  }

  daemon(r: Router): Daemon { const d = this.daemons.get(r); if (!d) throw new Error(`${r} not started`); return d; }

  /** Pids from the pid files (-p / -r / -c): parent, VRRP child, checker child. */
  pids(r: Router): { parent?: number; vrrp?: number; checker?: number } {
    const read = (f: string) => { try { const n = Number(readFileSync(`${this.dir}/${r}.${f}`, 'utf8').trim()); return n > 0 ? n : undefined; } catch { return undefined; } };
    return { parent: read('pid'), vrrp: read('vrrp.pid'), checker: read('chk.pid') };
  }

  /** The last "(INST) Entering X STATE" of a router's log (its own view of its role). */
  stateOf(r: Router, inst: string): string | undefined {
    const re = new RegExp(`^\\(${inst}\\) Entering (\\w+) STATE`);
    let s: string | undefined;
    for (const l of this.daemon(r).lines) { const m = re.exec(l.text); if (m) s = m[1]; }
    return s;
  }

  /**
   * Waits until every VIP is held by exactly its expected master among `up` (default: the routers
   * started) and by no other router, and has been for `stableMs`. Returns the time it settled.
   */
  async settle(timeoutMs = 15_000, up: readonly Router[] = [...this.daemons.keys()], stableMs = 200): Promise<number> {
    const ok = () => INSTANCES.every((i) => {
      const o = this.monitor.owners(i.vip);
      return o.length === 1 && o[0] === expectedMaster(i, up);
    });
    let since: number | undefined;
    try {
      await waitFor(() => {
        if (!ok()) { since = undefined; return false; }
        since ??= now();
        return now() - since >= stableMs;
      }, timeoutMs, 20);
    } catch {
      throw new Error(`not settled within ${timeoutMs} ms: ${INSTANCES.map((i) => `${i.vip}=${this.monitor.owners(i.vip).join('+') || '-'}`).join(' ')}`);
    }
    return since!;
  }

  /** Applies loss / duplication / reordering to every frame the bridge sends toward a router. */
  impair(imp: Impairment): void {
    const lines = ['table netdev chaos_impair {'];
    const pairs: string[] = [];
    ROUTERS.forEach((r, i) => {
      const port = this.port(r);
      const rules = [`meta mark ${RELAY_MARK} accept`];
      if (imp.lossPct) rules.push(`numgen random mod 100 < ${imp.lossPct} counter name dropped drop`);
      if (imp.dupPct) rules.push(`numgen random mod 100 < ${imp.dupPct} meta mark set ${RELAY_MARK} counter name duplicated dup to "${port}"`);
      if (imp.reorderPct) {
        const sink = `rla${i}`;
        pairs.push(`rlb${i}:${port}`);
        if (!sh('ip', ['-n', this.sw, 'link', 'show', sink], { allowFail: true })) {
          this.exec(this.sw, 'ip', ['link', 'add', sink, 'type', 'veth', 'peer', 'name', `rlb${i}`]);
          this.exec(this.sw, 'ip', ['link', 'set', sink, 'up']);
          this.exec(this.sw, 'ip', ['link', 'set', `rlb${i}`, 'up']);
        }
        rules.push(`numgen random mod 100 < ${imp.reorderPct} counter name delayed fwd to "${sink}"`);
      }
      lines.push(`  chain to_${r} {`, `    type filter hook egress device "${port}" priority 0; policy accept;`, ...rules.map((x) => `    ${x}`), '  }');
    });
    lines.splice(1, 0, '  counter dropped {}', '  counter duplicated {}', '  counter delayed {}');
    lines.push('}');
    if (pairs.length) {
      // frames held for reorderDelayMs (1.5 advert intervals by default: a delayed advert lands after the next one)
      this.relay = spawn('ip', ['netns', 'exec', this.sw, 'python3', RELAY_PY, String(imp.reorderDelayMs ?? 1500 * ADVERT_S), RELAY_MARK, ...pairs],
        { stdio: ['pipe', 'ignore', 'inherit'] });
    }
    this.exec(this.sw, 'nft', ['-f', '-'], { input: lines.join('\n') + '\n' });
  }

  /** Counters of the impairment (since impair()). */
  impairCounts(): ImpairCounts {
    const out = this.exec(this.sw, 'nft', ['-j', 'list', 'counters', 'table', 'netdev', 'chaos_impair'], { allowFail: true });
    const c: ImpairCounts = { dropped: 0, duplicated: 0, delayed: 0 };
    try {
      for (const o of (JSON.parse(out) as { nftables: { counter?: { name: string; packets: number } }[] }).nftables) {
        if (o.counter && o.counter.name in c) c[o.counter.name as keyof ImpairCounts] = o.counter.packets;
      }
    } catch { /* no table */ }
    return c;
  }

  /** Removes the impairment; frames the relay still holds are dropped with it. */
  unimpair(): void {
    this.exec(this.sw, 'nft', ['delete', 'table', 'netdev', 'chaos_impair'], { allowFail: true });
    this.relay?.stdin?.end();
    this.relay = undefined;
  }

  /** Partitions router r from the segment (frames to and from its port dropped; its link stays up). */
  cut(r: Router): void { this.cutPorts.add(this.port(r)); this.renderCuts(); }
  uncut(r: Router): void { this.cutPorts.delete(this.port(r)); this.renderCuts(); }

  private renderCuts(): void {
    this.exec(this.sw, 'nft', ['delete', 'table', 'bridge', 'chaos_cut'], { allowFail: true });
    if (!this.cutPorts.size) return;
    const ports = [...this.cutPorts].map((p) => `"${p}"`).join(', ');
    this.exec(this.sw, 'nft', ['-f', '-'], {
      input: `table bridge chaos_cut {\n  chain forward_cut {\n    type filter hook forward priority 0; policy accept;\n    iifname { ${ports} } drop\n    oifname { ${ports} } drop\n  }\n}\n`,
    });
  }

  /**
   * `times` down/up cycles of router r's eth0, each `halfMs` down then `halfMs` up, run by one shell
   * inside the namespace (an `ip netns exec` per step is too slow for several flaps in a second).
   * Returns the time of the last up.
   */
  async flap(r: Router, times: number, halfMs: number): Promise<number> {
    const h = (halfMs / 1000).toFixed(3);
    const script = `i=0; while [ $i -lt ${times} ]; do ip link set eth0 down; sleep ${h}; ip link set eth0 up; i=$((i+1)); [ $i -lt ${times} ] && sleep ${h}; done; true`;
    await new Promise<void>((resolve, reject) => {
      const p = spawn('ip', ['netns', 'exec', this.ns(r), 'sh', '-c', script], { stdio: 'ignore' });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`flap script exited ${code}`))));
    });
    return now();
  }

  /**
   * Figures of one fault for every VIP: from `faultAt` to now; time to a single owner counted
   * from `healAt`.
   */
  figures(fault: string, faultAt: number, healAt: number): Figures[] {
    const impl = ROUTERS.filter((r) => this.kinds.has(r)).map((r) => (this.kinds.get(r) === 'daemon' ? 'ours' : 'ka')).join('/');
    const end = now();
    return INSTANCES.map((i) => {
      const s = this.monitor.summary(i.vip, faultAt, end);
      const single = this.monitor.singleOwnerSince(i.vip, healAt);
      return {
        fault, impl, vip: i.name, toSingleMs: single === undefined ? undefined : single - healAt,
        dualMs: s.dualMs, noneMs: s.noneMs, advertsMissed: this.monitor.advertsMissed(i.vrid, faultAt, end), path: s.path.join(' > '),
      };
    });
  }

  /**
   * The pass criterion after a heal at `healAt`: every VIP ends with exactly one owner, its expected
   * master among `up`, no later than `boundMs` (default: the slowest Master_Down_Interval) plus
   * MARGIN_MS after the heal; the owner's log says MASTER and no other router's does (no VIP left on a
   * BACKUP, no second master); no daemon exited other than `mayExit`. Returns the figures, printed.
   */
  async assertHealed(fault: string, faultAt: number, healAt: number,
      opts: { up?: Router[]; boundMs?: number; mayExit?: Router[] } = {}): Promise<Figures[]> {
    const up = opts.up ?? [...this.daemons.keys()].filter((r) => !this.daemon(r).exited);
    const bound = (opts.boundMs ?? MASTER_DOWN_MAX_MS) + MARGIN_MS;
    await this.settle(Math.max(0, healAt + bound - now()) + 2000, up).catch((e: Error) => { throw new Error(`${fault}: ${e.message}`); });
    const rows = this.figures(fault, faultAt, healAt);
    console.log(formatFigures(rows));
    const problems: string[] = [];
    for (const [i, inst] of INSTANCES.entries()) {
      const row = rows[i]!;
      if (row.toSingleMs === undefined || row.toSingleMs > bound) problems.push(`${inst.name}: single owner ${row.toSingleMs ?? 'never'} ms after the heal, bound ${bound} ms`);
      const master = expectedMaster(inst, up)!;
      for (const r of up) {
        const st = this.stateOf(r, inst.name);
        if ((r === master) !== (st === 'MASTER')) problems.push(`${inst.name}: ${r} logs ${st} (expected master ${master})`);
      }
    }
    problems.push(...this.unexpectedExits(opts.mayExit));
    if (problems.length) throw new Error(`${fault}:\n  ${problems.join('\n  ')}`);
    return rows;
  }

  /** Daemons that exited, other than those listed as expected. */
  unexpectedExits(expected: readonly Router[] = []): string[] {
    return [...this.daemons].filter(([r, d]) => d.exited && !expected.includes(r)).map(([r, d]) => `${r}: ${JSON.stringify(d.exited)}`);
  }

  async down(): Promise<void> {
    this.relay?.stdin?.end();
    this.monitorProc?.stdin?.end();
    for (const p of [this.relay, this.monitorProc]) if (p?.pid && p.exitCode === null) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    // our daemons get a clean stop first (VIPs released, children reaped), then the lab kills the rest
    for (const d of this.daemons.values()) if (!d.exited) d.signal('SIGTERM');
    await Promise.all([...this.daemons.values()].map((d) => d.exit(5000).catch(() => undefined)));
    await this.vl.down();
  }
}

/**
 * The set-up every chaos file shares: one lab for the whole file (root only, skipped otherwise), the
 * three routers started with `kinds` (and `opts(r)`), settled before the first test; torn down after
 * the last one even when a test fails. Call inside describe() with its `this`; the returned function
 * gives the lab.
 */
export function chaosLabPerFile(suite: Mocha.Suite, prefix: string, kinds: Record<Router, Kind>,
    opts: (r: Router) => RouterOpts = () => ({})): () => ChaosLab {
  suite.timeout(60_000);
  let lab: ChaosLab | undefined;
  before(async function () {
    if (!isRoot()) this.skip();
    lab = new ChaosLab(prefix).up();
    for (const r of ROUTERS) lab.start(r, kinds[r], opts(r));
    await lab.settle(20_000);
  });
  after(async () => { await lab?.down(); });
  return () => {
    if (!lab) throw new Error('no chaos lab outside a test');
    return lab;
  };
}
