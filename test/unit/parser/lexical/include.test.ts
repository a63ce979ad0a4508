// include / includer / includem / includew / includeb / includea: glob, relative paths, textual
// inclusion, messages and strictness, loops; checked against keepalived 2.2.7 where installed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import { preprocessFile, preprocessText } from '../../../../src/parser/preprocess.js';
import { exitCodeFor } from '../../../../src/common/diagnostic.js';
import { OPTS, cleanupScratch, messages, ppFile, scratch, words } from './helpers.js';
import { KEEPALIVED, predict, runKeepalived } from './oracle.js';

type Tree = Record<string, string>;
interface Case {
  name: string;
  files: Tree;
  lines: string[][];
  msgs: string[];
  exit: number;
  /** compare with keepalived -t (lines + messages + exit code) */
  oracle?: boolean;
}

const cases: Case[] = [
  {
    name: 'include is textual, works inside a block, relative to the including file',
    files: { 'main.conf': 'm1\nblk {\n  include sub/a.conf\n}\n', 'sub/a.conf': 'a1 x\ninclude b.conf\n', 'sub/b.conf': 'b1\n' },
    lines: [['m1'], ['blk'], ['{'], ['a1', 'x'], ['b1'], ['}']], msgs: [], exit: 0, oracle: true,
  },
  {
    name: 'glob in sorted order, braces per alternative, directories skipped',
    files: { 'main.conf': 'm1\ninclude d/*.conf\ninclude {z,y}.inc\ninclude d\n', 'd/b.conf': 'b\n', 'd/a.conf': 'a\n', 'z.inc': 'z\n', 'y.inc': 'y\n' },
    lines: [['m1'], ['a'], ['b'], ['z'], ['y']], msgs: ["Configuration file 'd/' is a directory - skipping"], exit: 0, oracle: true,
  },
  {
    name: 'pattern is the rest of the line (spaces kept)',
    files: { 'main.conf': 'm1\ninclude my file.conf   \n', 'my file.conf': 'q\n' },
    lines: [['m1'], ['q']], msgs: [], exit: 0, oracle: true,
  },
  {
    name: 'missing files: plain include only logs',
    files: { 'main.conf': 'm1\ninclude missing.conf\ninclude nomatch*.conf\ninclude nodir/*.conf\ninclude {a,b}.conf\nm2\n', 'a.conf': 'a\n' },
    lines: [['m1'], ['a'], ['m2']],
    msgs: ["Config files missing 'missing.conf'.", "Config files missing 'nodir/*.conf'.", 'Some config files missing: "{a,b}.conf".'],
    exit: 0, oracle: true,
  },
  {
    name: 'includew: no wildcard match is a strict failure (exit 6), parsing goes on',
    files: { 'main.conf': 'm1\nincludew nomatch*.conf\nm2\n' },
    lines: [['m1'], ['m2']], msgs: ["No config files matched 'nomatch*.conf'."], exit: 6, oracle: true,
  },
  {
    name: 'includeb: a missing brace alternative aborts the include',
    files: { 'main.conf': 'm1\nincludeb {a,b}.conf\nm2\n', 'a.conf': 'a\n' },
    lines: [['m1'], ['m2']], msgs: ['Some config files missing: "{a,b}.conf".'], exit: 6, oracle: true,
  },
  {
    name: 'includea missing file',
    files: { 'main.conf': 'm1\nincludea missing.conf\n' },
    lines: [['m1']], msgs: ["Config files missing 'missing.conf'."], exit: 6, oracle: true,
  },
  {
    name: 'includem / includer on a missing file',
    files: { 'main.conf': 'm1\nincludem missing.conf\nincluder missing.conf\n' },
    lines: [['m1']], msgs: ["Config files missing 'missing.conf'.", "Config files missing 'missing.conf'."], exit: 6, oracle: true,
  },
  {
    name: 'executable file skipped',
    files: { 'main.conf': 'm1\ninclude x.sh\n', 'x.sh': 'nope\n' },
    lines: [['m1']], msgs: ["Configuration file 'x.sh' is not a regular non-executable file - skipping"], exit: 0, oracle: true,
  },
  {
    name: 'include keyword forms: needs whitespace after it',
    files: { 'main.conf': 'm1\nincludes a.conf\ninclude\ninclude\ta.conf\n', 'a.conf': 'a\n' },
    lines: [['m1'], ['includes', 'a.conf'], ['include'], ['a']], msgs: [], exit: 0, oracle: true,
  },
  {
    name: 'include after $DEF substitution and from a ~SEQ (reverse order, as keepalived)',
    files: { 'main.conf': 'm1\n$F=f1.conf\ninclude $F\n~SEQ(i,1,2) include f${i}.conf\nm2\n', 'f1.conf': 'one\n', 'f2.conf': 'two\n' },
    lines: [['m1'], ['one'], ['two'], ['one'], ['m2']], msgs: [], exit: 0, oracle: true,
  },
  {
    name: 'definitions and generators carry across files',
    files: { 'main.conf': 'm1\n$A=va\ninclude d.conf\nm2 $B\n', 'd.conf': '$B=vb\nd1 $A\n' },
    lines: [['m1'], ['d1', 'va'], ['m2', 'vb']], msgs: [], exit: 0, oracle: true,
  },
  {
    name: 'braces across files: depth counted globally',
    files: { 'main.conf': 'm1\nk {\ninclude c.conf\n', 'c.conf': '}\n}\n' },
    lines: [['m1'], ['k'], ['{'], ['}'], ['}']], msgs: ["Extra '}' found"], exit: 5, oracle: true,
  },
  {
    name: 'include loop is refused with our own error, never hangs',
    files: { 'main.conf': 'm1\ninclude a.conf\nm2\n', 'a.conf': 'a1\ninclude main.conf\ninclude a.conf\na2\n' },
    lines: [['m1'], ['a1'], ['a2'], ['m2']],
    msgs: [
      "Include loop: configuration file 'main.conf' is already being read - skipping",
      "Include loop: configuration file 'a.conf' is already being read - skipping",
    ],
    exit: 5,
  },
  {
    name: 'a file including itself through a glob',
    files: { 'main.conf': 'm1\ninclude *.conf\n' },
    lines: [['m1']], msgs: ["Include loop: configuration file 'main.conf' is already being read - skipping"], exit: 5,
  },
];

