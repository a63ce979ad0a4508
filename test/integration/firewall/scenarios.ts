// VIP firewall scenarios (vrrp_strict / no_accept / nftables ...) run on router r1 of a VrrpLab by
// either keepalived 2.2.7 or ours, with r2 as a higher-priority peer that forces BACKUP and c as a
// client that probes the VIPs. At each step the nftables state of r1's namespace is read
// (`nft -j list ruleset`, `nft list ruleset`); MASTER steps also record what the client gets from
// a VIP (ping, TCP connect) and what r1 gets when it sends from a VIP. Used by record-keepalived.ts
// (writes the fixtures in data/) and by nft.test.ts (ours and keepalived side by side).
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { waitFor } from '../../helpers/netns.js';
import { now, type Daemon, type VrrpLab } from '../vrrp/lab.js';

export type StepName = 'init' | 'master' | 'backup' | 'master-again' | 'reload' | 'stop';

export interface Scenario {
  name: string;
  /** What the scenario shows (kept in the fixture). */
  about: string;
  /** keepalived.conf of r1 (routerId r1) and, for 'reload', the file it is rewritten to. */
  conf: string;
  reloadConf?: string;
  /** r2's config for 'backup' (a peer with a higher priority on the same VRID). */
  peerConf?: string;
  steps: StepName[];
  /** Addresses the client probes in MASTER steps (first one: also the source of r1's own probe). */
  probe?: string[];
  /** The steps that probe (default: every MASTER step). */
  probeOn?: StepName[];
  /** IPv6 addresses on the lab hosts (fd00:199::N/64) for IPv6 scenarios. */
  v6?: boolean;
  /** nft commands run in r1's namespace before keepalived starts (a stale table). */
  before?: string;
  /** The first state: 'MASTER' for an address owner. */
  initState?: 'BACKUP' | 'MASTER';
  /** Instances whose state changes each step waits for (default: any one). */
  instances?: string[];
}

export type ProbeResult = 'reply' | 'no-reply' | 'refused' | 'timeout' | 'unreachable' | 'eperm' | string;

export interface StepRecord {
  step: StepName;
  /** `nft -j list ruleset` of r1's namespace, parsed (metainfo removed). */
  json: NftObject[];
  /** `nft list ruleset`. */
  text: string;
  /** Client probes: address -> { ping, tcp }, and r1's ping to the client from the first VIP. */
  probes?: Record<string, { ping: ProbeResult; tcp: ProbeResult }>;
  fromVip?: ProbeResult;
}

export type NftObject = Record<string, Record<string, unknown>>;

const V4 = { c: '10.199.0.10', r1: '10.199.0.1', r2: '10.199.0.2' };
const V6 = { c: 'fd00:199::10', r1: 'fd00:199::1', r2: 'fd00:199::2' };

export function labAddresses(lab: VrrpLab, v6: boolean): void {
  if (!v6) return;
  for (const h of ['c', 'r1', 'r2'] as const) lab.lab.exec(lab.lab.ns(h), 'ip', ['-6', 'addr', 'add', `${V6[h]}/64`, 'dev', 'eth0', 'nodad']);
}

/** `nft -j list ruleset` in a namespace, without the metainfo entry. */
export function listJson(lab: VrrpLab, host: string): NftObject[] {
  const out = lab.lab.exec(lab.lab.ns(host), 'nft', ['-j', 'list', 'ruleset']);
  const all = (JSON.parse(out) as { nftables: NftObject[] }).nftables;
  return all.filter((o) => !('metainfo' in o));
}

export function listText(lab: VrrpLab, host: string): string {
  return lab.lab.exec(lab.lab.ns(host), 'nft', ['list', 'ruleset']);
}

/**
 * The comparable form of a ruleset: handles removed, set elements sorted (the kernel's hash order
 * is not part of the state), rule and object order kept, counters' packet/byte values zeroed.
 */
export function normalise(objs: readonly NftObject[]): NftObject[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'handle') continue;
        if (k === 'counter' && x && typeof x === 'object') { o[k] = { packets: 0, bytes: 0 }; continue; }
        o[k] = strip(x);
      }
      if (Array.isArray(o.elem)) o.elem =
        [...o.elem].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      return o;
    }
    return v;
  };
  return objs.map((o) => strip(o) as NftObject);
}

/** Runs `cmd` in `host`'s namespace; resolves with its exit code and its stdout then stderr. */
function run(lab: VrrpLab, host: string, cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', lab.lab.ns(host), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('error', (e) => resolve({ code: 1, out: `${out}${err}${e.message}` }));
    p.on('close', (code) => resolve({ code: code ?? 1, out: `${out}${err}` }));
  });
}

