// Reconciler plans (pure): desired state vs kernel state -> the smallest list of operations.
import { strict as assert } from 'node:assert';
import { planOps, type IpvsOp } from '../../../src/ipvs/plan.js';
import { toKernelState, type KernelState } from '../../../src/ipvs/desired.js';
import type { LvsDesiredState } from '../../../src/common/lvs-desired.js';
import { destinationsFor, initialDesiredState } from '../../../src/ipvs/initial.js';
import type { VirtualServer } from '../../../src/config/model.js';
import { rs, vsIp } from './fixtures.js';

const clone = (k: KernelState): KernelState =>
  new Map([...k].map(([key, e]) => [key, { svc: { ...e.svc },
    dests: new Map([...e.dests].map(([dk, d]) => [dk, { ...d }])) }]));

function state(...vss: VirtualServer[]): LvsDesiredState {
  return initialDesiredState({ virtualServers: vss, virtualServerGroups: [] });
}
const summary = (ops: IpvsOp[]) => ops.map((o) => `${o.op} ${o.svc.addr || o.svc.fwmark}:${o.svc.port}${'dest' in o ? ` ${o.dest.addr}:${o.dest.port} w${o.dest.weight}` : ''}${o.op === 'addService' || o.op === 'editService' ? ` ${o.svc.sched}` : ''}`);

const web = vsIp('10.0.0.1', 80, { realServers: [rs('10.0.1.1', 80), rs('10.0.1.2', 80, { weight: 3 })] });

interface Case { name: string; before: LvsDesiredState | null; after: LvsDesiredState; expect: string[] }
const cases: Case[] = [
  { name: 'add from empty', before: null, after: state(web),
    expect: ['addService 10.0.0.1:80 wlc', 'addDest 10.0.0.1:80 10.0.1.1:80 w1', 'addDest 10.0.0.1:80 10.0.1.2:80 w3'] },
  { name: 'no change: empty plan', before: state(web), after: state(web), expect: [] },
  { name: 'weight change: one SET_DEST', before: state(web),
    after: state({ ...web, realServers: [web.realServers[0], rs('10.0.1.2', 80, { weight: 5 })] }),
    expect: ['editDest 10.0.0.1:80 10.0.1.2:80 w5'] },
  { name: 'scheduler change: one SET_SERVICE', before: state(web), after: state({ ...web, lbAlgo: 'rr' }),
    expect: ['editService 10.0.0.1:80 rr'] },
  { name: 'real server removed', before: state(web), after: state({ ...web, realServers: [web.realServers[0]] }),
    expect: ['delDest 10.0.0.1:80 10.0.1.2:80 w3'] },
  { name: 'real server added', before: state(web), after: state({ ...web, realServers: [...web.realServers, rs('10.0.1.3', 0)] }),
    expect: ['addDest 10.0.0.1:80 10.0.1.3:80 w1'] },
  { name: 'virtual server removed: one DEL_SERVICE', before: state(web), after: state(), expect: ['delService 10.0.0.1:80'] },
  { name: 'lb_kind change: SET_DEST per destination', before: state(web), after: state({ ...web, lbKind: 'DR' }),
    expect: ['editDest 10.0.0.1:80 10.0.1.1:80 w1', 'editDest 10.0.0.1:80 10.0.1.2:80 w3'] },
  { name: 'persistence added: SET_SERVICE', before: state(web), after: state({ ...web, persistenceTimeout: 600 }),
    expect: ['editService 10.0.0.1:80 wlc'] },
];

describe('ipvs reconciler plans', () => {
  for (const c of cases) {
    it(c.name, () => {
      const cur = c.before ? toKernelState(c.before) : new Map();
      const owned = new Set(cur.keys());
      assert.deepEqual(summary(planOps(toKernelState(c.after), clone(cur), owned)), c.expect);
    });
  }

  it('leaves services it never owned alone, and removes foreign destinations from its own', () => {
    const cur = toKernelState(state(web, vsIp('10.9.9.9', 443, { realServers: [rs('10.0.2.1', 443)] })));
    cur.get('2/6/10.0.0.1/80')!.dests.set('10.7.7.7/80', { af: 2, addr: '10.7.7.7', port: 80, fwd: 0, weight: 1, uThresh: 0, lThresh: 0 });
    const ops = planOps(toKernelState(state(web)), cur, new Set(['2/6/10.0.0.1/80']));
    assert.deepEqual(summary(ops), ['delDest 10.0.0.1:80 10.7.7.7:80 w1']);
  });

  it('after `ipvsadm -C` (kernel empty) re-adds everything', () => {
    const ops = planOps(toKernelState(state(web)), new Map(), new Set(['2/6/10.0.0.1/80']));
    assert.equal(ops.length, 3);
  });
});

