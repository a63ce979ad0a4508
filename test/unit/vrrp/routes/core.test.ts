// The routes core (src/vrrp/routes/core.ts) as state sequences: a config, then what happens (start,
// instance steps, kernel answers, notifications, reload, stop), and the operations and lines that
// come out, as keepalived 2.2.7 does them (measured: test/unit/vrrp/data/routes-2.2.7/). Kernel
// answers are "done" unless a case says otherwise for an operation.
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../../src/config/load.js';
import { RoutesCore, type InstanceStep, type Step } from '../../../../src/vrrp/routes/core.js';
import { formatRoute, formatRule } from '../../../../src/vrrp/routes/format.js';
import type { RouteEvent, RuleEvent } from '../../../../src/vrrp/io/nl-route.js';
import type { KeepalivedConfig } from '../../../../src/config/model.js';

const IF: Record<string, number> = { lo: 1, eth0: 2, lan1: 3, lan2: 4 };

function config(text: string): KeepalivedConfig {
  const r = parseConfigText(text, 't.conf', { hostname: 'h' });
  assert.ok(!r.aborted);
  return r.config;
}

const CONF = `
static_ipaddress {
  192.168.201.1/24 dev lan1 label lan1:st
  192.168.201.3/32 dev lan1 no_track
}
static_routes {
  10.201.1.0/24 via 10.50.0.254 dev lan1
  blackhole 10.201.4.0/24
  10.201.8.0/24 via 10.50.0.254 dev lan1 no_track
}
static_rules {
  from 10.202.1.0/24 table 100 preference 100
  to 10.202.2.0/24 lookup 200 priority 101
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    10.199.0.100/24
  }
  virtual_routes {
    10.203.1.0/24 via 10.199.0.254 dev eth0
    10.203.2.0/24 dev lan2 table 100
    10.203.4.0/24 via 10.199.0.254 dev eth0 no_track
  }
  virtual_rules {
    from 10.204.1.0/24 table 100 preference 200
    to 10.204.2.0/24 table 100 preference 201 no_track
  }
}
`;

/** Drives a core as the executor does, answering every request with `answer(text)` (default done). */
class Driver {
  readonly core: RoutesCore;
  master = false;
  out: string[] = [];
  answer: (op: string) => string | undefined = () => undefined;

  constructor(text: string) {
    this.core = new RoutesCore(config(text), {
      ifindex: (n) => IF[n], ifname: (i) => Object.keys(IF).find((k) => IF[k] === i), isMaster: () => this.master,
    });
  }

  run(steps: Step[]): string[] {
    const out: string[] = [];
    for (const s of steps) {
      if (s.kind === 'log') { out.push(`log ${s.msg}`); continue; }
      if (s.kind === 'backup') { out.push(`backup ${s.inst}`); continue; }
      const what = s.kind === 'route' ? formatRoute(s.route) : s.kind === 'rule' ? formatRule(s.rule) : `${s.addr.address}/${s.addr.prefixLen}`;
      const line = `${s.op} ${s.kind} ${what}`;
      const e = this.answer(line);
      out.push(e ? `${line} ! ${e}` : line);
      out.push(...this.run(this.core.result(s, e)));
    }
    return out;
  }

  step(step: InstanceStep): string[] {
    return [...this.core.logsFor('VI_1', step).map((l) => `log ${l.msg}`), ...this.run(this.core.opsFor('VI_1', step))];
  }
}

const route = (over: Partial<RouteEvent>): RouteEvent => ({ added: false, pid: 0, family: 'inet', dstLen: 24, tos: 0, table: 254, protocol: 18, ...over });
const rule = (over: Partial<RuleEvent>): RuleEvent => ({
  added: false, pid: 0, family: 'inet', dstLen: 0, srcLen: 24, tos: 0, headerTable: 100, action: 1, invert: false, table: 100, suppressPrefixlen: -1, protocol: 18, ...over,
});

