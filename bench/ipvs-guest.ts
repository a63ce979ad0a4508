// Runs inside the scripts/vm guest: times programming N services x M destinations from empty with
// our IPVS layer and with keepalived 2.2.7 (-C, no checkers), and a reload with one changed weight
// for each. Prints one JSON line. Usage: node ipvs-guest.mjs SERVICES DESTS [--no-keepalived] [--daemon-path]
// The reload is handed brand-new model objects (as a reload parses them). --daemon-path also times the
// checker process's own reload path: parse the changed config, CheckerEngine.reload, IPVS apply.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { openIpvs, initialDesiredState, IpvsSink } from '../src/ipvs/index.js';
import { memoryLogger } from '../src/common/log.js';
import { parseConfigText } from '../src/config/load.js';
import { CheckerEngine } from '../src/check/runtime.js';
import type { RealServer, VirtualServer } from '../src/config/model.js';

const nSvc = Number(process.argv[2] ?? 10000), nDest = Number(process.argv[3] ?? 10);
const withKeepalived = !process.argv.includes('--no-keepalived');
const daemonPath = process.argv.includes('--daemon-path');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const vip = (i: number) => `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const rip = (j: number) => `172.16.${j >> 8}.${(j & 255) + 1}`;

function rs(address: string, weight: number): RealServer { return { address, port: 80, family: 'inet', weight, checkers: [], extra: {} }; }
function model(changeWeight: boolean) {
  const vss: VirtualServer[] = [];
  for (let i = 0; i < nSvc; i++) {
    vss.push({
      vs: { kind: 'ip', address: vip(i), port: 80, family: 'inet' }, lbAlgo: 'wlc', lbKind: 'NAT', protocol: 'TCP', delayLoop: 60,
      inhibitOnFailure: false, quorum: 1, hysteresis: 0, alpha: false, omega: false,
      haSuspend: false, weight: 1, ops: false,
      schedFlags: [], extra: {},
      realServers: Array.from({ length: nDest }, (_, j) => rs(rip(j), changeWeight && i === 0 && j === 0 ? 7 : 1)),
    });
  }
  return { virtualServers: vss, virtualServerGroups: [] };
}
function conf(changeWeight: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < nSvc; i++) {
    parts.push(`virtual_server ${vip(i)} 80 {\n delay_loop 3600\n lb_algo wlc\n lb_kind NAT\n protocol TCP\n`);
    for (let j = 0; j < nDest; j++) parts.push(` real_server ${rip(j)} 80 {\n  weight ${changeWeight && i === 0 && j === 0 ? 7 : 1}\n }\n`);
    parts.push('}\n');
  }
  return parts.join('');
}
/** Entries in the kernel table, from /proc (cheaper than ipvsadm at this size). */
function entries(): { svc: number; dest: number; text: string } {
  const t = readFileSync('/proc/net/ip_vs', 'utf8');
  let svc = 0, dest = 0;
  for (const l of t.split('\n')) { if (l.startsWith('TCP') || l.startsWith('UDP')) svc++; else if (l.startsWith('  ->') && !l.includes('RemoteAddress')) dest++; }
  return { svc, dest, text: t };
}
/** The one changed destination (first service, first real server) shows weight 7. */
function firstHasWeight7(): boolean {
  const r = spawnSync('ipvsadm', ['-Ln', '-t', `${vip(0)}:80`], { encoding: 'utf8' });
  return new RegExp(`${rip(0).replace(/\./g, '\\.')}:80\\s+Masq\\s+7\\s`).test(r.stdout ?? '');
}
async function until(pred: () => boolean, maxMs: number, stepMs = 200): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) { if (pred()) return true; await sleep(stepMs); }
  return false;
}

const res: Record<string, unknown> = { services: nSvc, dests: nDest };
// ours
{
  const h = await openIpvs({ logger: memoryLogger() });
  if (!h) throw new Error('no IPVS');
  const sink = new IpvsSink(h.client, memoryLogger());
  /** Runs `fn`; stores its wall time as <name>Ms and the netlink mutations it sent as <name>Ops. */
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const m = h.client.counters.mutations, t = performance.now();
    await fn();
    res[`${name}Ms`] = Math.round(performance.now() - t);
    res[`${name}Ops`] = h.client.counters.mutations - m;
  };
  const base = initialDesiredState(model(false));
  log('ours: programming from empty');
  await timed('oursFromEmpty', () => sink.apply(base));
  res.oursFromEmptyCheck = entries().dest === nSvc * nDest;
  const changed = initialDesiredState(model(true)); // new objects, one weight changed
  await timed('oursReload', () => sink.apply(changed));
  res.oursReloadConverted = sink.lastUpdate.converted;
  res.oursReloadCheck = firstHasWeight7();
  // a second reload (weight back to 1): the compare path is compiled by now (the first one starts it
  // cold, as a daemon's first reload after start-up with no checker transition in between would)
  const back = initialDesiredState(model(false));
  await timed('oursReload2', () => sink.apply(back));
  const same = initialDesiredState(model(false));
  await timed('oursReloadSame', () => sink.apply(same));
  if (daemonPath) try {
    // What the checker process does on SIGHUP, from the parsed config on (IPC from the parent not included).
    log('ours: daemon path (parse, engine start, engine reload)');
    const t = performance.now();
    const cfgA = parseConfigText(conf(false), '/tmp/bench.conf', { hostname: 'bench' }).config;
    res.oursParseMs = Math.round(performance.now() - t);
    const cfgB = parseConfigText(conf(true), '/tmp/bench.conf', { hostname: 'bench' }).config;
    const engine = new CheckerEngine(cfgA, { logger: memoryLogger(), lvs: sink }, { clearOnStop: false });
    await timed('oursEngineStart', () => engine.start());
    await timed('oursEngineReload', () => engine.reload(cfgB));
    res.oursEngineReloadApplyConverted = sink.lastUpdate.converted;
    await engine.stop();
  } catch (e) { res.oursDaemonPathError = String(e); }
  await timed('oursRelease', () => sink.release());
}
console.log(JSON.stringify(res)); // ours, printed before keepalived runs (it may not finish)
// keepalived
if (withKeepalived) {
  writeFileSync('/tmp/bench-ka.conf', conf(false));
  log('keepalived: programming from empty');
  const t0 = performance.now();
  const p = spawn('/usr/sbin/keepalived', ['-n', '-l', '-C', '-f', '/tmp/bench-ka.conf', '-p', '/tmp/bk.pid', '-c', '/tmp/bk.chk.pid'], { stdio: 'ignore' });
  const ok = await until(() => entries().dest >= nSvc * nDest, 1_200_000, 250);
  res.keepalivedFromEmptyMs = Math.round(performance.now() - t0);
  res.keepalivedFromEmptyCheck = ok;
  // reload: SIGHUP with one weight changed; done when /proc shows it
  writeFileSync('/tmp/bench-ka.conf', conf(true));
  const t1 = performance.now();
  p.kill('SIGHUP');
  const ok2 = await until(firstHasWeight7, 600_000, 100);
  res.keepalivedReloadMs = Math.round(performance.now() - t1);
  res.keepalivedReloadCheck = ok2;
  p.kill('SIGTERM');
  await new Promise<void>((r) => { const t = setTimeout(() => { p.kill('SIGKILL'); r(); }, 120_000); p.on('exit', () => { clearTimeout(t); r(); }); });
}
console.log(JSON.stringify(res));
process.exit(0);
