// Runs inside the scripts/vm guest (real IPVS): lvs_sync_daemon end to end. The LVS-DR lab of
// lvs-lab.ts with a TCP echo server on each real server (VIP:7000); two directors run
// test/vm/lvs-configs/lvs-syncd.conf (lvs_sync_daemon eth0 VI_1). Per scenario: the master's and
// the backup's `ipvsadm -L --daemon`; a client holding N connections through the master, each
// sending a line every 200 ms and expecting its echo; the backup's `ipvsadm -Lnc` until it lists
// every connection (synced); SIGTERM to the master; then which connections are still echoed through
// the new master, how long after the SIGTERM, the new master's `-Lnc` and both daemon lists; after
// the last stop no daemon. The sync packets are read by a UDP socket in the client namespace joined
// to 224.0.0.81:8848 (header: syncid, connection count). Scenarios: ours MASTER / keepalived 2.2.7
// BACKUP, the reverse, and a control with keepalived on both directors and no lvs_sync_daemon.
// Writes what it saw to OUT.json for test/vm/syncd.test.ts. Usage: node syncd-guest.mjs IN.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { sleep, until } from './shell.js';
import { HOME, Proc, VIP, hasVip, ip, ipvsadm, realServers, setUp, startDirector, teardown, type Impl, type Node } from './lvs-lab.js';

export type Kind = 'ours' | 'keepalived' | 'control';
export interface SyncdInput { conf: string; repo: string; clientBundle: string; scenarios: Kind[]; conns: number }

interface Echo { c: number; q: number; s: number; e: number }
/** One connection's story in a scenario. */
export interface ConnOut { c: number; port: number; rs: string | null; opened: number | null; echoes: number;
  err: string | null; errAt: number | null; firstAfterMs: number | null; firstViaNewMs: number | null;
  maxGapMs: number | null; bad: number }

export interface ScenarioOut {
  kind: Kind; master: Impl | 'keepalived-d1'; backup: Impl;
  steps: { name: string; t: number; ok: boolean; detail?: string }[];
  /** `ipvsadm -L --daemon` of the master / backup director at each point. */
  daemons: Record<string, { master: string; backup: string }>;
  listings: Record<string, string>;
  conns: ConnOut[];
  figures: {
    opened: number; aliveBefore: number; aliveAfter: number; syncedMs: number | null;
    masterExitMs: number | null; masterExitCode: number | null; backupMasterMs: number | null;
    firstEchoAfterMs: { min: number; median: number; max: number } | null; maxGapMs: number | null;
    /** First echo of a line sent after the new master's "Entering MASTER STATE", from the SIGTERM. */
    firstViaNewMasterMs: { min: number; median: number; max: number } | null;
    /**
     * Connections reset before the new master took over: by the old master itself (the VIP is its
     * own until then; keepalived 2.2.7 stops its checker, which removes the IPVS services, while its
     * VRRP process still holds the VIP, so a line sent in between is answered with a RST).
     */
    resetByOldMaster: number;
    /** Connections reset after the takeover (by the new master: none may be). */
    resetAfterTakeover: number;
    /** When each reset came, from the SIGTERM. */
    resetAtMs: number[];
  };
  /** Sync packets seen in the client namespace: source -> count, before and after the SIGTERM. */
  syncPackets: { before: Record<string, number>; after: Record<string, number>; syncIds: number[];
    newConnSyncedMs?: number | null };
  logs: Record<string, string>;
}

const [inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inPath!, 'utf8')) as SyncdInput;
const out: { errors: string[]; timings: Record<string, number>; scenarios: ScenarioOut[] } =
  { errors: [], timings: {}, scenarios: [] };
const save = () => writeFileSync(outPath!, JSON.stringify(out, null, 1));
const log = (s: string) => process.stderr.write(`[syncd-guest ${new Date().toISOString().slice(11, 23)}] ${s}\n`);

