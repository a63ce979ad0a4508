// static_* and virtual_routes / virtual_rules in the VRRP runtime on a fake kernel (no root): the
// route and rule tables of the FakeKernel follow the instance as keepalived 2.2.7's do (measured in
// namespaces: test/unit/vrrp/data/routes-2.2.7/), with its log lines in its order.
import assert from 'node:assert/strict';
import { instanceConf, Lab } from '../runtime/harness.js';

const LINKS = [{ name: 'eth0', addrs: ['10.0.0.1/24'] }, { name: 'lan1', addrs: ['10.50.0.1/24'] }, { name: 'lan2', addrs: ['10.60.0.1/24'] }];

const STATICS = [
  'static_ipaddress {', '  192.168.201.1/24 dev lan1', '}',
  'static_routes {', '  10.201.1.0/24 via 10.50.0.254 dev lan1', '}',
  'static_rules {', '  from 10.202.1.0/24 table 100 preference 100', '}',
].join('\n');

const conf = (prio = 100) => `${STATICS}\n${instanceConf({
  priority: prio,
  extra: ['virtual_routes {', '  10.203.1.0/24 via 10.0.0.254 dev eth0', '  10.203.2.0/24 dev lan2 table 100', '  10.203.4.0/24 via 10.0.0.254 dev eth0 no_track', '}',
    'virtual_rules {', '  from 10.204.1.0/24 table 100 preference 200', '}'],
})}`;

const VROUTES = ['prepend 10.203.1.0/24 via inet 10.0.0.254 dev eth0 proto 18', 'prepend 10.203.2.0/24 dev lan2 table 100 proto 18', 'prepend 10.203.4.0/24 via inet 10.0.0.254 dev eth0 no_track'];
const SROUTES = ['prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18'];
const SRULES = ['from 10.202.1.0/24 priority 100 tos 0x0 protocol 18 lookup 100'];
const VRULES = ['from 10.204.1.0/24 priority 200 tos 0x0 protocol 18 lookup 100'];
const sorted = (a: string[]) => [...a].sort();

/** r1 started with conf() and MASTER (alone on the segment), 10 ms after its takeover. */
async function master(): Promise<{ lab: Lab; r: ReturnType<Lab['router']> }> {
  const lab = new Lab();
  const r = lab.router('r1', LINKS);
  await r.start(conf());
  await lab.advance(3610);
  assert.equal(r.state(), 'MASTER');
  await lab.advance(10);
  return { lab, r };
}

