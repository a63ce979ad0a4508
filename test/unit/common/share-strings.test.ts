// shareStrings: equal strings of a JSON-received tree become one instance; content and shapes unchanged.
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { shareStrings } from '../../../src/common/share-strings.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('common/share-strings', () => {
  it('keeps the content of a tree (objects, arrays, nested, non-strings untouched)', () => {
    const tree = { a: 'x', b: [1, 'y', { c: 'x', d: null, e: true }], f: { g: ['x', 'y'], h: 2.5 } };
    const copy = JSON.parse(JSON.stringify(tree)) as typeof tree;
    assert.deepEqual(shareStrings(copy), tree);
  });

  it('frees the copies of a repeated string read back from JSON (20,000 x 200 bytes: ~4 MB)', () => {
    const file = `/etc/keepalived/${'x'.repeat(180)}.conf`;
    const json = JSON.stringify({ rs: Array.from({ length: 20_000 }, (_, i) => ({ pos: { file, line: i, col: 1 } })) });
    const parsed = JSON.parse(json) as { rs: { pos: { file: string } }[] };
    gc();
    const before = process.memoryUsage().heapUsed;
    shareStrings(parsed);
    gc();
    const freed = before - process.memoryUsage().heapUsed;
    assert.ok(freed > 3_000_000, `freed ${freed} bytes`);
    assert.ok(parsed.rs.every((r) => r.pos.file === file));
  });

  it('survives shared and cyclic references', () => {
    const shared = { s: 'v' };
    const o: Record<string, unknown> = { a: shared, b: shared };
    o.self = o;
    assert.equal(shareStrings(o), o);
    assert.equal((o.a as { s: string }).s, 'v');
  });
});