const PORT = 7000;
const RUN = '/run/lvs';
/** Start-up allowance: under TCG on a loaded host each of our daemon's node processes took 30-90 s to load. */
const START_MS = 300_000;
const MASTER_RE = /\(VI_1\) Entering MASTER STATE/;
const BACKUP_RE = /\(VI_1\) Entering BACKUP STATE/;

const daemons = (n: Node): string => ipvsadm(n, '-L --daemon').trim();

/** ESTABLISHED entries of VIP:7000 in `n`'s connection table: client port -> real server. */
function established(n: Node): Map<number, string> {
  const re = new RegExp(`^TCP\\s+\\S+\\s+ESTABLISHED\\s+${ip('cl').replace(/\./g, '\\.')}:(\\d+)\\s+${VIP.replace(/\./g, '\\.')}:${PORT}\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+):${PORT}`);
  const m = new Map<number, string>();
  for (const l of ipvsadm(n, '-Lnc').split('\n')) { const x = re.exec(l); if (x) m.set(Number(x[1]), x[2]!); }
  return m;
}

/** keepalived 2.2.7 on director 1 (the control), with pid files of its own (the BFD one too). */
function keepalivedOnD1(conf: string, id: 'high' | 'low'): Proc {
  const p = (f: string) => `${RUN}/d1/${f}`;
  return new Proc('keepalived-d1', 'd1', ['/usr/sbin/keepalived', '-n', '-l', '-D', '-f', conf, '-i', id,
    '-p', p('k.pid'), '-r', p('v.pid'), '-c', p('c.pid'), '-b', p('b.pid')]);
}

interface Client { proc: Proc; echoes: Echo[]; opened: Map<number, { t: number; p: number }>;
  errs: Map<number, { err: string; t: number }>; bad: Map<number, number> }
const startClient = (base: number): Client => startClientN(base, input.conns);
function startClientN(base: number, n: number): Client {
  const got: Omit<Client, 'proc'> = { echoes: [], opened: new Map(), errs: new Map(), bad: new Map() };
  const onLine = (l: string): void => {
    if (!l.startsWith('{')) return;
    const o = JSON.parse(l) as { c: number; open?: number; p?: number; q?: number; s?: number; e?: number; err?: string;
      t?: number; bad?: string };
    if (o.open !== undefined) got.opened.set(o.c, { t: o.open, p: o.p! });
    else if (o.q !== undefined) got.echoes.push({ c: o.c, q: o.q, s: o.s!, e: o.e! });
    else if (o.err !== undefined) got.errs.set(o.c, { err: o.err, t: o.t! });
    else if (o.bad !== undefined) got.bad.set(o.c, (got.bad.get(o.c) ?? 0) + 1);
  };
  const proc = new Proc('client', 'cl',
    [process.execPath, input.clientBundle, VIP, String(PORT), String(n), String(base), '200'], onLine);
  return { ...got, proc };
}

interface SyncPacket { t: number; from: string; len: number; syncId: number; conns: number }
const syncPackets: SyncPacket[] = [];
/** A UDP socket in the client namespace on the sync group: what the directors' sync daemons send. */
function startSyncListener(): Proc {
  const js = `const s=require('dgram').createSocket({type:'udp4',reuseAddr:true});`
    + `s.on('message',(m,r)=>console.log(JSON.stringify({t:Date.now(),from:r.address,len:m.length,syncId:m[1],conns:m[4]})));`
    + `s.bind(8848,()=>{s.addMembership('224.0.0.81','${ip('cl')}');console.log('ready')});`;
  return new Proc('sync-listener', 'cl', [process.execPath, '-e', js], (l) => { if (l.startsWith('{')) syncPackets.push(JSON.parse(l) as SyncPacket); });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!; };

