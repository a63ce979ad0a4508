// Host side of test/vm/links-ipvlan.test.ts: reads the sections links-guest.sh prints ("=== NAME"
// lines; "=== mark STEP TIME" give the step times) and puts them in a form in which keepalived
// 2.2.7's and ours can be compared: log lines without time stamps, paths, process details and the
// lines only one of the daemons has for reasons outside this test; `ip addr` / `ip route` sorted
// where the kernel's order follows the order of requests; the frames lr1 sent (adverts, gratuitous
// ARPs, unsolicited NAs) per step.

export const STEPS = ['start', 'master', 'backup', 'master2', 'reload', 'stop'] as const;
export type Step = typeof STEPS[number];

export interface Run { sections: Map<string, string[]>; marks: Map<string, number> }

export function parseRun(text: string): Run {
  const sections = new Map<string, string[]>(), marks = new Map<string, number>();
  let cur: string[] | undefined;
  for (const l of text.split('\n')) {
    const m = /^=== mark (\S+) ([\d.]+)$/.exec(l);
    if (m) { marks.set(m[1]!, Number(m[2])); cur = undefined; continue; }
    const s = /^=== (.+)$/.exec(l);
    if (s) { cur = []; sections.set(s[1]!, cur); continue; }
    cur?.push(l);
  }
  for (const v of sections.values()) while (v.length && v.at(-1) === '') v.pop();
  return { sections, marks };
}

/** Lines one of the daemons logs for reasons that are not this test's: versions, paths, CPU times. */
const NOISE = [
  /^Starting Keepalived /, /^Running on /, /^Command line:/, /^\s+'/, /^Opening file /, /^Configuration file /,
  /^NOTICE: setting config option max_auto_priority/, /^Starting VRRP child process/, /^Stopped - used/, /^CPU usage/,
  /^Stopped Keepalived /,
  // a late event loop (the host under load: another VM running): both daemons may say so, at any time
  /^A thread timer expired /,
  // The guest's kernel has no nf_tables: both fail to make use_vmac's firewall table, each saying so
  // its own way (2.2.7: "mnl_socket_recvfrom ... errno 22/95", ours: "VIP firewall: ... Invalid argument").
  /^mnl_socket_recvfrom /, /^VIP firewall: nftables /,
];

/** The daemon's log lines of one step: no time stamp, no run directory, sockpool fds as "fd(*)". */
export function logLines(run: Run, step: Step): string[] {
  return (run.sections.get(`log ${step}`) ?? [])
    .map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '').replace(/\/run\/links-\w+\//g, ''))
    // fds belong to the process (2.2.7 has a receive and a send socket per entry, ours one; ours
    // opens an IPv6 entry once its interface has a link-local address, -1 until then)
    .map((l) => l.replace(/fd\(-?\d+,-?\d+\)/, 'fd(*)'))
    .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)));
}

/** `keepalived -t` output: without our "[file:line:col]" suffix. */
export function checkLines(run: Run, conf: string): string[] {
  return (run.sections.get(`check ${conf}`) ?? []).map((l) => l.replace(/\t\[[^\]]*\]$/, '')).filter((l) => l !== '');
}

/**
 * Kernel state of one step: `ip -d link`, `ip vrf`, `ip rule`, the sysctls as printed; `ip -d addr`
 * without the lifetime lines and with each interface's addresses sorted (their order is the order
 * of the requests); the routes sorted.
 */
export function state(run: Run, kind: 'link' | 'addr' | 'vrf' | 'route' | 'rule' | 'sysctl' | 'reach', step: Step): string[] {
  const lines = run.sections.get(`${kind} ${step}`) ?? [];
  if (kind === 'route') return [...lines].sort();
  if (kind === 'reach') {
    // the client's neighbours for the addresses it pinged (others come and go with ARP timing)
    const pinged = new Set(lines.flatMap((l) => /^(\S+) (ok|no)$/.exec(l)?.[1] ?? []));
    return lines.filter((l) => /^\S+ (ok|no)$/.test(l) || pinged.has(l.split(' ')[0]!));
  }
  if (kind !== 'addr') return lines;
  const out: string[] = [];
  let addrs: string[] = [];
  const flush = () => { out.push(...addrs.sort()); addrs = []; };
  for (const l of lines) {
    if (/^\s+valid_lft /.test(l)) continue;
    if (/^\s+inet6? /.test(l)) { addrs.push(l); continue; }
    flush();
    out.push(l);
  }
  flush();
  return out;
}

/** MACs lr1 sends from: its eth0..2 (02:00:00:00:0N:01) and VMACs. */
const OURS = /^(02:00:00:00:0\d:01|00:00:5e:00:0[12]:[0-9a-f]{2})$/;

/**
 * The frames lr1 sent during a step, on switch port ethN: each distinct advert (source MAC and
 * address, VRID, priority) once, and each gratuitous ARP / unsolicited NA with its count.
 */
export function wire(run: Run, port: string, step: Step): string[] {
  const i = STEPS.indexOf(step);
  const from = run.marks.get(i === 0 ? 'begin' : STEPS[i - 1]!) ?? 0, to = run.marks.get(step) ?? Infinity;
  const adverts = new Set<string>(), garps = new Map<string, number>();
  for (const l of run.sections.get(`wire ${port}`) ?? []) {
    const m = /^([\d.]+) (\S+) > (\S+), ethertype [^:]+: (.*)$/.exec(l);
    if (!m || !OURS.test(m[2]!)) continue;
    const t = Number(m[1]);
    if (t <= from || t > to) continue;
    const body = m[4]!.replace(/, length \d+/g, '');
    const v = /^(\S+) > (\S+): (VRRPv\d), Advertisement, vrid (\d+), prio (\d+)/.exec(body);
    if (v) { adverts.add(`${m[2]} ${v[1]} > ${v[2]} ${v[3]} vrid ${v[4]} prio ${v[5]}`); continue; }
    const g = /^Request who-has (\S+) \(ff:ff:ff:ff:ff:ff\) tell (\S+)$/.exec(body);
    const n = /^(\S+) > ff02::1: ICMP6, neighbor advertisement, tgt is (\S+)$/.exec(body);
    const key = g && g[1] === g[2] ? `${m[2]} garp ${g[1]}` : n ? `${m[2]} na ${n[2]}` : undefined;
    if (key) garps.set(key, (garps.get(key) ?? 0) + 1);
  }
  return [...[...adverts].sort(), ...[...garps].sort().map(([k, c]) => `${k} x${c}`)];
}

/** The lines of an instance, in their order ("(VI_1) ...", "(VI_1): ..."). */
export function ofInstance(lines: readonly string[], name: string): string[] {
  return lines.filter((l) => l.startsWith(`(${name})`));
}
