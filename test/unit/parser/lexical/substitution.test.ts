// $DEFS, @ID conditionals, ~SEQ/~LST, brace splitting and word splitting as tables, including the
// [tested] examples of the features doc (§1.1-1.5), plus source positions through expansion.
import assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import { cleanupScratch, pp, ppCases, words, type PpCase } from './helpers.js';

const defs: PpCase[] = [
  ['$NAME before space, tab, comma, ) and end', '$A=v\nk $A x\t$A\t$A,y ($A) $A\n', [['k', 'v', 'x', 'v', 'v,y', '(v)', 'v']]],
  ['not replaced before other characters', '$A=v\n$Y=y\n$Z=z\nk $A$Y $Z/24 r$A-x "$A"\n', [['k', '$Ay', '$Z/24', 'r$A-x', '$A']]],
  ['${NAME} anywhere', '$A=v\nk a${A}b "${A}"\n', [['k', 'avb', 'v']]],
  ['undefined names left verbatim', 'k $U $\n', [['k', '$U', '$']]],
  ['undefined ${U}: its { splits the line', 'k ${U}\n', [['k', '$'], ['{'], ['U'], ['}']]],
  ['space before = is not a definition', '$A =v\n', [['$A', '=v']]],
  ['blanks after = skipped, empty value allowed', '$A=   v w\n$E=\nk $A [$E] [${E}]\n', [['k', 'v', 'w', '[$E]', '[]']]],
  ['redefinition seen by later lines', '$A=1\nk $A\n$A=2\nk $A\n', [['k', '1'], ['k', '2']]],
  ['recursive at use time', '$A=${B}x\n$B=1\nk $A\n$B=2\nk $A\n', [['k', '1x'], ['k', '2x']]],
  ['value holding a definition', '$D=$E=3\n$D\nk $E\n', [['k', '3']]],
  ['value holding an @id line', '$I=@idX k kept\n$I\n$J=@idY k dropped\n$J\n', [['k', 'kept']]],
  ['multi-line definition expands to several lines at end of line', '$M=a \\\n  b\\\n  c\nk $M\n', [['k', 'a'], ['b'], ['c']]],
  ['multi-line definition not at end of line is not replaced', '$M=a \\\n b\nk $M x\n', [['k', '$M', 'x']]],
  ['blank line ends a multi-line definition', '$M=a \\\n b \\\n\nk $M\n', [['k', 'a'], ['b']]],
  ['comment lines do not end it', '$M=a \\\n# c\n b\nk $M\n', [['k', 'a'], ['b']]],
  ['nested multi-line definitions', '$N=n1 \\\n n2\n$M=m1 \\\n $N\nk $M\nz\n', [['k', 'm1'], ['n1'], ['n2'], ['z']]],
  ['predefined ${_INSTANCE} ${_HASH} ${_BANG}', 'k "${_HASH}x${_BANG}y@${_INSTANCE}"\n', [['k', '#x!y@idX']]],
  ['_HASH unquoted starts a comment after substitution', 'notification_email_from ${_HASH}x\n', [['notification_email_from']]],
  ['${_RANDOM MIN MAX}', 'k ${_RANDOM 5 5}\nk ${_RANDOM}\n', [['k', '5'], ['k', String(846930886 % 32768)]]], // glibc random() after srandom(1): 1804289383, 846930886
  ['2.2.7 bug: ${_RANDOM a b} mid-line garbles the rest', 'k "${_RANDOM 5 5} abc def"\n', [['k', '5 _RANDOM 5 5} abc def']]],
  ['_ENV does not exist in 2.2.7 and its { splits the line', 'smtp_helo_name ${_ENV H}\n', [['smtp_helo_name', '$'], ['{'], ['_ENV', 'H'], ['}']]],
  ['predefined names can be overridden', '$_HASH=h\nk ${_HASH}\n', [['k', 'h']]],
  ['no general line continuation', 'router_id \\\nR1\n', [['router_id\\'], ['R1']]],
  ['line too long after substitution', '$A=' + 'x'.repeat(600) + '\nk $A $A\n', [['k', 'x'.repeat(600), '$A']],
    [`Parameter substitution on line 'k ${'x'.repeat(600)} $A' would exceed maximum line length`]],
];

