// The checker engine's dump text and reload at scale, without any probe (a fake world answers OK):
// --rs real servers, --per-vs of them per virtual server, --checkers TCP_CHECKs per real server.
// Prints the time of snapshot() (the /tmp/keepalived_check.data text) and of reload() of the same
// file (every checker kept; --reverse 1 lists each real server's checkers in reverse order).
//   node --import tsx bench/checker-scale.ts [--rs 10000] [--per-vs 100] [--checkers 1] [--reverse 0]
import type { Checker, VirtualServer } from '../src/config/model.js';
import { FakeClock } from '../src/common/clock.js';
import { memoryLogger } from '../src/common/log.js';
import { CheckerEngine } from '../src/check/runtime.js';
import { FakeTimers, World, mkConfig, mkRs, mkVs, settle } from '../test/unit/check/fixtures.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

async function main(): Promise<void> {
  const n = arg('rs', 10000), perVs = arg('per-vs', 100), perRs = arg('checkers', 1), reverse = arg('reverse', 0) === 1;
  const file = (rev: boolean): VirtualServer[] => {
    const vss: VirtualServer[] = [];
    for (let v = 0; v * perVs < n; v++) {
      const rss = [];
      for (let i = 0; i < perVs && v * perVs + i < n; i++) {
        const k = v * perVs + i;
        const cs: Checker[] = Array.from({ length: perRs }, (_, c) => ({ type: 'TCP_CHECK', retry: 1, connectPort: 1000 + c }) as Checker);
        rss.push(mkRs(`10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`, 80, rev ? cs.reverse() : cs));
      }
      vss.push(mkVs(`10.200.${v >> 8}.${v & 255}`, 80, rss));
    }
    return vss;
  };
  const clock = new FakeClock(0);
  const eng = new CheckerEngine(mkConfig(file(false)), { logger: memoryLogger(0), lvs: { apply: async () => {} }, clock,
    timers: new FakeTimers(clock), probeFactory: new World(() => ({ ok: true })).factory });
  await eng.start();
  await settle();
  let t = performance.now();
  const text = eng.snapshot();
  const snapshotMs = performance.now() - t;
  t = performance.now();
  await eng.reload(mkConfig(file(reverse)));
  const reloadMs = performance.now() - t;
  console.log(JSON.stringify({ rs: n, perVs, checkers: eng.insts.length, reverse, snapshotMs: Math.round(snapshotMs),
    reloadMs: Math.round(reloadMs), dumpBytes: text.length }));
  await eng.stop({ clearServices: false });
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
