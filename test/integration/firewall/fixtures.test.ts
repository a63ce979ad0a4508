// Ours against the recorded keepalived 2.2.7 runs (data/keepalived-2.2.7, record-keepalived.ts) on
// the firewall settings nft.test.ts does not run live: a named table with its own priority and
// counters, no_accept without strict and a reload to accept (2.2.7 leaves the table behind), the
// address owner (no table), use_vmac with strict (IGMP map + VIP set in one table), use_vmac on IPv6
// (MLD map, router-solicit set) and a stale table deleted at the first set-up. Same scenario, same
// steps: r1's ruleset at each step and the client probes must be those 2.2.7 gave.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isRoot } from '../../helpers/netns.js';
import { VrrpLab } from '../vrrp/lab.js';
import { normalise, runScenario, SCENARIOS, type StepRecord } from './scenarios.js';

const DATA = new URL('./data/keepalived-2.2.7/', import.meta.url).pathname;
const NAMES = ['nftables-named', 'no-accept-v4', 'owner-strict', 'vmac-v4-strict', 'vmac-v6', 'stale-table'];

/** A scenario's run: its steps, or what it threw. */
type Outcome = { steps: StepRecord[] } | { error: unknown };

async function runOne(prefix: string, name: string): Promise<Outcome> {
  try {
    const lab = new VrrpLab(prefix).up();
    try { return { steps: (await runScenario(lab, 'ours', SCENARIOS.find((s) => s.name === name)!)).steps }; } finally { await lab.down(); }
  } catch (error) { return { error }; }
}

describe('VIP firewall: ours = the recorded keepalived 2.2.7 runs', function () {
  this.timeout(120000);
  // Two scenarios run at a time, each in a lab of its own (nothing here is timed: states are waited
  // for, the probes have their own timeouts); each test waits for its scenario's outcome.
  const outcomes = new Map(NAMES.map((n) => {
    let resolve!: (o: Outcome) => void;
    return [n, { promise: new Promise<Outcome>((r) => { resolve = r; }), resolve }] as const;
  }));
  let all: Promise<unknown> = Promise.resolve();
  before(() => {
    if (!isRoot()) return;
    const queue = [...NAMES];
    const slot = async (prefix: string) => {
      for (let n = queue.shift(); n; n = queue.shift()) outcomes.get(n)!.resolve(await runOne(prefix, n));
    };
    all = Promise.all([slot('nftfx'), slot('nftfy')]);
  });
  after(async () => { await all; });

  for (const name of NAMES) {
    it(`${name}: the same ruleset at every step, the same client probes`, async function () {
      if (!isRoot()) this.skip();
      const want = (JSON.parse(readFileSync(`${DATA}${name}.json`, 'utf8')) as { steps: StepRecord[] }).steps;
      const outcome = await outcomes.get(name)!.promise;
      if ('error' in outcome) throw outcome.error;
      const got = outcome.steps;
      assert.deepEqual(got.map((s) => s.step), want.map((s) => s.step));
      got.forEach((g, i) => {
        const w = want[i]!;
        assert.deepEqual(normalise(g.json), normalise(w.json), `${g.step}: ours\n${g.text}\nkeepalived 2.2.7\n${w.text}`);
        assert.deepEqual(g.probes, w.probes, `${g.step}: client probes`);
        assert.equal(g.fromVip, w.fromVip, `${g.step}: from a VIP`);
      });
    });
  }
});
