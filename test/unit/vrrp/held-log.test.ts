// HeldLog: lines and callbacks held during one event come out in their original order on release.
import assert from 'node:assert/strict';
import { memoryLogger } from '../../../src/common/log.js';
import { HeldLog } from '../../../src/vrrp/held-log.js';

describe('vrrp HeldLog', () => {
  it('passes through when not holding; holds, nests and releases in order', () => {
    const mem = memoryLogger(1);
    const out: string[] = [];
    const h = new HeldLog(mem);
    h.info('a');
    assert.deepEqual(mem.lines(), ['a']);
    h.hold();
    h.info('b');
    h.detail('c');
    h.detail('hidden at -D', 2);
    h.later(() => out.push(`cb after ${mem.lines().length} lines`));
    h.hold();
    h.error('d');
    h.release();
    assert.deepEqual(mem.lines(), ['a'], 'inner release writes nothing');
    h.warn('e');
    h.release();
    assert.deepEqual(mem.lines(), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(mem.records.map((r) => r.level), ['info', 'info', 'info', 'err', 'warning']);
    assert.deepEqual(out, ['cb after 3 lines']);
    h.release(); // unbalanced release is harmless
    h.info('f');
    assert.equal(mem.lines().at(-1), 'f');
  });
});