const cond: PpCase[] = [
  ['@ID kept when it matches, prefix removed', '@idX k a\n@idY k b\n', [['k', 'a']]],
  ['@^ID kept when it does not match', '@^idX k a\n@^idY k b\n', [['k', 'b']]],
  ['@ID alone drops the line', '@idX\n', []],
  ['@ID with tab', '@idX\tk a\n', [['k', 'a']]],
];

const gen: PpCase[] = [
  ['~SEQ(var, end)', '~SEQ(i,3) k$i\n', [['k1'], ['k2'], ['k3']]],
  ['~SEQ(var, end) with end < 0', '~SEQ(i,-2) k$i\n', [['k-1'], ['k-2']]],
  ['~SEQ(var, start, end) descending', '~SEQ(i,3,1) k$i\n', [['k3'], ['k2'], ['k1']]],
  ['~SEQ(var, start, step, end)', '~SEQ(i,0,5,12) k$i\n', [['k0'], ['k5'], ['k10']]],
  ['~SEQx prints lower-case hex', '~SEQx(i,9,11) k$i\n', [['k9'], ['ka'], ['kb']]],
  ['numbers use strtol base 0', '~SEQ(i,0x10,0x11) k$i\n~SEQ(i,010,9) o$i\n', [['k16'], ['k17'], ['o8'], ['o9']]],
  ['arguments may be $DEFS', '$N=2\n~SEQ(i,$N) k$i\n', [['k1'], ['k2']]],
  ['invalid values', '~SEQ(i,1,-1,3) k\n', [], ["Invalid ~SEQ values '~SEQ(i,1,-1,3) k'", "Invalid ~SEQ specification '~SEQ(i,1,-1,3) k'"]],
  ['~SEQx with a negative number', '~SEQx(i,-1,2) k\n', [], ["~SEQx is only valid for positive numbers '~SEQx(i,-1,2) k'", "Invalid ~SEQ specification '~SEQx(i,-1,2) k'"]],
  ['missing ) (2.2.7 message)', '~SEQ(i,1 k\n', [], ["~SEQ parameter strings too long '~SEQ(i,1 k'", "Invalid ~SEQ specification '~SEQ(i,1 k'"]],
  ['~LST(var, v1, ...)', '~LST(v, a, b) k$v\n', [['ka'], ['kb']]],
  ['~LST({a,b},{1,2},...) missing values blank', '~LST({P,Q},{1,2},{3}) k${P}-${Q}.\n', [['k1-2.'], ['k3-.']]],
  ['~LST too many values', '~LST({P},{1,2}) k\n', [], ["~LST specification has too many values '~LST({P},{1,2}) k'", "Invalid ~LST specification '~LST({P},{1,2}) k'"]],
  ['generators nest left to right (features doc example)', '~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(N,1,2) 192.168.${IP}.${IP1}${N}/24\n',
    [['192.168.10.11/24'], ['192.168.10.12/24'], ['192.168.20.41/24'], ['192.168.20.42/24']]],
  ['other ~ lines pass through without substitution', '$A=v\n~x $A\n', [['~x', '$A']]],
];

const braces: PpCase[] = [
  ['one keyword per line, braces split off', 'vrrp_instance VI_1 { state MASTER }\n', [['vrrp_instance', 'VI_1'], ['{'], ['state', 'MASTER'], ['}']]],
  ['brace splitting does not separate keywords', 'authentication { auth_type PASS auth_pass 1111 }\n',
    [['authentication'], ['{'], ['auth_type', 'PASS', 'auth_pass', '1111'], ['}']]],
  ['braces inside quotes stay', 'k "{a}" b\n', [['k', '{a}', 'b']]],
  ['unmatched quote before a brace: no split', 'k "a { b\n', [['k']], ["Unterminated quote 'k \"a { b'", "Unmatched quote: 'k \"a { b'"]],
  ['brace glued to words', 'k{a}b\n', [['k'], ['{'], ['a'], ['}'], ['b']]],
  ['extra } found', '}\n', [['}']], ["Extra '}' found"]],
  ['missing }', 'a {\n', [['a'], ['{']], ["There are 1 missing '}'s or extra '{'s"]],
];

