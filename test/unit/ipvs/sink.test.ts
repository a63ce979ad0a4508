// IpvsSink against an in-memory IPVS table that decodes our genl messages with the same
// attribute tables and answers like the kernel (EEXIST / ESRCH / ENOENT, dumps).
import { strict as assert } from 'node:assert';
import { IpvsClient } from '../../../src/ipvs/client.js';
import { IpvsSink } from '../../../src/ipvs/sink.js';
import { initialDesiredState } from '../../../src/ipvs/initial.js';
import { openIpvs } from '../../../src/ipvs/index.js';
import { memoryLogger } from '../../../src/common/log.js';
import { decodeAttrs, encodeAttrs, type AttrValues } from '../../../src/ipvs/attrs.js';
import { CMD_ATTRS, IPVS_CMD } from '../../../src/ipvs/constants.js';
import { parseDest, parseService, svcFullAttrs, destFullAttrs } from '../../../src/ipvs/codec.js';
import { strerror, type GenlResult, type GenlTransport } from '../../../src/ipvs/transport.js';
import { svcKeyString, type IpvsDest, type IpvsService } from '../../../src/ipvs/types.js';
import { rs, vsIp } from './fixtures.js';

class TableDouble implements GenlTransport {
  svcs = new Map<string, { svc: IpvsService; dests: Map<string, IpvsDest> }>();
  log: string[] = [];
  async resolveFamily(name: string) { return name === 'IPVS' ? { ok: true as const, value: { id: 42, version: 1 } } : { ok: false as const, errno: 'ENOENT', message: 'No such file or directory' }; }
  close() {}
  private err(errno: string): GenlResult<Buffer[]> { return { ok: false, errno, message: strerror(errno) }; }
  async request(_f: number, cmd: number, _v: number, data: Buffer): Promise<GenlResult<Buffer[]>> {
    const top = decodeAttrs(CMD_ATTRS, data);
    const name = Object.entries(IPVS_CMD).find(([, v]) => v === cmd)![0];
    this.log.push(name);
    const svcKeyOf = () => {
      const s = parseService(encodeAttrs(CMD_ATTRS, { service: { schedName: '', flags: { flags: 0, mask: 0 }, timeout: 0, netmask: 0, ...(top.service as AttrValues) } }));
      assert.ok(s.ok, s.ok ? '' : s.reason);
      return { s: s.value, k: svcKeyString(s.value) };
    };
    switch (cmd) {
      case IPVS_CMD.NEW_SERVICE: { const { s, k } = svcKeyOf(); if (this.svcs.has(k)) return this.err('EEXIST'); this.svcs.set(k, { svc: s, dests: new Map() }); return { ok: true, value: [] }; }
      case IPVS_CMD.SET_SERVICE: { const { s, k } = svcKeyOf(); const e = this.svcs.get(k); if (!e) return this.err('ESRCH'); e.svc = s; return { ok: true, value: [] }; }
      case IPVS_CMD.DEL_SERVICE: { const { k } = svcKeyOf(); if (!this.svcs.delete(k)) return this.err('ESRCH'); return { ok: true, value: [] }; }
      case IPVS_CMD.NEW_DEST: case IPVS_CMD.SET_DEST: case IPVS_CMD.DEL_DEST: {
        const { k, s } = svcKeyOf(); const e = this.svcs.get(k); if (!e) return this.err('ESRCH');
        const dd = parseDest(data, s.af); assert.ok(dd.ok); const d = dd.value; const dk = `${d.addr}/${d.port}`;
        if (cmd === IPVS_CMD.NEW_DEST) { if (e.dests.has(dk)) return this.err('EEXIST'); e.dests.set(dk, d); }
        else if (cmd === IPVS_CMD.SET_DEST) { if (!e.dests.has(dk)) return this.err('ENOENT'); e.dests.set(dk, d); }
        else if (!e.dests.delete(dk)) return this.err('ENOENT');
        return { ok: true, value: [] };
      }
      case IPVS_CMD.GET_SERVICE: return { ok: true, value: [...this.svcs.values()].map((e) => encodeAttrs(CMD_ATTRS,
        { service: svcFullAttrs(e.svc) })) };
      case IPVS_CMD.GET_DEST: { const { k } = svcKeyOf(); const e = this.svcs.get(k); if (!e) return this.err('ESRCH'); return { ok: true, value: [...e.dests.values()].map((d) => encodeAttrs(CMD_ATTRS, { dest: destFullAttrs(d) })) }; }
      case IPVS_CMD.FLUSH: this.svcs.clear(); return { ok: true, value: [] };
      case IPVS_CMD.GET_INFO: return { ok: true, value: [Buffer.from('0800010001020100', 'hex')] };
      default: return this.err('EINVAL');
    }
  }
  dump(): string[] {
    return [...this.svcs.values()].flatMap((e) => [`${svcKeyString(e.svc)} ${e.svc.sched}`, ...[...e.dests.values()].map((d) => `  ${d.addr}:${d.port} w${d.weight}`)]).sort();
  }
}