describe('ipvs desired state -> kernel objects (keepalived rules)', () => {
  it('DR/TUN real servers take the VS port; NAT keeps its own, 0 means the VS port', () => {
    const k = toKernelState(state(vsIp('10.0.0.1', 443, { lbKind: 'DR', realServers: [rs('10.0.1.1', 8443), rs('10.0.1.2', 0, { lvsMethod: 'NAT' }), rs('10.0.1.3', 8080, { lvsMethod: 'NAT' })] })));
    const ports = [...k.values()][0].dests;
    assert.deepEqual([...ports.values()].map((d) => `${d.addr}:${d.port}/${d.fwd}`), ['10.0.1.1:443/3', '10.0.1.2:443/0', '10.0.1.3:8080/0']);
  });

  it('fwmark services: DR destinations get port 0', () => {
    const v: VirtualServer = { ...vsIp('0.0.0.0', 0), vs: { kind: 'fwmark', fwmark: 9 }, lbKind: 'DR', realServers: [rs('10.0.1.1', 80)] };
    const [e] = [...toKernelState(state(v)).values()];
    assert.equal(e.svc.fwmark, 9);
    assert.equal([...e.dests.values()][0].port, 0);
  });

  it('persistence: timeout, granularity netmask (v4 mask bytes, v6 prefix), default 360 with granularity only', () => {
    const [a] = [...toKernelState(state(vsIp('10.0.0.1', 80, { persistenceTimeout: 50, persistenceGranularity: '255.255.255.0' }))).values()];
    assert.deepEqual([a.svc.flags, a.svc.timeout, a.svc.netmask], [1, 50, 0x00ffffff]);
    const [b] = [...toKernelState(state(vsIp('2001:db8::1', 80, { persistenceGranularity: '64' }))).values()];
    assert.deepEqual([b.svc.flags, b.svc.timeout, b.svc.netmask], [1, 360, 64]);
    const [c] = [...toKernelState(state(vsIp('2001:db8::1', 80))).values()];
    assert.deepEqual([c.svc.flags, c.svc.timeout, c.svc.netmask], [0, 0, 128]);
  });

  it('scheduler flags and ops', () => {
    const [a] = [...toKernelState(state(vsIp('10.0.0.1', 53, { protocol: 'UDP', lbAlgo: 'mh', schedFlags: ['mh-port', 'mh-fallback'], ops: true }))).values()];
    assert.deepEqual([a.svc.protocol, a.svc.sched, a.svc.flags], [17, 'mh', 0x8 | 0x10 | 0x4]);
  });

  it('tunnel options (gue port, csum flags) only for TUN', () => {
    const [a] = [...toKernelState(state(vsIp('10.0.0.1', 80, { lbKind: 'TUN', tunnel: { type: 'gue', port: 6080, csum: 'remcsum' }, realServers: [rs('10.0.1.1', 80)] }))).values()];
    const d = [...a.dests.values()][0];
    assert.deepEqual([d.fwd, d.tunType, d.tunPort, d.tunFlags], [2, 1, 6080, 2]);
  });

  it('virtual_server_group: IP ranges and fwmarks expand to one service each', () => {
    const v: VirtualServer = { ...vsIp('0.0.0.0', 0), vs: { kind: 'group', group: 'G' }, realServers: [rs('10.0.1.1', 80)] };
    const k = toKernelState(initialDesiredState({ virtualServers: [v], virtualServerGroups: [{ name: 'G', entries: [
      { kind: 'range', first: '10.0.0.1', last: '3', port: 80, family: 'inet' },
      { kind: 'range', first: '2001:db8::a', last: '2001:db8::b', port: 80, family: 'inet6' },
      { kind: 'fwmark', fwmark: 4 },
    ] }] }));
    assert.deepEqual([...k.keys()], ['2/6/10.0.0.1/80', '2/6/10.0.0.2/80', '2/6/10.0.0.3/80', '10/6/2001:db8::a/80', '10/6/2001:db8::b/80', '2/fwm/4']);
  });
});

describe('ipvs initial desired state (keepalived at start-up)', () => {
  it('alpha checkers start their server down (no checker: up); inhibit_on_failure keeps it at weight 0', () => {
    const v = vsIp('10.0.0.1', 80, { realServers: [rs('10.0.1.1', 80), rs('10.0.1.2', 80, { alpha: true, checkers: [{ type: 'TCP_CHECK' }] }), rs('10.0.1.3', 80, { inhibitOnFailure: true, checkers: [{ type: 'TCP_CHECK', alpha: true }] }), rs('10.0.1.4', 80, { alpha: true })] });
    assert.deepEqual(initialDesiredState({ virtualServers: [v], virtualServerGroups: [] }).services[0].destinations.map((d) => `${d.address}/${d.weight}`), ['10.0.1.1/1', '10.0.1.3/0', '10.0.1.4/1']);
  });

  it('quorum lost: only the sorry server', () => {
    const v = vsIp('10.0.0.1', 80, { alpha: true, sorryServer: { address: '10.0.9.9', port: 80, family: 'inet' }, realServers: [rs('10.0.1.1', 80)] });
    assert.deepEqual(destinationsFor(v, () => false).map((d) => `${d.address}/${d.weight}`), ['10.0.9.9/1']);
    assert.deepEqual(destinationsFor(v, () => true).map((d) => `${d.address}/${d.weight}`), ['10.0.1.1/1']);
  });
});

describe('ipvs repair interval', () => {
  it('is the shortest delay_loop, 60 s with no virtual server', async () => {
    const { repairIntervalFor } = await import('../../../src/ipvs/desired.js');
    assert.equal(repairIntervalFor(state(vsIp('10.0.0.1', 80, { delayLoop: 6 }), vsIp('10.0.0.2', 80, { delayLoop: 3 }))), 3000);
    assert.equal(repairIntervalFor(state()), 60000);
  });
});