/** One ping (1 s), and a TCP connect to port 7 (nothing listens: a RST says "refused"), both at once
 *  (separate flows: a dropped one costs its own timeout, not the sum). */
export async function probe(lab: VrrpLab, addr: string): Promise<{ ping: ProbeResult; tcp: ProbeResult }> {
  const six = addr.includes(':');
  const [p, t] = await Promise.all([
    run(lab, 'c', 'ping', [...(six ? ['-6'] : []), '-n', '-c', '1', '-W', '1', addr]),
    run(lab, 'c', 'timeout', ['2', 'bash', '-c', `exec 3<>/dev/tcp/${addr}/7`]),
  ]);
  const ping: ProbeResult = p.code === 0 ? 'reply' : /Unreachable|unreachable/.test(p.out) ? 'unreachable' : 'no-reply';
  const tcp: ProbeResult = t.code === 0 ? 'connected' : t.code === 124 ? 'timeout'
    : /refused/i.test(t.out) ? 'refused' : /unreachable/i.test(t.out) ? 'unreachable' : `error: ${t.out.trim().split('\n').pop()}`;
  return { ping, tcp };
}

/** r1 pings the client with a VIP as source: the out chain drops it (EPERM from sendmsg). */
export async function probeFromVip(lab: VrrpLab, vip: string): Promise<ProbeResult> {
  const six = vip.includes(':');
  const p = await run(lab, 'r1', 'ping', [...(six ? ['-6'] : []), '-n', '-c', '1', '-W', '1', '-I', vip, six ? V6.c : V4.c]);
  if (p.code === 0) return 'reply';
  return /not permitted/.test(p.out) ? 'eperm' : 'no-reply';
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ruleset, then (on probing steps) every probe at once: each address's flows are its own. */
async function record(lab: VrrpLab, step: StepName, sc: Scenario, master: boolean): Promise<StepRecord> {
  const rec: StepRecord = { step, json: listJson(lab, 'r1'), text: listText(lab, 'r1') };
  if ((sc.probeOn ? sc.probeOn.includes(step) : master) && sc.probe?.length) {
    const [probes, fromVip] = await Promise.all([
      Promise.all(sc.probe.map(async (a) => [a, await probe(lab, a)] as const)),
      probeFromVip(lab, sc.probe[0]!),
    ]);
    rec.probes = Object.fromEntries(probes);
    rec.fromVip = fromVip;
  }
  return rec;
}

/**
 * Runs the scenario's steps with `kind` on r1 (keepalived 2.2.7 as r2 when a peer is needed) and
 * returns one record per step with r1's log. The caller owns the lab (up/down).
 */
export async function runScenario(lab: VrrpLab, kind: 'ours' | 'keepalived', sc: Scenario,
  opts: { start?: (conf: string) => Daemon } = {}): Promise<{ steps: StepRecord[]; log: string[] }> {
  const startR1 = (c: string) => opts.start ? opts.start(c) : lab.start(kind, 'r1', c);
  labAddresses(lab, !!sc.v6);
  if (sc.before) lab.lab.exec(lab.lab.ns('r1'), 'nft', ['-f', '-'], { input: sc.before });
  const conf = lab.writeConf('r1', sc.conf);
  const steps: StepRecord[] = [];
  let r1: Daemon | undefined;
  let r2: Daemon | undefined;
  // Process start-up (node + tsx compiling the sources, or keepalived's fork) depends on the machine's
  // load; the protocol timing does not: wait for the VRRP subsystem to start first, then 15 s for states.
  const started = (d: Daemon): Promise<unknown> => d.waitLine(/Registering Kernel netlink reflector/, 60000);
  const entered = async (d: Daemon, state: string, after: number): Promise<void> => {
    await started(d);
    for (const n of sc.instances ?? ['VI_\\w+']) await d.waitLine(new RegExp(`\\(${n}\\) Entering ${state} STATE`), 15000, after);
  };
  for (const step of sc.steps) {
    const t = now();
    switch (step) {
      case 'init':
        r1 = startR1(conf);
        await entered(r1, sc.initState ?? 'BACKUP', 0);
        await settle(300);
        steps.push(await record(lab, step, sc, sc.initState === 'MASTER'));
        break;
      case 'master':
      case 'master-again':
        if (step === 'master-again') { r2!.signal('SIGTERM'); await r2!.exit(); r2 = undefined; }
        if (!r1) r1 = startR1(conf);
        await entered(r1, 'MASTER', step === 'master' ? 0 : t);
        await settle(300);
        steps.push(await record(lab, step, sc, true));
        break;
      case 'backup':
        r2 = lab.start('keepalived', 'r2', lab.writeConf('r2', sc.peerConf!));
        await entered(r1!, 'BACKUP', t);
        await settle(300);
        steps.push(await record(lab, step, sc, false));
        break;
      case 'reload': {
        writeFileSync(conf, sc.reloadConf!);
        r1!.signal('SIGHUP');
        // keepalived: the VRRP child logs "Reloading" then the instances' lines; ours: "Reload finished"
        await r1!.waitLine(kind === 'ours' ? 'Reload finished' : /VRRP sockpool/, 15000, t);
        await settle(500);
        steps.push(await record(lab, step, sc, true));
        break;
      }
      case 'stop':
        if (r2) { r2.signal('SIGTERM'); await r2.exit(); r2 = undefined; }
        r1!.signal('SIGTERM');
        await r1!.exit(10000);
        steps.push(await record(lab, step, sc, false));
        break;
    }
  }
  await waitFor(() => true, 1);
  return { steps, log: r1 ? r1.texts() : [] };
}

// ------------------------------------------------------------------------------------------------
// the scenarios

interface Inst { name?: string; vrid?: number; priority?: number; state?: string; version?: number; vips: string[];
  evips?: string[]; extra?: string[] }

function inst(i: Inst): string {
  return [
    `vrrp_instance ${i.name ?? 'VI_1'} {`,
    `    state ${i.state ?? 'BACKUP'}`,
    '    interface eth0',
    `    virtual_router_id ${i.vrid ?? 51}`,
    `    priority ${i.priority ?? 100}`,
    '    advert_int 1',
    ...(i.version ? [`    version ${i.version}`] : []),
    ...(i.extra ?? []).map((l) => `    ${l}`),
    '    virtual_ipaddress {', ...i.vips.map((v) => `        ${v}`), '    }',
    ...(i.evips?.length ? ['    virtual_ipaddress_excluded {', ...i.evips.map((v) => `        ${v}`), '    }'] : []),
    '}',
  ].join('\n');
}

function conf(router: string, global: string[], insts: Inst[]): string {
  return [`global_defs {`, `    router_id ${router}`, ...global.map((g) => `    ${g}`), '}', ...insts.map(inst)].join('\n') + '\n';
}

const VIP4 = ['10.199.0.100/24', '10.199.0.101/24'];
const V6I: Inst = { version: 3, vips: ['fd00:199::100/64', 'fe80::100/64'], evips: ['fd00:199::102/64', '10.199.0.102/24'] };

export const SCENARIOS: Scenario[] = [
  {
    name: 'strict-v4',
    about: 'vrrp_strict, IPv4 VIPs and an eVIP: the table appears at the first MASTER, the set follows the state, a reload changes it by difference, SIGTERM deletes the table',
    conf: conf('r1', ['vrrp_strict'], [{ vips: VIP4, evips: ['10.199.0.102/24'] }]),
    reloadConf: conf('r1', ['vrrp_strict'], [{ vips: ['10.199.0.100/24', '10.199.0.103/24'], evips: ['10.199.0.102/24'] }]),
    peerConf: conf('r2', ['vrrp_strict'], [{ priority: 200, vips: VIP4 }]),
    steps: ['init', 'master', 'backup', 'master-again', 'reload', 'stop'],
    probe: ['10.199.0.100', '10.199.0.102', '10.199.0.1'],
  },
  {
    name: 'no-accept-v4',
    about: 'no_accept without vrrp_strict; a reload to accept empties the set',
    conf: conf('r1', [], [{ vips: VIP4, extra: ['no_accept'] }]),
    reloadConf: conf('r1', [], [{ vips: VIP4, extra: ['accept'] }]),
    steps: ['init', 'master', 'reload', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'strict-accept-v2',
    about: 'accept with vrrp_strict on VRRPv2: keepalived warns and resets accept',
    conf: conf('r1', ['vrrp_strict'], [{ vips: VIP4, extra: ['accept'] }]),
    steps: ['master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'strict-accept-v3',
    about: 'accept with vrrp_strict on VRRPv3: accept mode is kept, no firewall',
    conf: conf('r1', ['vrrp_strict'], [{ version: 3, vips: VIP4, extra: ['accept'] }]),
    steps: ['master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'owner-strict',
    about: 'the address owner (priority 255) accepts traffic to its VIPs: no firewall',
    conf: conf('r1', ['vrrp_strict'], [{ state: 'MASTER', priority: 255, vips: VIP4 }]),
    steps: ['init', 'stop'],
    initState: 'MASTER',
    probe: ['10.199.0.100'],
  },
  {
    name: 'nftables-named',
    about: 'nftables TABLE, nftables_priority, nftables_counters with vrrp_strict',
    conf: conf('r1', ['nftables ka_fw', 'nftables_priority -10', 'nftables_counters', 'vrrp_strict'], [{ vips: VIP4 }]),
    steps: ['master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'nftables-priority-first',
    about: 'nftables_priority before nftables: the nftables keyword resets the priority to -1',
    conf: conf('r1', ['nftables_priority -10', 'nftables', 'vrrp_strict'], [{ vips: VIP4 }]),
    steps: ['master', 'stop'],
  },
  {
    name: 'nftables-accept',
    about: 'nftables without strict or no_accept: accept mode, no table',
    conf: conf('r1', ['nftables'], [{ vips: VIP4 }]),
    steps: ['master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'iptables-no-accept',
    about: 'vrrp_iptables on a build without iptables: nftables table "keepalived" instead',
    conf: conf('r1', ['vrrp_iptables'], [{ vips: VIP4, extra: ['no_accept'] }]),
    steps: ['master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'strict-v6',
    about: 'vrrp_strict on an IPv6 instance: global and link-local VIPs, eVIPs of both families; reload swaps VIPs',
    conf: conf('r1', ['vrrp_strict'], [V6I]),
    reloadConf: conf('r1', ['vrrp_strict'], [{ ...V6I, vips: ['fd00:199::100/64', 'fd00:199::103/64'] }]),
    peerConf: conf('r2', ['vrrp_strict'], [{ ...V6I, priority: 200 }]),
    steps: ['init', 'master', 'backup', 'master-again', 'reload', 'stop'],
    probe: ['fd00:199::100', 'fd00:199::102', '10.199.0.102'],
    v6: true,
  },
  {
    name: 'strict-v6-dont-track',
    about: 'dont_track_primary: link-local VIPs go to the set keyed by interface name',
    conf: conf('r1', ['vrrp_strict'], [{ ...V6I, extra: ['dont_track_primary'] }]),
    steps: ['master', 'stop'],
    v6: true,
  },
  {
    name: 'strict-v6-ifindex',
    about: 'nftables_ifindex with dont_track_primary: link-local VIPs keyed by interface index',
    conf: conf('r1', ['vrrp_strict', 'nftables_ifindex'], [{ ...V6I, extra: ['dont_track_primary'] }]),
    steps: ['master', 'stop'],
    v6: true,
  },
  {
    name: 'vmac-v4',
    about: 'use_vmac without strict: the IGMP map of the VMAC (no VIP set: accept mode)',
    conf: conf('r1', [], [{ vips: VIP4, extra: ['use_vmac'] }]),
    steps: ['init', 'master', 'stop'],
  },
  {
    name: 'vmac-v4-strict',
    about: 'use_vmac with vrrp_strict: IGMP map and VIP set in one table',
    conf: conf('r1', ['vrrp_strict'], [{ vips: VIP4, extra: ['use_vmac'] }]),
    steps: ['init', 'master', 'stop'],
    probe: ['10.199.0.100'],
  },
  {
    name: 'vmac-v6',
    about: 'use_vmac on an IPv6 instance without strict: MLD map and router-solicit set',
    conf: conf('r1', [], [{ version: 3, vips: ['fd00:199::100/64'], extra: ['use_vmac'] }]),
    steps: ['init', 'master', 'stop'],
    v6: true,
  },
  {
    name: 'stale-table',
    about: 'a table of the same name left from before is deleted (logged) when the firewall is first set up',
    before: 'table ip keepalived {\n chain stale {\n  type filter hook input priority 0; policy accept;\n }\n}\ntable ip6 keepalived {\n set stale {\n  type ipv6_addr;\n }\n}\n',
    conf: conf('r1', ['vrrp_strict'], [{ vips: VIP4 }]),
    steps: ['init', 'master', 'stop'],
  },
  {
    name: 'two-instances',
    about: 'two strict instances share the table; a reload that removes one removes its VIPs from the set',
    conf: conf('r1', ['vrrp_strict'], [{ vips: ['10.199.0.100/24'] }, { name: 'VI_2', vrid: 52, vips: ['10.199.0.110/24'] }]),
    reloadConf: conf('r1', ['vrrp_strict'], [{ vips: ['10.199.0.100/24'] }]),
    steps: ['master', 'reload', 'stop'],
    probe: ['10.199.0.110'],
  },
];