async function scenario(kind: Kind, base: number): Promise<ScenarioOut> {
  const master: Impl | 'keepalived-d1' = kind === 'ours' ? 'ours' : kind === 'keepalived' ? 'keepalived' : 'keepalived-d1';
  const backup: Impl = kind === 'ours' ? 'keepalived' : kind === 'keepalived' ? 'ours' : 'keepalived';
  const M: Node = kind === 'keepalived' ? HOME.keepalived : HOME.ours;
  const B: Node = M === 'd1' ? 'd2' : 'd1';
  const res: ScenarioOut = {
    kind, master, backup, steps: [], daemons: {}, listings: {}, conns: [],
    figures: { opened: 0, aliveBefore: 0, aliveAfter: 0, syncedMs: null, masterExitMs: null, masterExitCode: null,
      backupMasterMs: null, firstEchoAfterMs: null, maxGapMs: null, firstViaNewMasterMs: null, resetByOldMaster: 0,
      resetAfterTakeover: 0, resetAtMs: [] },
    syncPackets: { before: {}, after: {}, syncIds: [] }, logs: {},
  };
  out.scenarios.push(res);
  const step = (name: string, ok: boolean, detail?: string) => { res.steps.push({ name, t: Date.now(), ok, detail }); log(`${kind}: ${name}: ${ok ? 'ok' : 'FAILED'}${detail ? ` (${detail.slice(0, 300)})` : ''}`); save(); return ok; };
  const snap = (at: string) => { res.daemons[at] = { master: daemons(M), backup: daemons(B) }; };
  const procs: Record<string, Proc> = {};
  let client: Client | null = null;
  let termAt = 0;
  const conf = kind === 'control' ? `${RUN}/nosync.conf` : input.conf;
  try {
    // ---- both directors up; the master holds the VIP, both list both real servers
    const t0 = Date.now();
    procs.backup = startDirector(backup, conf, 'low', input.repo);
    procs.master = kind === 'control' ? keepalivedOnD1(conf, 'high') : startDirector(master as Impl, conf, 'high', input.repo);
    const mUp = await procs.master.waitLine(MASTER_RE, t0, START_MS);
    if (!step('master logs Entering MASTER STATE', !!mUp, mUp ? `${mUp.t - t0} ms after start` : procs.master.text().slice(-2000))) return res;
    const bUp = await procs.backup.waitLine(BACKUP_RE, t0, START_MS);
    if (!step('backup logs Entering BACKUP STATE', !!bUp, bUp ? `${bUp.t - t0} ms after start` : procs.backup.text().slice(-2000))) return res;
    const both = await until(() => hasVip(M) && !hasVip(B) && realServers(M, PORT).length === 2
      && realServers(B, PORT).length === 2, 60_000, 500);
    res.listings.start = ipvsadm(M, '-Ln');
    if (!step('VIP on the master only; both IPVS tables list both real servers', both !== null, res.listings.start + ipvsadm(B, '-Ln'))) return res;
    const wantDaemons = kind === 'control' ? () => daemons(M) === '' && daemons(B) === ''
      : () => daemons(M).startsWith('master sync daemon') && daemons(B).startsWith('backup sync daemon') && !daemons(M).includes('\n') && !daemons(B).includes('\n');
    const dOk = await until(wantDaemons, 60_000, 500);
    snap('start');
    step('sync daemons: master on the master, backup on the backup (control: none)', dOk !== null, JSON.stringify(res.daemons.start));

    // ---- the client's connections through the master, synced to the backup
    client = startClient(base);
    const cl = client;
    const opened = await until(() => cl.opened.size === input.conns
      && [...cl.opened.keys()].every((c) => cl.echoes.filter((x) => x.c === c).length >= 5), 60_000);
    res.figures.opened = cl.opened.size;
    if (!step(`${input.conns} connections echoed through the master`, opened !== null, `opened ${cl.opened.size}, errors ${JSON.stringify([...cl.errs])}`)) return res;
    const ports = [...cl.opened.values()].map((o) => o.p);
    const onMaster = established(M);
    res.listings.masterConns = ipvsadm(M, '-Lnc');
    step('the master\'s -Lnc lists every connection', ports.every((p) => onMaster.has(p)), res.listings.masterConns);
    const synced = await until(() => { const b = established(B); return ports.every((p) => b.get(p) === onMaster.get(p)); }, kind === 'control' ? 6_000 : 30_000, 300);
    res.figures.syncedMs = synced && synced - opened!;
    res.listings.backupConns = ipvsadm(B, '-Lnc');
    step(kind === 'control' ? 'without sync the backup lists none of them' : 'the backup\'s -Lnc lists every connection with the same real server (synced)',
      kind === 'control' ? ports.every((p) => !established(B).has(p)) : synced !== null, res.listings.backupConns);

    // ---- SIGTERM to the master
    await sleep(1000);
    termAt = Date.now();
    procs.master.kill('SIGTERM');
    const exited = await procs.master.waitExit(30_000);
    const bMaster = await procs.backup.waitLine(MASTER_RE, termAt, 30_000);
    res.figures.masterExitMs = exited ? procs.master.exited!.t - termAt : null;
    res.figures.masterExitCode = procs.master.exited?.code ?? null;
    res.figures.backupMasterMs = bMaster ? bMaster.t - termAt : null;
    step('old master exited, the backup took over (MASTER, VIP)', exited && !!bMaster && !!(await until(() => hasVip(B), 10_000)), `exit ${procs.master.exited?.code}`);
    // every connection echoed a line sent after the takeover (or failed), then 3 s more to see them stay
    const takeover = bMaster?.t ?? termAt;
    const settled = await until(() => [...cl.opened.keys()].every((c) => cl.errs.has(c)
      || cl.echoes.some((x) => x.c === c && x.s > takeover)), 30_000);
    step('every connection answered or failed after the takeover', settled !== null);
    await sleep(3000);
    const end = Date.now();
    snap('afterFailover');
    res.listings.newMasterConns = ipvsadm(B, '-Lnc');
    res.listings.newMasterStats = ipvsadm(B, '-Ln --stats');
    for (const [c, o] of [...cl.opened].sort((a, b) => a[0] - b[0])) {
      const mine = cl.echoes.filter((x) => x.c === c);
      const after = mine.filter((x) => x.s > termAt);
      const viaNew = mine.filter((x) => x.s > takeover);
      const win = mine.filter((x) => x.e >= termAt - 1000 && x.e <= end).map((x) => x.e);
      let gap: number | null = null;
      for (let i = 1; i < win.length; i++) gap = Math.max(gap ?? 0, win[i]! - win[i - 1]!);
      const err = cl.errs.get(c);
      res.conns.push({
        c, port: o.p, rs: onMaster.get(o.p) ?? null, opened: o.t, echoes: mine.length,
        err: err?.err ?? null, errAt: err?.t ?? null,
        firstAfterMs: after.length ? Math.min(...after.map((x) => x.e)) - termAt : null, maxGapMs: gap,
        bad: cl.bad.get(c) ?? 0,
        firstViaNewMs: viaNew.length ? Math.min(...viaNew.map((x) => x.e)) - termAt : null,
      });
    }
    const alive = (c: ConnOut, from: number, to: number) => (c.errAt === null || c.errAt > to)
      && cl.echoes.some((x) => x.c === c.c && x.e >= from && x.e <= to);
    res.figures.aliveBefore = res.conns.filter((c) => alive(c, termAt - 1000, termAt)).length;
    res.figures.aliveAfter = res.conns.filter((c) => c.err === null && alive(c, end - 1000, end)).length;
    const firsts = res.conns.map((c) => c.firstAfterMs).filter((x): x is number => x !== null);
    res.figures.firstEchoAfterMs = firsts.length ? { min: Math.min(...firsts), median: median(firsts),
      max: Math.max(...firsts) } : null;
    const vias = res.conns.map((c) => c.firstViaNewMs).filter((x): x is number => x !== null);
    res.figures.firstViaNewMasterMs = vias.length ? { min: Math.min(...vias), median: median(vias),
      max: Math.max(...vias) } : null;
    const gaps = res.conns.map((c) => c.maxGapMs).filter((x): x is number => x !== null);
    res.figures.maxGapMs = gaps.length ? Math.max(...gaps) : null;
    res.figures.resetByOldMaster = res.conns.filter((c) => c.errAt !== null && c.errAt <= takeover).length;
    res.figures.resetAfterTakeover = res.conns.filter((c) => c.errAt !== null && c.errAt > takeover).length;
    res.figures.resetAtMs = res.conns.filter((c) => c.errAt !== null).map((c) => c.errAt! - termAt);
    const afterNew = established(B);
    // every connection the old master did not reset itself goes on through the new master, which resets none
    const kept = res.conns.filter((c) => c.errAt === null || c.errAt > takeover);
    step(kind === 'control' ? 'without sync the connections are lost' : `all ${input.conns} connections still echoed through the new master (its -Lnc lists them)`,
      kind === 'control' ? res.figures.aliveAfter < input.conns
        : res.figures.resetAfterTakeover === 0 && res.figures.aliveAfter + res.figures.resetByOldMaster === input.conns
          && kept.every((c) => afterNew.has(c.port)),
      JSON.stringify(res.figures));
    if (kind !== 'control') {
      // a connection opened through the new master: its master sync daemon sends it to the group
      const late = startClientN(base + 500, 1);
      const up = await until(() => late.echoes.length >= 5, 20_000);
      const sent = up && await until(() => syncPackets.some((p) => p.t > up && p.from === ip(B)), 10_000);
      res.syncPackets.newConnSyncedMs = up && sent ? sent - up : null;
      late.proc.kill('SIGTERM');
      await late.proc.waitExit(5000);
      step('a connection opened after the takeover is sent by the new master\'s sync daemon', !!sent);
    }
    const src = (p: SyncPacket) => (p.from === ip(M) ? 'master' : p.from === ip(B) ? 'backup' : p.from);
    for (const p of syncPackets.filter((x) => x.t >= (opened ?? 0) && x.t <= end)) {
      const side = p.t < termAt ? res.syncPackets.before : res.syncPackets.after;
      side[src(p)] = (side[src(p)] ?? 0) + 1;
      if (!res.syncPackets.syncIds.includes(p.syncId)) res.syncPackets.syncIds.push(p.syncId);
    }
  } finally {
    client?.proc.kill('SIGTERM');
    if (client) await client.proc.waitExit(5000);
    for (const k of ['master', 'backup']) {
      const p = procs[k];
      if (!p || p.exited) continue;
      p.kill('SIGTERM');
      if (!(await p.waitExit(30_000))) p.kill('SIGKILL');
    }
    if (termAt) {
      snap('afterStop');
      step('no sync daemon left after the stop', res.daemons.afterStop!.master === '' && res.daemons.afterStop!.backup === '', JSON.stringify(res.daemons.afterStop));
    }
    for (const [k, p] of Object.entries(procs)) res.logs[k] = p.text();
    save();
  }
  return res;
}

