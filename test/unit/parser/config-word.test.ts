// One spelling of configuration words for every writer (src/parser/config-word.ts): each tricky word
// either reads back unchanged through our parser, as the canonical printer's output, and through the
// real keepalived 2.2.7 (`keepalived -t`, which names the first word of every line it cannot use:
// "Unknown keyword '<word>'"), or is refused with a reason that the naive quoting "<word>" proves real.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import { quoteQuotedEscaped, spellWord, quoteWord } from '../../../src/parser/config-word.js';
import { parseConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/parser/index.js';
import { KEEPALIVED, runKeepalived } from './lexical/oracle.js';
import { cleanupScratch, scratch } from './lexical/helpers.js';
import { TRICKY_WORDS } from './config-words.js';

const FILE = '/nonexistent/keepalived.conf';
const routerId = (text: string): string | undefined => parseConfigText(`global_defs {\n    router_id ${text}\n}\n`, FILE).config?.global.routerId;

describe('config words: one spelling that reads back', () => {
  for (const w of TRICKY_WORDS) {
    const s = spellWord(w);
    it(`${JSON.stringify(w)} -> ${s.ok ? s.text : `not writable (${s.reason})`}`, () => {
      if (!s.ok) {
        assert.throws(() => quoteWord(w), RangeError);
        // the naive quoting does not read back as the word, or only with a config error
        const r = parseConfigText(`global_defs {\n    router_id "${w}"\n}\n`, FILE);
        assert.ok(r.config?.global.routerId !== w || r.diagnostics.some((d) => d.severity === 'error'), `"${w}" reads back fine`);
        return;
      }
      // as a keyword's argument and as the first word of a line (a notification_email entry)
      assert.equal(routerId(s.text), w);
      const first = spellWord(w, 'first');
      if (!first.ok) { assert.ok(w === '{' || w === '}'); return; }
      const r = parseConfigText(`global_defs {\n    notification_email {\n        ${first.text}\n    }\n}\n`, FILE);
      assert.deepEqual(r.config?.global.notificationEmail, [w]);
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    });
  }

  it('the printer writes every writable word so that it reads back (router_id, notification_email, label)', () => {
    for (const w of TRICKY_WORDS) {
      const s = spellWord(w, 'first');
      if (!s.ok || w === '') continue;
      const r = parseConfigText(
        `global_defs {\n router_id ${s.text}\n notification_email {\n  ${s.text}\n }\n}\nstatic_ipaddress {\n 10.0.0.1/24 dev lo label ${s.text}\n}\n`,
        FILE, { skipScriptSecurity: true });
      const again = parseConfigText(printConfig(r.config!), FILE, { skipScriptSecurity: true }).config!;
      assert.equal(again.global.routerId, w, printConfig(r.config!));
      assert.deepEqual(again.global.notificationEmail, [w]);
      assert.equal(again.staticIpaddress[0]?.label, w);
    }
  });
});

describe('regex: read as keepalived 2.2.7 regex_handler reads it (alloc_strvec_quoted_escaped, exactly 2 words)', () => {
  const regexOf = (line: string) => {
    const r = parseConfigText(`virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n   url {\n    path /\n    ${line}\n   }\n  }\n }\n}\n`, FILE);
    return { regex: r.config?.virtualServers[0]?.realServers[0]?.checkers[0]?.type === 'HTTP_GET' ? (r.config.virtualServers[0].realServers[0].checkers[0] as { urls: { regex?: string }[] }).urls[0]?.regex : 'no checker', diags: r.diagnostics.map((d) => d.message) };
  };
  it('escapes are processed, in quotes and out', () => {
    assert.equal(regexOf('regex "a\\\\d+"').regex, 'a\\d+');
    assert.equal(regexOf('regex a\\d').regex, 'ad');
    assert.equal(regexOf("regex 'x y'").regex, 'x y');
  });
  it('more or fewer than one pattern: ignored with keepalived\'s line', () => {
    const r = regexOf('regex "a b" c');
    assert.equal(r.regex, undefined);
    assert.ok(r.diags.includes('regex missing or too many fields'));
  });
  it('the printer writes it back with the same rules', () => {
    for (const p of ['a\\d+', 'x "y" \\', '$_PWD {}#!', "it's"]) {
      const line = `regex ${quoteQuotedEscaped(p)}`;
      assert.equal(regexOf(line).regex, p, line);
    }
  });
});

describe('config words vs keepalived 2.2.7 (-t)', function () {
  this.timeout(20000);
  after(cleanupScratch);
  if (!KEEPALIVED) { it.skip('keepalived binary not installed'); return; }

  const ws = TRICKY_WORDS.filter((w) => !/[\f\v]/.test(w));
  /** keepalived's messages for line `i` (1-based) of its output. */
  const at = (out: string[], i: number): string[] => out.filter((l) => l.startsWith(`(Line ${i}) `)).map((l) => l.slice(`(Line ${i}) `.length));

  it('as the first word of a line: writable words read back ("Unknown keyword"), refused ones do not with "<word>"', () => {
    // (a brace at top level is an unknown keyword either way: the next test shows why it is refused)
    const ws = TRICKY_WORDS.filter((w) => !/[\f\v]/.test(w) && w !== '{' && w !== '}');
    const lines = ws.map((w) => { const s = spellWord(w, 'first'); return `${s.ok ? s.text : `"${w}"`} x`; });
    const dir = scratch({ 'keepalived.conf': `${lines.join('\n')}\n` });
    const out = runKeepalived(path.join(dir, 'keepalived.conf'), 'idX').lines;
    ws.forEach((w, i) => {
      const mine = at(out, i + 1);
      if (spellWord(w, 'first').ok) assert.deepEqual(mine, [`Unknown keyword '${w}'`], `${JSON.stringify(w)}: ${lines[i]}`);
      else assert.notDeepEqual(mine, [`Unknown keyword '${w}'`], `${JSON.stringify(w)} refused, yet "${w}" reads back`);
    });
  });

  it('a quoted brace that starts a line of a list block closes or opens a block', () => {
    const dir = scratch({ 'keepalived.conf': 'global_defs {\n  notification_email {\n    "}"\n    "{"\n  }\n}\n' });
    const out = runKeepalived(path.join(dir, 'keepalived.conf'), 'idX').lines;
    assert.deepEqual(at(out, 3), ['Warning - empty notification_email block']);
    assert.deepEqual(at(out, 4), ["Unexpected '{' - ignoring"]);
  });

  it('as an argument (smtp_alert WORD names it): writable words read back, refused ones do not with "<word>"', () => {
    const lines = ws.map((w) => { const s = spellWord(w); return `    smtp_alert ${s.ok ? s.text : `"${w}"`}`; });
    const dir = scratch({ 'keepalived.conf': `global_defs {\n${lines.join('\n')}\n}\n` });
    const out = runKeepalived(path.join(dir, 'keepalived.conf'), 'idX').lines;
    const invalid = (w: string): string => `Invalid value '${w}' for global smtp_alert specified`;
    ws.forEach((w, i) => {
      const mine = at(out, i + 2);
      if (spellWord(w).ok) assert.deepEqual(mine, [invalid(w)], `${JSON.stringify(w)}: ${lines[i]}`);
      else assert.notDeepEqual(mine, [invalid(w)], `${JSON.stringify(w)} refused, yet "${w}" reads back`);
    });
  });
});