describe('vrrp/routes core: keepalived 2.2.7 state sequences', () => {
  it('process start: leftover static rules deleted (force), then static addresses, routes and rules added', () => {
    const d = new Driver(CONF);
    assert.deepEqual(d.run(d.core.startStatics()), [
      'del rule from 10.202.1.0/24 priority 100 tos 0x0 protocol 18 lookup 100',
      'del rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
      'add addr 192.168.201.1/24', 'add addr 192.168.201.3/32',
      'add route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'add route add blackhole 10.201.4.0/24 proto 18 no_track',
      'add route prepend 10.201.8.0/24 via inet 10.50.0.254 dev lan1 no_track',
      'add rule from 10.202.1.0/24 priority 100 tos 0x0 protocol 18 lookup 100',
      'add rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
    ]);
    assert.equal(d.core.isSet({ kind: 'route', index: 0 }), true);
  });

  it('instance: start-up deletes its rules (force) but no routes (none set); init deletes nothing', () => {
    const d = new Driver(CONF);
    assert.deepEqual(d.step('startup'), [
      'log (VI_1) removing Virtual Rules', 'log (VI_1) removing Virtual Routes',
      'del rule from 10.204.1.0/24 priority 200 tos 0x0 protocol 18 lookup 100',
      'del rule from all to 10.204.2.0/24 priority 201 tos 0x0 lookup 100 no_track',
    ]);
    assert.deepEqual(d.step('init'), ['log (VI_1) removing Virtual Rules', 'log (VI_1) removing Virtual Routes']);
  });

  it('MASTER adds routes then rules; a route the kernel refuses stays unset and is not deleted on leaving MASTER', () => {
    const d = new Driver(CONF);
    d.answer = (op) => (op.includes('10.203.2.0/24') ? 'ENETDOWN' : undefined);
    assert.deepEqual(d.step('add'), [
      'log (VI_1) setting Virtual Routes', 'log (VI_1) setting Virtual Rules',
      'add route prepend 10.203.1.0/24 via inet 10.199.0.254 dev eth0 proto 18',
      'add route prepend 10.203.2.0/24 dev lan2 table 100 proto 18 ! ENETDOWN',
      'add route prepend 10.203.4.0/24 via inet 10.199.0.254 dev eth0 no_track',
      'add rule from 10.204.1.0/24 priority 200 tos 0x0 protocol 18 lookup 100',
      'add rule from all to 10.204.2.0/24 priority 201 tos 0x0 lookup 100 no_track',
    ]);
    d.answer = () => undefined;
    assert.deepEqual(d.step('remove'), [
      'log (VI_1) removing Virtual Rules', 'log (VI_1) removing Virtual Routes',
      'del rule from 10.204.1.0/24 priority 200 tos 0x0 protocol 18 lookup 100',
      'del rule from all to 10.204.2.0/24 priority 201 tos 0x0 lookup 100 no_track',
      'del route prepend 10.203.1.0/24 via inet 10.199.0.254 dev eth0 proto 18',
      'del route prepend 10.203.4.0/24 via inet 10.199.0.254 dev eth0 no_track',
    ]);
    assert.deepEqual(d.step('remove').filter((l) => !l.startsWith('log')), [], 'nothing set any more');
  });

  it('an existing identical route (EEXIST) counts as added: they are removed when leaving MASTER', () => {
    const d = new Driver(CONF);
    d.answer = (op) => (op.startsWith('add route') ? 'EEXIST' : undefined);
    d.step('add');
    d.answer = () => undefined;
    assert.equal(d.step('remove').filter((l) => l.startsWith('del route')).length, 3);
  });

  it('a tracked virtual route deleted by someone else: a MASTER goes to BACKUP, a BACKUP does nothing; no_track ignored', () => {
    const d = new Driver(CONF);
    d.step('add');
    d.master = true;
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.203.1.0', oif: 2 }))), ['backup VI_1']);
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.203.4.0', oif: 2 }))), []);
    d.master = false;
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.203.2.0', oif: 4, table: 100 }))), []);
    // another protocol, another metric: not ours
    d.master = true;
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.203.1.0', oif: 2, protocol: 4 }))), []);
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.203.1.0', oif: 2, priority: 5 }))), []);
  });

  it('our own route additions: the interface is noted, or "New route doesn\'t have i/f index"', () => {
    const d = new Driver(CONF);
    assert.deepEqual(d.run(d.core.routeEvent(route({ added: true, dst: '10.203.1.0', oif: 2 }))), []);
    assert.deepEqual(d.run(d.core.routeEvent(route({ added: true, dst: '10.201.4.0' }))), ["log New route doesn't have i/f index"]);
  });

  it('a static route / rule / address deleted by someone else is put back and logged; no_track ones are not', () => {
    const d = new Driver(CONF);
    d.run(d.core.startStatics());
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.201.1.0', oif: 3 }))), [
      'add route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'log Restoring deleted static route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18 [installed ifindex 0]',
    ]);
    assert.deepEqual(d.run(d.core.routeEvent(route({ dst: '10.201.8.0', oif: 3 }))), []);
    assert.deepEqual(d.run(d.core.ruleEvent(rule({ dstLen: 24, srcLen: 0, headerTable: 200, table: 200, priority: 101, dst: '10.202.2.0' }))), [
      'add rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
      'log Restoring deleted static rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
    ]);
    assert.deepEqual(d.run(d.core.addressDeleted({ index: 3, family: 'inet', address: '192.168.201.1' })), [
      'add addr 192.168.201.1/24', 'log Restoring deleted static address 192.168.201.1/24 dev lan1 scope global label lan1:st set',
    ]);
    assert.deepEqual(d.run(d.core.addressDeleted({ index: 3, family: 'inet', address: '192.168.201.3' })), []);
  });

  it('a virtual rule deleted by someone else: the MASTER goes to BACKUP', () => {
    const d = new Driver(CONF);
    d.master = true;
    assert.deepEqual(d.run(d.core.ruleEvent(rule({ priority: 200, src: '10.204.1.0' }))), ['backup VI_1']);
  });

  it('a link comes up: static addresses then routes on it put back (even if still there), not no_track', () => {
    const d = new Driver(CONF);
    d.run(d.core.startStatics());
    d.answer = (op) => (op.startsWith('add addr') ? 'EEXIST' : undefined);
    assert.deepEqual(d.run(d.core.linkUp(3)), [
      'add addr 192.168.201.1/24 ! EEXIST', 'log Restoring deleted static address 192.168.201.1/24 dev lan1 scope global label lan1:st set',
      'add route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'log Restoring deleted static route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18 [installed ifindex 0]',
    ]);
  });

  it('reload: removed entries deleted with 2.2.7\'s lines, kept routes replaced in place, new statics added', () => {
    const d = new Driver(CONF);
    d.run(d.core.startStatics());
    d.step('add');
    const next = CONF.replace('  blackhole 10.201.4.0/24\n', '  10.201.15.0/24 via 10.50.0.254 dev lan1 metric 15\n')
      .replace('  to 10.202.2.0/24 lookup 200 priority 101\n', '  from 10.202.16.0/24 table 100 preference 125\n')
      .replace('    10.203.2.0/24 dev lan2 table 100\n', '    10.203.9.0/24 via 10.199.0.254 dev eth0 metric 9\n');
    const plan = d.core.reload(config(next), new Set(['VI_1']));
    assert.deepEqual(d.run(plan.statics), [
      'log ip rule from all to 10.202.2.0/24 removed',
      'del rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
      'replace route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'log Removing route 10.201.4.0/24',
      'del route add blackhole 10.201.4.0/24 proto 18 no_track',
      'replace route prepend 10.201.8.0/24 via inet 10.50.0.254 dev lan1 no_track',
    ]);
    assert.deepEqual(d.run(plan.instances.get('VI_1')!), [
      'replace route prepend 10.203.1.0/24 via inet 10.199.0.254 dev eth0 proto 18',
      'log Removing route 10.203.2.0/24',
      'del route prepend 10.203.2.0/24 dev lan2 table 100 proto 18',
      'replace route prepend 10.203.4.0/24 via inet 10.199.0.254 dev eth0 no_track',
    ]);
    assert.deepEqual(d.run(d.core.addStatics()), [
      'add route prepend 10.201.15.0/24 via inet 10.50.0.254 dev lan1 proto 18 metric 15',
      'add rule from 10.202.16.0/24 priority 125 tos 0x0 protocol 18 lookup 100',
    ]);
    // a MASTER then adds every route again and its rules not set
    assert.deepEqual(d.step('reload').filter((l) => !l.startsWith('log')), [
      'add route prepend 10.203.1.0/24 via inet 10.199.0.254 dev eth0 proto 18',
      'add route prepend 10.203.9.0/24 via inet 10.199.0.254 dev eth0 proto 18 metric 9',
      'add route prepend 10.203.4.0/24 via inet 10.199.0.254 dev eth0 no_track',
    ]);
  });

  it('reload: a replace the kernel refuses (EINVAL, quiet) deletes the old route and leaves the new one unset', () => {
    const d = new Driver(CONF);
    d.run(d.core.startStatics());
    d.answer = (op) => (op.startsWith('replace route prepend 10.201.1.0/24') ? 'EINVAL' : undefined);
    const plan = d.core.reload(config(CONF), new Set(['VI_1']));
    assert.deepEqual(d.run(plan.statics).slice(0, 2), [
      'replace route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18 ! EINVAL',
      'del route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
    ]);
    assert.equal(d.core.isSet({ kind: 'route', index: 0 }), false);
    assert.deepEqual(d.run(d.core.addStatics()), ['add route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18']);
  });

  it('stop: static rules, routes and addresses that are set are deleted', () => {
    const d = new Driver(CONF);
    d.run(d.core.startStatics());
    assert.deepEqual(d.run(d.core.stopStatics()), [
      'del rule from 10.202.1.0/24 priority 100 tos 0x0 protocol 18 lookup 100',
      'del rule from all to 10.202.2.0/24 priority 101 tos 0x0 protocol 18 lookup 200',
      'del route prepend 10.201.1.0/24 via inet 10.50.0.254 dev lan1 proto 18',
      'del route add blackhole 10.201.4.0/24 proto 18 no_track',
      'del route prepend 10.201.8.0/24 via inet 10.50.0.254 dev lan1 no_track',
      'del addr 192.168.201.1/24', 'del addr 192.168.201.3/32',
    ]);
  });

  it('monitoring is turned on for the families of tracked virtual routes and rules only', () => {
    assert.deepEqual(new Driver(CONF).core.monitoring(), { routes4: true, routes6: false,
      rules4: true, rules6: false });
    assert.deepEqual(new Driver('static_routes {\n 10.1.0.0/16 dev lan1\n}\n').core.monitoring(), { routes4: false, routes6: false, rules4: false, rules6: false });
  });
});