const wordsCases: PpCase[] = [
  ['whitespace separators', 'a\tb\fc\vd  e\n', [['a', 'b', 'c', 'd', 'e']]],
  ['quoted string one word, no escapes', 'k "a b\\n c"\n', [['k', 'a b\\n c']]],
  ['quote ends an unquoted word', 'a"b c"d e\n', [['a', 'b c', 'd', 'e']]],
  ['single quotes not special', "router_id 'a b'\n", [['router_id', "'a", "b'"]]],
  ['empty quoted word', 'k "" x\n', [['k', '', 'x']]],
];

function table(title: string, cases: PpCase[]): void {
  describe(title, () => ppCases(cases));
}

describe('preprocessor: tables', () => {
  after(cleanupScratch);
  table('$DEFS', defs);
  table('@ID conditionals', cond);
  table('~SEQ / ~LST', gen);
  table('brace splitting', braces);
  table('word splitting', wordsCases);

  it('features doc example: $IF and multi-line $VIPS give 3 VIPs on eth0', () => {
    const r = pp([
      '$IF=eth0', '$VIPS= \\', '   192.168.200.101/24 \\', '   192.168.200.102/24', 'vrrp_instance VI_A {', '  interface ${IF}',
      '  virtual_ipaddress { 192.168.200.100/24 dev $IF', '    $VIPS', '  }', '}', '',
    ].join('\n'));
    assert.deepEqual(words(r), [
      ['vrrp_instance', 'VI_A'], ['{'], ['interface', 'eth0'], ['virtual_ipaddress'], ['{'], ['192.168.200.100/24', 'dev', 'eth0'],
      ['192.168.200.101/24'], ['192.168.200.102/24'], ['}'], ['}'],
    ]);
  });

  it('positions: words from a $DEF take the position of the reference', () => {
    const r = pp('$A=x y\n  k  $A z\n');
    const l = r.lines[0]!;
    assert.deepEqual(l.pos, { file: l.pos.file, line: 2, col: 3 });
    assert.deepEqual(l.words.map((w) => [w.text, w.pos.line, w.pos.col]), [['k', 2, 3], ['x', 2, 6], ['y', 2, 6], ['z', 2, 9]]);
  });

  it('positions: multi-line expansions', () => {
    const r = pp('$M=a \\\n b\nk x  $M\n');
    assert.deepEqual(r.lines.map((l) => l.words.map((w) => [w.text, w.pos.line, w.pos.col])), [
      [['k', 3, 1], ['x', 3, 3], ['a', 3, 6]],
      [['b', 3, 6]],
    ]);
  });

  it('positions: brace residue and generated lines', () => {
    const r = pp('x {  y }\n~SEQ(i,1,2) k$i\n');
    assert.deepEqual(r.lines.map((l) => [l.text, l.pos.line, l.pos.col]), [
      ['x', 1, 1], ['{', 1, 3], ['y', 1, 6], ['}', 1, 8], ['k1', 2, 13], ['k2', 2, 13],
    ]);
  });

  it('positions: \\# shifts later columns', () => {
    const r = pp('k \\#x  y\n');
    assert.deepEqual(r.lines[0]!.words.map((w) => [w.text, w.pos.col]), [['k', 1], ['#x', 3], ['y', 8]]);
  });

  it('an escaped \\# becomes a comment again after a substitution (re-decomment)', () => {
    assert.deepEqual(words(pp('$A=v\nk \\#x $A\n')), [['k']]);
  });

  it('every diagnostic has a position', () => {
    const r = pp('a "b\n}\n~SEQ(i) k\n~LST(x\n$A=' + 'y'.repeat(900) + '\nk $A $A\nk {\n');
    assert.ok(r.diagnostics.length >= 5);
    for (const d of r.diagnostics) assert.ok(d.pos && d.pos.line >= 1 && d.pos.col >= 1, d.message);
  });

  it('each message is placed before the line it concerns', () => {
    const r = pp('a\n}\nb "c\n');
    assert.deepEqual(r.diagnostics.map((d) => [d.message, d.before]), [
      ["Extra '}' found", 1],
      ["Unterminated quote 'b \"c'", 2],
      ["Unmatched quote: 'b \"c'", 2],
    ]);
  });
});
