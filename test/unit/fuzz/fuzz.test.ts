// The fuzz targets of test/fuzz/ with small counts (bench/fuzz.ts runs the large ones), each in a
// worker under the hang watchdog: no exception escapes, no invariant is broken, no input hangs,
// every input ends in exactly one counted outcome, and the mix reaches the outcomes that show the
// target is doing its work (accepted inputs as well as each kind of rejection).
import assert from 'node:assert/strict';
import { malformedInput } from '../../../src/common/malformed.js';
import { formatReport, type FuzzReport } from '../../fuzz/harness.js';
import { runGuarded } from '../../fuzz/guard.js';

const cases: [target: string, inputs: number, mustSee: RegExp[]][] = [
  ['config', 1500, [/^exit 0$/, /^exit 2$/, /^exit 5$/]],
  ['ipvs', 600, [/^services ok$/, /^dests ok$/, /^exists EEXIST$/, /ETIMEDOUT/, /dropped:.*framing/, /dropped:(service|dest|daemon)-/]],
  ['rtnetlink', 3000, [/^links ok$/, /^addresses ok$/, /^monitor events$/, /^routes events$/, /dropped:.*parse/, /dropped:.*route-rule-/]],
  ['ipc', 1500, [/^child accepted init$/, /^child accepted reload$/, /^parent accepted stopped$/, /^child dropped:config-/, /^parent dropped:stopped-usage$/]],
  ['http', 3000, [/^up: MD5 digest$/, /^up: Regex match$/, /^down: HTTP status code error to$/, /^failed: Read, no data received from$/]],
  ['smtp', 3000, [/^up$/, /^down: bad banner$/, /^down: bad helo$/, /after buffer overflow$/, /read timeout/]],
  ['dns', 10000, [/^up$/, /^ignored: id$/, /^ignored: short$/, /^ignored: query$/, /^down: read error occurred/]],
];

describe('fuzz: every input ends in a counted outcome (short runs)', function () {
  this.timeout(120_000);
  for (const [target, n, mustSee] of cases) {
    it(`${target}: ${n} inputs, no exception, no violation, no hang`, async () => {
      const r: FuzzReport = await runGuarded(target, n, 7, 20_000);
      const text = formatReport(r);
      assert.equal(r.exceptions, 0, text);
      assert.equal(r.violations, 0, text);
      assert.equal(r.inputs, n, text);
      assert.equal(Object.values(r.byKind).reduce((a, b) => a + b, 0), n, text);
      for (const re of mustSee) assert.ok(Object.keys(r.byKind).some((k) => re.test(k)), `no outcome like ${re}\n${text}`);
      assert.ok(r.slowest.ms < r.boundMs * 4, `slowest input ${r.slowest.ms.toFixed(0)} ms\n${text}`);
    });
  }

  it('the watchdog catches a busy loop, an input that waits forever and a crash outside the verdict, and goes on', async () => {
    const r = await runGuarded('selftest', 8, 1, 1000);
    assert.deepEqual(r.byKind, { ok: 5, HANG: 2, EXCEPTION: 1 }, formatReport(r));
    assert.equal(r.firstViolation?.index, 2);
    assert.equal(r.firstException?.index, 6);
  });

  it('malformed input is logged once per reason, then every 1000th, and always counted', () => {
    const lines: string[] = [];
    malformedInput.reset();
    malformedInput.setLog((l) => lines.push(l));
    try {
      for (let i = 0; i < 2500; i++) malformedInput.note('rtnetlink', 'parse', `message ${i}`);
      malformedInput.note('ipvs', 'service-key');
      assert.deepEqual(malformedInput.snapshot(), { 'rtnetlink:parse': 2500, 'ipvs:service-key': 1 });
      assert.deepEqual(lines, [
        'Malformed rtnetlink input dropped (parse): message 0',
        'Malformed rtnetlink input dropped (parse): message 999 - 1000 so far',
        'Malformed rtnetlink input dropped (parse): message 1999 - 2000 so far',
        'Malformed ipvs input dropped (service-key)',
      ]);
    } finally {
      malformedInput.setLog(() => {});
      malformedInput.reset();
    }
  });
});
