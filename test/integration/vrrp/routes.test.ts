// static_ipaddress / static_routes / static_rules and virtual_routes / virtual_rules beside
// keepalived 2.2.7 (root, netns prefix "krt"): two routers r1 (priority 100) and r2 (priority 200)
// run the same config on one segment, each with two more links (lan1, lan2). The scenario runs twice,
// once with keepalived as r1 and ours as r2, once the other way round, and at each step the kernel's
// routes and rules (ip -j, everything keepalived owns or touched, normalised) and r1's route / rule
// lines must be the same for the same role: start (r1 BACKUP, r2 MASTER), r2 stopped (r1 MASTER),
// a tracked virtual route deleted by hand (BACKUP, MASTER again), a static route deleted by hand
// (put back), SIGHUP with one route / rule of each kind removed and one added, lan2 (a virtual
// route's and rule's interface) down and up, SIGTERM. Measured behaviour and more steps:
// test/unit/vrrp/data/routes-2.2.7/ (measure-2.2.7.sh).
import assert from 'node:assert/strict';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { tail, VrrpLab, type Daemon } from './lab.js';

function conf(prio: number, reload = false): string {
  const one = (a: string, b: string) => (reload ? b : a);
  return `global_defs {
    router_id r${prio}
    vrrp_garp_master_delay 0
}
static_ipaddress {
    192.168.201.1/24 dev lan1 label lan1:st
    fd00:201::1/64 dev lan1
}
static_routes {
    10.201.1.0/24 via 10.50.0.254 dev lan1
    10.201.2.0/24 dev lan1 scope link table 100
    10.201.3.0/24 via 10.50.0.254 dev lan1 metric 50 mtu 1400 advmss 1360 src 10.50.0.1
    blackhole 10.201.4.0/24
    10.201.7.0/24 nexthop via 10.50.0.253 dev lan1 weight 2 nexthop via 10.50.0.252 dev lan1
    10.201.11.0/24 dev lan1 realms 1/2
    fd00:201:2::/64 dev lan1 metric 300 pref high
    ${one('10.201.14.0/24 via 10.50.0.254 dev lan1 metric 14', '10.201.15.0/24 via 10.50.0.254 dev lan1 metric 15')}
}
static_rules {
    from 10.202.1.0/24 table 100 preference 100
    to 10.202.2.0/24 lookup 200 priority 101
    fwmark 0x10/0xff table 100 preference 103
    from all fwmark 7 goto 110 preference 104
    from 10.202.3.0/24 blackhole preference 105
    not from 10.202.6.0/24 table 100 preference 108
    from 10.202.8.0/24 sport 1000-2000 ipproto tcp table 100 preference 113
    from fd00:202::/64 table 100 preference 120
    from 10.202.11.0/24 table 100
    ${one('from 10.202.15.0/24 table 100 preference 124', 'from 10.202.16.0/24 table 100 preference 125')}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        10.199.0.100/24
    }
    virtual_routes {
        10.203.1.0/24 via 10.199.0.254 dev eth0
        10.203.2.0/24 dev lan2 table 100
        blackhole 10.203.3.0/24
        10.203.4.0/24 via 10.199.0.254 dev eth0 no_track
        src 10.199.0.100 10.203.5.0/24 dev eth0
        default via 10.199.0.254 dev eth0 table 101
        ${one('10.203.8.0/24 via 10.199.0.254 dev eth0 metric 8', '10.203.9.0/24 via 10.199.0.254 dev eth0 metric 9')}
    }
    virtual_rules {
        from 10.204.1.0/24 table 100 preference 200
        to 10.204.2.0/24 table 100 preference 201 no_track
        iif lan2 table 100 preference 203
        ${one('from 10.204.8.0/24 table 100 preference 208', 'from 10.204.9.0/24 table 100 preference 209')}
    }
}
`;
}

type Json = Record<string, unknown>;
const OURS = /^(10\.20[1-4]\.|192\.168\.201\.|fd00:20[1-4]:|default)/;

/** What keepalived owns or touched, one sorted line per route / rule / address (ip -j, stable fields only). */
function kernelState(L: VrrpLab, host: string): string[] {
  const ip = (...a: string[]) => JSON.parse(L.lab.exec(L.lab.ns(host), 'ip', ['-j', ...a]) || '[]') as Json[];
  const pick = (o: Json, keys: string[]) => keys.filter((k) => o[k] !== undefined).map((k) => `${k}=${JSON.stringify(o[k])}`).join(' ');
  const routeKeys = ['type', 'dst', 'table', 'protocol', 'dev', 'gateway', 'prefsrc', 'metric', 'scope', 'flags', 'pref', 'metrics', 'nexthops', 'realms'];
  const out: string[] = [];
  for (const fam of ['-4', '-6']) {
    for (const r of ip(fam, 'route', 'show', 'table', 'all')) if (r.protocol === 'keepalived' || OURS.test(String(r.dst))) out.push(`route ${pick(r, routeKeys)}`);
    for (const r of ip(fam, 'rule')) if (r.priority !== 0 && Number(r.priority) < 32766) out.push(`rule ${JSON.stringify(r)}`);
  }
  for (const l of ip('addr')) {
    for (const a of (l.addr_info as Json[] | undefined) ?? []) if (OURS.test(String(a.local)) || a.local === '10.199.0.100') out.push(`addr ${String(l.ifname)} ${String(a.local)}/${String(a.prefixlen)} ${String(a.label ?? '')}`);
  }
  return out.sort();
}