const web = vsIp('10.0.0.1', 80, { realServers: [rs('10.0.1.1', 80), rs('10.0.1.2', 80, { weight: 3 })] });
const st = (...v: typeof web[]) => initialDesiredState({ virtualServers: v, virtualServerGroups: [] });

async function setup(t = new TableDouble()) {
  const c = await IpvsClient.open(t);
  assert.ok(c.ok);
  const log = memoryLogger();
  return { t, c: c.value, log, sink: new IpvsSink(c.value, log) };
}

describe('IpvsSink (reconciler adapter) against an in-memory IPVS table', () => {
  it('openIpvs: family missing -> keepalived\'s log line and null; present -> version', async () => {
    const l = memoryLogger();
    const bad: GenlTransport = { ...new TableDouble(), resolveFamily: async () => ({ ok: false, errno: 'ENOENT', message: 'No such file or directory' }), request: async () => ({ ok: true, value: [] }), close() {} };
    assert.equal(await openIpvs({ logger: l, transport: bad }), null);
    assert.deepEqual(l.lines(), ['Initializing ipvs', "IPVS: Can't initialize ipvs: No such file or directory"]);
    const h = await openIpvs({ logger: memoryLogger(), transport: new TableDouble() });
    assert.equal(h?.version, '1.2.1');
  });

  it('start-up: one dump, then one message per object; reload unchanged: zero messages', async () => {
    const { t, c, sink } = await setup();
    await sink.apply(st(web));
    assert.deepEqual(t.log, ['GET_SERVICE', 'NEW_SERVICE', 'NEW_DEST', 'NEW_DEST']);
    assert.deepEqual({ ...c.counters }, { mutations: 3, queries: 1, errors: 0, malformed: 0 });
    await sink.apply(st(web));
    assert.equal(t.log.length, 4);
  });

  it('one weight change: exactly one SET_DEST', async () => {
    const { t, sink } = await setup();
    await sink.apply(st(web));
    await sink.apply(st({ ...web, realServers: [web.realServers[0], rs('10.0.1.2', 80, { weight: 9 })] }));
    assert.deepEqual(t.log.slice(4), ['SET_DEST']);
    assert.ok(t.dump().includes('  10.0.1.2:80 w9'));
  });

  it('repair after an outside flush re-creates everything; after an outside weight edit one SET_DEST', async () => {
    const { t, sink } = await setup();
    await sink.apply(st(web));
    const want = t.dump();
    t.svcs.clear();
    await sink.repair();
    assert.deepEqual(t.dump(), want);
    [...t.svcs.values()][0].dests.get('10.0.1.2/80')!.weight = 1;
    const n = t.log.length;
    await sink.repair();
    assert.deepEqual(t.log.slice(n).filter((x) => !x.startsWith('GET')), ['SET_DEST']);
    assert.deepEqual(t.dump(), want);
  });

  it('repair spread out: each round dumps every service but the destinations of a slice; outside flush repaired in one round, an outside destination edit within 8', async () => {
    const t = new TableDouble();
    const c = await IpvsClient.open(t);
    assert.ok(c.ok);
    const sink = new IpvsSink(c.value, memoryLogger(), { repairSlice: 2 });
    const many = Array.from({ length: 40 }, (_, i) => vsIp(`10.1.0.${i + 1}`, 80, { realServers: [rs('10.0.2.1', 80), rs('10.0.2.2', 80)] }));
    await sink.apply(st(...many));
    const want = t.dump();
    const round = async () => { const n = t.log.length; await sink.repair(); return t.log.slice(n); };
    // nothing changed: one service dump and 40 / 8 = 5 destination dumps, no mutation
    assert.deepEqual(await round(), ['GET_SERVICE', ...Array(5).fill('GET_DEST')]);
    // an outside destination edit, on a service whose slice is 4 rounds away at most 8
    t.svcs.get('2/6/10.1.0.30/80')!.dests.get('10.0.2.2/80')!.weight = 9;
    let rounds = 0, fixed: string[] = [];
    while (rounds < 8 && !fixed.length) { rounds++; fixed = (await round()).filter((x) => !x.startsWith('GET')); }
    assert.deepEqual(fixed, ['SET_DEST']);
    assert.deepEqual(t.dump(), want);
    // ipvsadm -C: repaired in the next round, with no destination dump (the kernel has no service)
    t.svcs.clear();
    const r = await round();
    assert.deepEqual(r.filter((x) => x.startsWith('GET')), ['GET_SERVICE']);
    assert.equal(r.filter((x) => x === 'NEW_SERVICE').length, 40);
    assert.deepEqual(t.dump(), want);
    // an outside scheduler edit is seen in the service dump of the very next round
    t.svcs.get('2/6/10.1.0.7/80')!.svc.sched = 'rr';
    assert.deepEqual((await round()).filter((x) => !x.startsWith('GET')), ['SET_SERVICE']);
    assert.deepEqual(t.dump(), want);
  });

  it('an add that meets EEXIST (stale cache) falls back to an edit, as keepalived does', async () => {
    const { t, sink, log } = await setup();
    await sink.apply(st()); // cache: empty kernel
    t.svcs.set('2/6/10.0.0.1/80', { svc: { af: 2, protocol: 6, addr: '10.0.0.1', port: 80, fwmark: 0, sched: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff }, dests: new Map() });
    await sink.apply(st(web));
    assert.ok(t.log.includes('SET_SERVICE'));
    assert.ok(t.dump().includes('2/6/10.0.0.1/80 wlc'));
    assert.deepEqual(log.lines(), ['IPVS cmd IP_VS_SO_SET_ADD(1154) error: File exists(17)']);
  });

  it('release deletes only what it added (one DEL_SERVICE each); keep (-I) deletes nothing', async () => {
    const t = new TableDouble();
    t.svcs.set('2/6/10.9.9.9/9', { svc: { af: 2, protocol: 6, addr: '10.9.9.9', port: 9, fwmark: 0, sched: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff }, dests: new Map() });
    const a = await setup(t);
    await a.sink.apply(st(web));
    await a.sink.release({ keep: true });
    assert.equal(t.svcs.size, 2);
    const b = await setup(t);
    await b.sink.apply(st(web));
    const n = t.log.length;
    await b.sink.release();
    assert.deepEqual(t.log.slice(n), ['DEL_SERVICE']);
    assert.deepEqual([...t.svcs.keys()], ['2/6/10.9.9.9/9']);
  });

  it('same virtual server objects: only changed services are planned; an in-place edit is still seen', async () => {
    const { t, sink } = await setup();
    const other = vsIp('10.0.0.2', 80, { realServers: [rs('10.0.2.1', 80)] });
    const state = st(web, other);
    await sink.apply(state);
    const n = t.log.length;
    await sink.apply(state);
    assert.equal(t.log.length, n, 'unchanged: nothing sent');
    state.services[1].destinations[0].weight = 4; // edited in place, same arrays and objects
    await sink.apply(state);
    assert.deepEqual(t.log.slice(n), ['SET_DEST']);
    assert.ok(t.dump().includes('  10.0.2.1:80 w4'));
    await sink.apply(st(web)); // `other` no longer wanted: removed although its entry was cached
    assert.deepEqual(t.log.slice(n + 1), ['DEL_SERVICE']);
    assert.ok(!t.dump().some((l) => l.includes('10.0.0.2')));
  });

  it('reload (brand-new model objects): only the changed service is converted; one SET_DEST, then one DEL_SERVICE', async () => {
    const { t, sink } = await setup();
    const many = Array.from({ length: 50 }, (_, i) => vsIp(`10.1.0.${i + 1}`, 80, { realServers: [rs('10.0.2.1', 80), rs('10.0.2.2', 80)] }));
    await sink.apply(st(...many));
    const n = t.log.length;
    const edited = structuredClone(many);
    edited[17].realServers[1].weight = 5;
    await sink.apply(st(...edited));
    assert.deepEqual(t.log.slice(n), ['SET_DEST']);
    assert.deepEqual(sink.lastUpdate, { converted: 1, full: false });
    assert.ok(t.dump().includes('  10.0.2.2:80 w5'));
    await sink.apply(st(...structuredClone(edited).filter((_, i) => i !== 3)));
    assert.deepEqual(t.log.slice(n + 1), ['DEL_SERVICE']);
    assert.deepEqual(sink.lastUpdate, { converted: 0, full: false });
    assert.equal(t.svcs.size, 49);
  });

  it('release with flush (lvs_flush_on_stop): one FLUSH, foreign services too, keepalived\'s line; keep wins', async () => {
    const t = new TableDouble();
    t.svcs.set('2/6/10.9.9.9/9', { svc: { af: 2, protocol: 6, addr: '10.9.9.9', port: 9, fwmark: 0, sched: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff }, dests: new Map() });
    const a = await setup(t);
    await a.sink.apply(st(web));
    await a.sink.release({ keep: true, flush: true });
    assert.equal(t.svcs.size, 2);
    const b = await setup(t);
    await b.sink.apply(st(web));
    const n = t.log.length;
    await b.sink.release({ flush: true });
    assert.deepEqual(t.log.slice(n), ['FLUSH']);
    assert.equal(t.svcs.size, 0);
    assert.deepEqual(b.log.lines(), ['Flushing lvs on shutdown in oneshot']);
  });

  it('autoRepair: each apply arms repair every shortest delay_loop; release stops it', async () => {
    const t = new TableDouble();
    const c = await IpvsClient.open(t);
    assert.ok(c.ok);
    const sink = new IpvsSink(c.value, memoryLogger(), { autoRepair: true });
    await sink.apply(st({ ...web, delayLoop: 0.05 }));
    const want = t.dump();
    t.svcs.clear();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(t.dump(), want);
    await sink.release();
    t.svcs.clear();
    const n = t.log.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(t.log.length, n, 'no repair after release');
  });
});