const tAll = Date.now();
const servers: Proc[] = [];
let listener: Proc | null = null;
try {
  setUp();
  writeFileSync(`${RUN}/nosync.conf`, readFileSync(input.conf, 'utf8').replace(/^\s*lvs_sync_daemon .*$/m, ''));
  const echo = `require('net').createServer((s)=>{s.on('error',()=>{});s.pipe(s)}).listen(${PORT},()=>console.log('ready'))`;
  for (const n of ['rs1', 'rs2'] as const) servers.push(new Proc(`echo-${n}`, n, [process.execPath, '-e', echo]));
  listener = startSyncListener();
  for (const p of [...servers, listener]) if (!(await p.waitLine(/ready/, 0, 60_000))) throw new Error(`${p.name} did not start: ${p.text()}`);
  let base = 31000;
  for (const kind of input.scenarios) {
    const t = Date.now();
    try { await scenario(kind, base); } catch (e) { out.errors.push(`${kind}: ${(e as Error).stack ?? e}`); }
    out.timings[kind] = Date.now() - t;
    base += 1000;
    save();
  }
} catch (e) {
  out.errors.push(`lab: ${(e as Error).stack ?? e}`);
} finally {
  for (const p of [...servers, ...(listener ? [listener] : [])]) p.kill('SIGKILL');
  teardown();
  out.timings.total = Date.now() - tAll;
  save();
  log(`done in ${out.timings.total} ms`);
}
process.exit(0);