describe('preprocessor: include', function () {
  this.timeout(20000);
  after(cleanupScratch);
  for (const c of cases) {
    it(c.name, () => {
      const dir = scratch(c.files);
      if (c.files['x.sh']) fs.chmodSync(path.join(dir, 'x.sh'), 0o755);
      const r = ppFile(dir, 'main.conf');
      assert.deepEqual(words(r), c.lines);
      assert.deepEqual(messages(r), c.msgs);
      assert.equal(exitCodeFor(r.diagnostics), c.exit);
      for (const d of r.diagnostics) assert.ok(d.pos, `${d.message} has a position`);
      if (c.oracle && KEEPALIVED) {
        const file = path.join(dir, 'main.conf');
        const ka = runKeepalived(file, 'idX', true);
        assert.deepEqual(predict(r), ka.lines);
        assert.equal(ka.rc === 0 ? 0 : ka.rc, exitCodeFor(r.diagnostics) === 0 ? (ka.lines.length ? 5 : 0)
          : exitCodeFor(r.diagnostics));
      }
    });
  }

  it('positions: included lines carry their own file, line and column', () => {
    const dir = scratch({ 'main.conf': 'm1\n  include sub/a.conf\n', 'sub/a.conf': '\n   x y\n' });
    const r = ppFile(dir, 'main.conf');
    assert.deepEqual(r.lines[1]!.pos, { file: 'sub/a.conf', line: 2, col: 4 });
    assert.deepEqual(r.lines[1]!.words[1]!.pos, { file: 'sub/a.conf', line: 2, col: 6 });
    assert.equal(r.lines[1]!.showFile, true);
    assert.equal(r.lines[0]!.showFile, undefined);
    assert.deepEqual(r.files, [path.join(dir, 'main.conf'), path.join(dir, 'sub/a.conf')]);
    assert.deepEqual(r.fileNames, [path.join(dir, 'main.conf'), 'sub/a.conf']);
  });

  it('${_PWD} is the (real) directory of the file being read', () => {
    const dir = scratch({ 'main.conf': 'k ${_PWD}\ninclude sub/a.conf\n', 'sub/a.conf': 'a ${_PWD}\n' });
    const real = fs.realpathSync(dir);
    assert.deepEqual(words(ppFile(dir, 'main.conf')), [['k', real], ['a', path.join(real, 'sub')]]);
  });

  it('preprocessText resolves includes relative to dirname(fileName)', () => {
    const dir = scratch({ 'inc.conf': 'i1\n' });
    const r = preprocessText('t1\ninclude inc.conf\n', path.join(dir, 'virtual.conf'), OPTS);
    assert.deepEqual(words(r), [['t1'], ['i1']]);
  });

  it('missing main file is fatal', () => {
    const dir = scratch();
    const r = preprocessFile(path.join(dir, 'nope.conf'), OPTS);
    assert.equal(r.lines.length, 0);
    assert.equal(r.diagnostics[0]!.code, 'KA_CONFIG_FILE_MISSING');
    assert.equal(exitCodeFor(r.diagnostics), 4);
  });

  it('include_check in the config makes later plain includes strict; restored at file end', () => {
    const dir = scratch({
      'main.conf': 'global_defs {\n include g.conf\n}\ninclude missing1.conf\n',
      'g.conf': 'include_check\ninclude missing0.conf\n',
    });
    const r = ppFile(dir, 'main.conf');
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.message]), [
      ['security', "Config files missing 'missing0.conf'."],
      ['info', "Config files missing 'missing1.conf'."],
    ]);
  });

  it('opts.includeCheck makes plain includes strict', () => {
    const dir = scratch({ 'main.conf': 'include missing.conf\n' });
    const r = ppFile(dir, 'main.conf', { includeCheck: { read: true, match: true, wildcardMatch: true, braceMatch: true } });
    assert.equal(exitCodeFor(r.diagnostics), 6);
  });
});