/** The kernel state once it stopped changing for 400 ms (the daemon's requests answered). */
async function settled(L: VrrpLab, host: string): Promise<string[]> {
  let last = kernelState(L, host), since = Date.now();
  await waitFor(() => {
    const now = kernelState(L, host);
    if (JSON.stringify(now) !== JSON.stringify(last)) { last = now; since = Date.now(); return false; }
    return Date.now() - since >= 400;
  }, 10000, 50);
  return last;
}

/** r1's route / rule lines (timestamps and sequence numbers aside), sorted. */
const routeLines = (d: Daemon, after: number): string[] => d.lines.filter((l) => l.t >= after
  && /Virtual (Routes|Rules)|Restoring deleted|Removing route|ip rule from|Netlink: error/.test(l.text)).map((l) => l.text.replace(/seq=\d+/, 'seq=N')).sort();

interface Run { r1: Record<string, string[]>; r2: Record<string, string[]>; lines: Record<string, string[]> }

async function scenario(L: VrrpLab, r1Kind: 'ours' | 'keepalived'): Promise<Run> {
  const r2Kind = r1Kind === 'ours' ? 'keepalived' : 'ours';
  const run: Run = { r1: {}, r2: {}, lines: {} };
  for (const h of ['r1', 'r2']) {
    const ns = L.lab.ns(h);
    for (const [n, a4] of [['lan1', '10.50.0.1/24'], ['lan2', '10.60.0.1/24']] as const) {
      L.lab.exec(ns, 'ip', ['link', 'add', n, 'type', 'veth', 'peer', 'name', `${n}p`], { allowFail: true });
      L.lab.exec(ns, 'ip', ['link', 'set', n, 'up']);
      L.lab.exec(ns, 'ip', ['link', 'set', `${n}p`, 'up']);
      L.lab.exec(ns, 'ip', ['addr', 'replace', a4, 'dev', n]);
    }
  }
  const r2 = L.start(r2Kind, 'r2', L.writeConf('r2', conf(200)));
  await r2.waitLine('(VI_1) Entering MASTER STATE', 60000);
  const r1conf = L.writeConf('r1', conf(100));
  const r1 = L.start(r1Kind, 'r1', r1conf);
  let t = 0;
  const step = async (name: string, what: () => Promise<void>) => {
    t = performance.now();
    await what();
    run.r1[name] = await settled(L, 'r1');
    run.lines[name] = routeLines(r1, t);
  };
  await step('start', async () => { await r1.waitLine('(VI_1) Entering BACKUP STATE (init)', 60000); });
  run.r2.start = await settled(L, 'r2');
  await step('r2 stopped: r1 MASTER', async () => {
    r2.signal('SIGTERM');
    await r1.waitLine('(VI_1) Entering MASTER STATE', 8000, t);
    await r2.exit(10000);
  });
  run.r2.stopped = await settled(L, 'r2');
  const x = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
  await step('tracked virtual route deleted', async () => {
    x('route', 'del', '10.203.1.0/24');
    await r1.waitLine('(VI_1) Entering BACKUP STATE', 5000, t);
    await r1.waitLine('(VI_1) Entering MASTER STATE', 5000, t);
  });
  await step('static route deleted', async () => {
    x('route', 'del', '10.201.1.0/24');
    await r1.waitLine(/^Restoring deleted static route prepend 10\.201\.1\.0\/24/, 5000, t);
  });
  await step('SIGHUP', async () => {
    L.writeConf('r1', conf(100, true));
    r1.signal('SIGHUP');
    await r1.waitLine(/^Reload (finished|complete)$/, 10000, t);
  });
  await step('lan2 down', async () => {
    x('link', 'set', 'lan2', 'down');
    await r1.waitLine('(VI_1) Entering FAULT STATE', 5000, t);
  });
  await step('lan2 up', async () => {
    x('link', 'set', 'lan2', 'up');
    await r1.waitLine('(VI_1) Entering MASTER STATE', 8000, t);
  });
  await step('SIGTERM', async () => {
    r1.signal('SIGTERM');
    await r1.exit(10000);
  });
  assert.ok(r1.exited, `r1 (${r1Kind}) did not stop:\n${tail(r1)}`);
  return run;
}

describe('vrrp routes and rules beside keepalived 2.2.7 (netns)', function () {
  this.timeout(180000);
  let L: VrrpLab | undefined;
  const runs: Partial<Record<'ours' | 'keepalived', Run>> = {};
  before(function () { if (!isRoot()) this.skip(); });
  afterEach(async () => { await L?.down(); L = undefined; });

  for (const r1Kind of ['keepalived', 'ours'] as const) {
    it(`r1 = ${r1Kind}, r2 = ${r1Kind === 'ours' ? 'keepalived' : 'ours'}: the scenario runs`, async () => {
      L = new VrrpLab('krt').up();
      runs[r1Kind] = await scenario(L, r1Kind);
    });
  }

  it('the same routes, rules and addresses in the kernel at each step, in both role orders, and the same route / rule lines', function () {
    const ka = runs.keepalived, ours = runs.ours;
    if (!ka || !ours) this.skip();
    for (const name of Object.keys(ka.r1)) assert.deepEqual(ours.r1[name], ka.r1[name], `r1 (priority 100) at "${name}"`);
    // r2: ours ran it in the first run, keepalived in the second
    for (const name of Object.keys(ka.r2)) assert.deepEqual(ka.r2[name], ours.r2[name], `r2 (priority 200) at "${name}"`);
    for (const name of Object.keys(ka.lines)) assert.deepEqual(ours.lines[name], ka.lines[name], `r1's lines at "${name}"`);
    assert.ok(ka.r1.start!.some((l) => l.includes('10.201.7.0/24')) && ka.r1['r2 stopped: r1 MASTER']!.some((l) => l.includes('10.203.5.0/24')), 'the states are not empty');
  });
});