describe('vrrp/routes in the runtime on a fake kernel', () => {
  it('statics at start; virtual routes and rules on MASTER (after the VIPs), gone on leaving it (before them); statics gone at stop', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    const rt = r.kernel.routes;
    await r.start(conf());
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(rt.routeLines(), SROUTES);
    assert.deepEqual(rt.ruleLines(), SRULES);
    assert.deepEqual(r.kernel.addressesOf('lan1'), ['10.50.0.1/24', '192.168.201.1/24']);
    assert.deepEqual(r.log(0, /VI_1/), ['(VI_1) removing Virtual Rules', '(VI_1) removing Virtual Routes', '(VI_1) removing VIPs.',
      '(VI_1) removing Virtual Rules', '(VI_1) removing Virtual Routes', '(VI_1) Entering BACKUP STATE (init)']);
    await lab.advance(3610);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(rt.routeLines(), sorted([...SROUTES, ...VROUTES]));
    assert.deepEqual(rt.ruleLines(), sorted([...SRULES, ...VRULES]));
    assert.deepEqual(r.log(3610, /VI_1\) (setting|removing)/), ['(VI_1) setting VIPs.', '(VI_1) setting Virtual Routes', '(VI_1) setting Virtual Rules']);
    // the VIP add is written before the routes (a route with `src VIP` needs it)
    const ops = r.kernel.ops.filter((o) => o.at === 3610).map((o) => o.op);
    assert.deepEqual(ops.slice(0, 2), ['advert', 'addrAdd']);
    await lab.advance(10);
    const t = lab.now;
    await r.stop();
    assert.deepEqual(r.log(t, /VI_1\) (setting|removing)/), ['(VI_1) removing Virtual Rules', '(VI_1) removing Virtual Routes', '(VI_1) removing VIPs.']);
    assert.deepEqual(rt.routeLines(), []);
    assert.deepEqual(rt.ruleLines(), []);
    assert.deepEqual(r.kernel.addressesOf('lan1'), ['10.50.0.1/24']);
  });

  it('a tracked virtual route deleted on a MASTER: BACKUP (priority 0), MASTER again after Skew_Time, routes back; a no_track one is left', async () => {
    const { lab, r } = await master();
    const t = lab.now;
    r.kernel.routes.delRoute('10.203.1.0/24');
    await lab.settle();
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.log(t, /VI_1/).slice(0, 5), ['(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing Virtual Rules', '(VI_1) removing Virtual Routes', '(VI_1) removing VIPs.']);
    assert.deepEqual(r.ops(t, ['advert']), ['advert eth0 10.0.0.1>224.0.0.18 prio 0']);
    await lab.advance(610);
    assert.equal(r.state(), 'MASTER');
    assert.ok(r.kernel.routes.routeLines().includes(VROUTES[0]!));
    await lab.advance(10);
    const t2 = lab.now;
    r.kernel.routes.delRoute('10.203.4.0/24');
    await lab.advance(1000);
    assert.equal(r.state(), 'MASTER');
    assert.ok(!r.kernel.routes.routeLines().includes(VROUTES[2]!));
    assert.deepEqual(r.log(t2, /Entering/), []);
  });

  it('a static route / rule / address deleted by someone else is put back, with "Restoring deleted static ..."', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    await r.start(conf());
    const t = lab.now;
    r.kernel.routes.delRoute('10.201.1.0/24');
    r.kernel.routes.delRule(100);
    r.kernel.delAddress('lan1', '192.168.201.1');
    await lab.settle();
    await lab.settle();
    assert.deepEqual(r.kernel.routes.routeLines(), SROUTES);
    assert.deepEqual(r.kernel.routes.ruleLines(), SRULES);
    assert.deepEqual(r.kernel.addressesOf('lan1'), ['10.50.0.1/24', '192.168.201.1/24']);
    assert.deepEqual(sorted(r.log(t, /Restoring/)), [
      'Restoring deleted static address 192.168.201.1/24 dev lan1 scope global set',
      'Restoring deleted static route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'Restoring deleted static rule from 10.202.1.0/24 priority 100 tos 0x0 protocol 18 lookup 100',
    ]);
  });

  it('the interface of a virtual route goes down: FAULT, routes and rules removed; up: BACKUP, then MASTER with them again', async () => {
    const { lab, r } = await master();
    const t = lab.now;
    r.kernel.setLink('lan2', { up: false });
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(t, /lan2|VI_1/).slice(0, 2), ['Netlink reports lan2 down', '(VI_1) Entering FAULT STATE']);
    assert.deepEqual(r.kernel.routes.routeLines(), SROUTES);
    r.kernel.setLink('lan2', { up: true, running: true });
    await lab.settle();
    assert.equal(r.state(), 'BACKUP');
    await lab.advance(3610);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.kernel.routes.routeLines(), sorted([...SROUTES, ...VROUTES]));
  });

  it('SIGHUP on a MASTER: a removed virtual route deleted ("Removing route"), kept ones replaced, a new one added', async () => {
    const { lab, r } = await master();
    const t = lab.now;
    await r.reload(conf().replace('  10.203.2.0/24 dev lan2 table 100', '  10.203.9.0/24 via 10.0.0.254 dev eth0 metric 9'));
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.log(t, /Removing|Virtual|VIPs/), ['Removing route 10.203.2.0/24', '(VI_1) setting VIPs.', '(VI_1) setting Virtual Routes', '(VI_1) setting Virtual Rules']);
    assert.deepEqual(r.kernel.routes.routeLines(), sorted([...SROUTES, VROUTES[0]!, VROUTES[2]!, 'prepend 10.203.9.0/24 via inet 10.0.0.254 dev eth0 proto 18 metric 9']));
    assert.ok(r.kernel.routes.ops.some((o) => o.op === 'routeReplace'));
  });
});
