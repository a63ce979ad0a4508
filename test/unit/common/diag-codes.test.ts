// The closed list of diagnostic codes (common/diag-codes.ts): keepalived's classes and our notes
// apart, no code twice, and the notes are what -t counts as ours.
import assert from 'node:assert/strict';
import { DAEMON_CODES, isNoteCode, KA_CODES, NOTE_CODES, type DiagCode } from '../../../src/common/diag-codes.js';

describe('common/diag-codes', () => {
  it('each code once, in its family; isNoteCode is true for the notes only', () => {
    const all: DiagCode[] = [...KA_CODES, ...NOTE_CODES, ...DAEMON_CODES];
    assert.equal(new Set(all).size, all.length);
    for (const c of KA_CODES) { assert.match(c, /^KA_/); assert.equal(isNoteCode(c), false, c); }
    for (const c of NOTE_CODES) { assert.match(c, /^KPB_/); assert.equal(isNoteCode(c), true, c); }
    for (const c of DAEMON_CODES) assert.equal(isNoteCode(c), false, c);
  });
});
