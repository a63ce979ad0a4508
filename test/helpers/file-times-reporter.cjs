// Mocha reporter for the integration tier: the spec reporter's output, then each test file's wall time
// (its before/after hooks and set-up included, which the per-test times leave out) and where it went
// (tests, hooks), slowest first. Used by `npm run test:integration` so every CI log says which files
// cost the tier its time.
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END, EVENT_HOOK_BEGIN, EVENT_HOOK_END, EVENT_RUN_END } =
  Mocha.Runner.constants;

/** How many files the table lists (the rest are summed on one line). */
const TOP = 15;

class FileTimes extends Spec {
  constructor(runner, options) {
    super(runner, options);
    /** @type {Map<string, { wall: number, tests: number, hooks: number, started: number }>} */
    const files = new Map();
    const entry = (file) => {
      let e = files.get(file);
      if (!e) files.set(file, e = { wall: 0, tests: 0, hooks: 0, started: 0 });
      return e;
    };
    const fileOf = (x) => { for (let s = x; s; s = s.parent) if (s.file) return s.file; return undefined; };
    const hookStart = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file && suite.parent?.root) entry(suite.file).started = performance.now();
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      if (suite.file && suite.parent?.root) entry(suite.file).wall += performance.now() - entry(suite.file).started;
    });
    runner.on(EVENT_TEST_END, (test) => {
      const f = fileOf(test);
      if (f) entry(f).tests += test.duration ?? 0;
    });
    runner.on(EVENT_HOOK_BEGIN, (hook) => hookStart.set(hook, performance.now()));
    runner.on(EVENT_HOOK_END, (hook) => {
      const f = fileOf(hook), t0 = hookStart.get(hook);
      hookStart.delete(hook);
      if (f && t0 !== undefined) entry(f).hooks += performance.now() - t0;
    });
    runner.once(EVENT_RUN_END, () => {
      const rows = [...files].sort((a, b) => b[1].wall - a[1].wall);
      const s = (ms) => (ms / 1000).toFixed(1).padStart(7);
      const cwd = `${process.cwd()}/`;
      const total = rows.reduce((n, [, e]) => n + e.wall, 0);
      console.log(`\n  wall time per file (s; tests + hooks + the rest), ${rows.length} files, ${s(total).trim()} s in all:`);
      for (const [f, e] of rows.slice(0, TOP)) {
        console.log(`  ${s(e.wall)} = ${s(e.tests)} tests + ${s(e.hooks)} hooks + ${s(e.wall - e.tests - e.hooks)}  ${f.replace(cwd, '')}`);
      }
      const rest = rows.slice(TOP).reduce((n, [, e]) => n + e.wall, 0);
      if (rows.length > TOP) console.log(`  ${s(rest)} the other ${rows.length - TOP} files`);
    });
  }
}
module.exports = FileTimes;
