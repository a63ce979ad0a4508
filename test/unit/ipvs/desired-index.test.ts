// DesiredIndex: the incremental desired state equals toKernelState after every update, and only
// changed services are converted (fresh / removed name exactly the keys that changed).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DesiredIndex } from '../../../src/ipvs/desired-index.js';
import { toKernelState } from '../../../src/ipvs/desired.js';
import { initialDesiredState } from '../../../src/ipvs/initial.js';
import type { LvsDesiredState } from '../../../src/common/lvs-desired.js';
import type { VirtualServer, VirtualServerGroup } from '../../../src/config/model.js';
import { rs, vsIp } from './fixtures.js';

const st = (vss: VirtualServer[], groups: VirtualServerGroup[] = []): LvsDesiredState =>
  initialDesiredState({ virtualServers: vss, virtualServerGroups: groups });
/** A deep copy: brand-new model objects with the same content (what a reload parses). */
const reparse = <T>(x: T): T => structuredClone(x);

const a = vsIp('10.0.0.1', 80, { realServers: [rs('10.0.1.1', 80), rs('10.0.1.2', 80, { weight: 3 })] });
const b = vsIp('10.0.0.2', 443, { lbAlgo: 'rr', realServers: [rs('10.0.2.1', 443)] });
const fw = vsIp('0.0.0.0', 0, { vs: { kind: 'fwmark', fwmark: 7 }, lbKind: 'DR', realServers: [rs('10.0.3.1', 0)] });
const grp = vsIp('0.0.0.0', 0, { vs: { kind: 'group', group: 'G' }, realServers: [rs('10.0.4.1', 80)] });
const G: VirtualServerGroup = { name: 'G', entries: [{ kind: 'range', first: '10.0.9.1', last: '2', port: 80, family: 'inet' }] };
const base = () => st([a, b, fw, grp], [G]);

const sorted = (s: Iterable<string>) => [...s].sort();

interface Case { name: string; next: LvsDesiredState; converted: number; fresh: string[]; removed: string[] }
const cases: Case[] = [
  { name: 'same content, new objects: nothing converted', next: reparse(base()), converted: 0, fresh: [], removed: [] },
  { name: 'reordered: nothing converted', next: st(reparse([grp, fw, b, a]), [G]), converted: 0, fresh: [], removed: [] },
  { name: 'one weight: one service', next: st([{ ...reparse(a), realServers: [rs('10.0.1.1', 80, { weight: 9 }), rs('10.0.1.2', 80, { weight: 3 })] }, b, fw, grp], [G]),
    converted: 1, fresh: ['2/6/10.0.0.1/80'], removed: [] },
  { name: 'scheduler change', next: st([a, { ...b, lbAlgo: 'wrr' }, fw, grp], [G]), converted: 1, fresh: ['2/6/10.0.0.2/443'], removed: [] },
  { name: 'service removed', next: st([a, fw, grp], [G]), converted: 0, fresh: [], removed: ['2/6/10.0.0.2/443'] },
  { name: 'service added', next: st([a, b, fw, grp, vsIp('10.0.0.3', 80)], [G]), converted: 1, fresh: ['2/6/10.0.0.3/80'], removed: [] },
  { name: 'address changed: old key removed, new one fresh', next: st([{ ...a, vs: { kind: 'ip', address: '10.0.0.5', port: 80, family: 'inet' } }, b, fw, grp], [G]),
    converted: 1, fresh: ['2/6/10.0.0.5/80'], removed: ['2/6/10.0.0.1/80'] },
  { name: 'group member range shrinks', next: st([a, b, fw, grp], [{ name: 'G', entries: [{ kind: 'range', first: '10.0.9.1', last: '1', port: 80, family: 'inet' }] }]),
    converted: 1, fresh: ['2/6/10.0.9.1/80'], removed: ['2/6/10.0.9.2/80'] },
  { name: 'fwmark real server family decides the service family', next: st([a, b, { ...fw, realServers: [rs('2001:db8::1', 0)] }, grp], [G]),
    converted: 1, fresh: ['10/fwm/7'], removed: ['2/fwm/7'] },
  { name: 'two services claim one key: rebuilt, the later wins', next: st([a, b, fw, grp, { ...vsIp('10.0.9.1', 80), lbAlgo: 'sh' }], [G]),
    converted: 5, fresh: ['2/fwm/7', '2/6/10.0.0.1/80', '2/6/10.0.0.2/443', '2/6/10.0.9.1/80', '2/6/10.0.9.2/80'], removed: [] },
];

