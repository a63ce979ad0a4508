// The one mapping from diagnostics to keepalived -t's exit code (common/diagnostic.ts exitCodeFor):
// the largest config_err_t of lib/parser.h wins, so security > ordinary error > fatal; abort is 2.
import assert from 'node:assert/strict';
import { exitCodeFor, type Diagnostic, type Severity } from '../../../src/common/diagnostic.js';

const d = (severity: Severity): Diagnostic => ({ severity, code: 'KA_CFG_ERROR', message: 'x' });

describe('common/diagnostic: exitCodeFor', () => {
  const cases: [Severity[], number][] = [
    [[], 0], [['info'], 0], [['warning'], 5], [['error'], 5], [['fatal'], 4], [['security'], 6], [['abort'], 2],
    // report_config_error keeps the larger enum value: CONFIG_GENERAL_ERROR (13) over CONFIG_FATAL (3)
    [['fatal', 'error'], 5], [['error', 'fatal'], 5], [['fatal', 'info'], 4],
    [['security', 'error', 'fatal'], 6], [['fatal', 'security'], 6], [['error', 'abort', 'security'], 2],
  ];
  for (const [sev, code] of cases) it(`${sev.join(' + ') || 'nothing'} -> ${code}`, () => assert.equal(exitCodeFor(sev.map(d)), code));
});