describe('ipvs DesiredIndex (incremental desired state)', () => {
  it('first update: every service converted, full', () => {
    const ix = new DesiredIndex();
    const u = ix.update(base());
    assert.equal(u.full, true);
    assert.equal(u.converted, 4);
    assert.deepEqual(ix.state, toKernelState(base()));
    assert.equal(u.minDelayLoop, 60);
  });
  for (const c of cases) {
    it(c.name, () => {
      const ix = new DesiredIndex();
      ix.update(base());
      const u = ix.update(c.next);
      assert.deepEqual({ converted: u.converted, fresh: sorted(u.fresh), removed: sorted(u.removed) },
        { converted: c.converted, fresh: sorted(c.fresh), removed: sorted(c.removed) });
      assert.deepEqual(ix.state, toKernelState(c.next));
    });
  }
  it('same objects edited in place (destination weight, scheduler) are seen', () => {
    const ix = new DesiredIndex();
    const s = reparse(base());
    ix.update(s);
    s.services[0].destinations[1].weight = 8;
    s.services[1].vs.lbAlgo = 'lc';
    const u = ix.update(s);
    assert.deepEqual(sorted(u.fresh), ['2/6/10.0.0.1/80', '2/6/10.0.0.2/443']);
    assert.deepEqual(ix.state, toKernelState(s));
    assert.equal(ix.update(s).converted, 0);
  });
  it('one object listed twice: rebuilt (full), equal to toKernelState', () => {
    const ix = new DesiredIndex();
    ix.update(base());
    const s = base();
    s.services.push(s.services[0]);
    assert.equal(ix.update(s).full, true);
    assert.deepEqual(ix.state, toKernelState(s));
  });
  it('property: after any sequence of configs the index equals toKernelState, and unchanged services are never converted', () => {
    const addr = fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.9.1', '2001:db8::1');
    const real = fc.record({ a: fc.constantFrom('10.0.1.1', '10.0.1.2', '10.0.1.3'), w: fc.integer({ min: 0, max: 3 }) });
    const vsArb = fc.record({
      kind: fc.constantFrom('ip', 'ip', 'ip', 'fwmark', 'group'), addr, port: fc.constantFrom(80, 443), mark: fc.integer({ min: 1, max: 3 }),
      algo: fc.constantFrom('rr', 'wlc'), persist: fc.constantFrom(undefined, 300), kindLb: fc.constantFrom('NAT', 'DR', 'TUN'),
      reals: fc.uniqueArray(real, { selector: (r) => r.a, maxLength: 3 }),
    });
    type V = typeof vsArb extends fc.Arbitrary<infer X> ? X : never;
    const cfg = fc.record({ vss: fc.array(vsArb, { maxLength: 6 }), last: fc.constantFrom('1', '2', '3') });
    const build = (c: { vss: V[]; last: string }) => st(c.vss.map((v): VirtualServer => vsIp(v.addr, v.port, {
      ...(v.kind === 'fwmark' ? { vs: { kind: 'fwmark', fwmark: v.mark } } : v.kind === 'group' ? { vs: { kind: 'group', group: 'G' } } : {}),
      lbAlgo: v.algo, persistenceTimeout: v.persist, lbKind: v.kindLb,
      realServers: v.reals.map((r) => rs(r.a, v.port, { weight: r.w })),
    })), [{ name: 'G', entries: [{ kind: 'range', first: '10.0.9.1', last: c.last, port: 80, family: 'inet' }] }]);
    fc.assert(fc.property(fc.array(cfg, { minLength: 1, maxLength: 6 }), (seq) => {
      const ix = new DesiredIndex();
      let prev: ReturnType<typeof toKernelState> | undefined;
      for (const c of seq) {
        const s = build(c);
        const want = toKernelState(s);
        const u = ix.update(s);
        assert.deepEqual(ix.state, want);
        if (prev && !u.full) {
          for (const [k, e] of want) if (!u.fresh.has(k)) assert.deepEqual(prev.get(k), e, `${k} not fresh but changed`);
          for (const k of prev.keys()) assert.equal(!want.has(k), u.removed.has(k), `${k} removed?`);
        }
        prev = want;
      }
    }), { numRuns: 300 });
  });
});
