// url regex as keepalived 2.2.7 applies it (check_http.c check_regex): the subject is the whole
// response (status line and headers included), regex_options map PCRE2 options onto RegExp,
// regex_min_offset / regex_max_offset bound where a match may start; plus the parser's 2.2.7 lines.
import { strict as assert } from 'node:assert';
import { compileUrlRegex } from '../../../src/check/probes/regex.js';
import { judge } from '../../../src/check/probes/http.js';
import { parseHead } from '../../../src/check/probes/http-client.js';
import { parseConfigText } from '../../../src/config/load.js';

const RESP = Buffer.from('HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 12\r\n\r\nhello world\n', 'latin1');
type Extra = Partial<{ options: string[]; minOffset: number; maxOffset: number }>;
const m = (pattern: string, extra: Extra = {}): boolean =>
  compileUrlRegex({ pattern, ...extra }).test(RESP);

describe('check: url regex (PCRE2 semantics on RegExp)', () => {
  it('the subject starts at the status line: headers match, ^ is the start of the response', () => {
    assert.equal(m('^HTTP/1\\.1 200'), true);
    assert.equal(m('Server: nginx'), true);
    assert.equal(m('^hello'), false);
    assert.equal(m('^hello', { options: ['multiline'] }), true);
  });

  it('options: caseless, dotall, extended, ungreedy, firstline, dollar_endonly', () => {
    assert.equal(m('SERVER: NGINX'), false);
    assert.equal(m('SERVER: NGINX', { options: ['caseless'] }), true);
    assert.equal(m('OK.Server'), false);
    assert.equal(m('OK..Server', { options: ['dotall'] }), true);
    assert.equal(m('hel lo \\  world # a comment', { options: ['extended'] }), true);
    assert.equal(m('hel+o', { options: ['ungreedy'] }), true, 'greediness never changes whether a match exists');
    assert.equal(m('nginx', { options: ['firstline'] }), false);
    assert.equal(m('HTTP', { options: ['firstline'] }), true);
    // PCRE2's default $ also matches before a final newline; dollar_endonly does not
    assert.equal(m('world$'), true);
    assert.equal(m('world$', { options: ['dollar_endonly'] }), false);
  });

  it('offsets: a match must start within [min, max] (bytes from the response start)', () => {
    const at = RESP.indexOf('hello');
    assert.equal(m('hello', { minOffset: at }), true);
    assert.equal(m('hello', { minOffset: at + 1 }), false);
    assert.equal(m('hello', { maxOffset: at }), true);
    assert.equal(m('hello', { maxOffset: at - 1 }), false);
    assert.equal(m('(?<=\\n)hello', { minOffset: at }), true, 'lookbehind may look before min');
  });

  it('judge: regex on the raw response; regex_no_match inverts; an invalid pattern never matches', () => {
    const r = { raw: RESP, ...parseHead(RESP)! };
    assert.deepEqual(judge({ path: '/', regex: 'Server: nginx' }, r), { ok: true, text: 'Regex match' });
    assert.deepEqual(judge({ path: '/', regex: 'Server: nginx', regexNoMatch: true }, r), { ok: false, why: 'text', text: 'Regex match failed' });
    assert.deepEqual(judge({ path: '/', regex: '(' }, r), { ok: false, why: 'text', text: 'Regex match failed' });
  });

  it('parser: options, offsets and stack kept; 2.2.7\'s lines for misuse', () => {
    const conf = (url: string): ReturnType<typeof parseConfigText> => parseConfigText(`virtual_server 10.0.0.1 80 {
  real_server 10.0.0.2 80 {
    HTTP_GET {
      url {
        path /
${url}
      }
    }
  }
}
`, 'rx.conf', { configId: 'x', skipScriptSecurity: true });
    const u = (r: ReturnType<typeof parseConfigText>) => { const c = r.config.virtualServers[0]!.realServers[0]!.checkers[0]!; return c.type === 'HTTP_GET' ? c.urls[0]! : undefined; };
    const ok = conf('regex abc\nregex_options caseless nosuch dotall\nregex_min_offset 3\nregex_max_offset 9\nregex_stack 100 200');
    assert.deepEqual(u(ok), { path: '/', regex: 'abc', regexOptions: ['caseless', 'dotall'], regexMinOffset: 3, regexMaxOffset: 9, regexStack: [100, 200] });
    const lines = (r: ReturnType<typeof parseConfigText>) => r.diagnostics.map((d) => d.message);
    const noRegex = conf('regex_options caseless');
    assert.ok(lines(noRegex).includes('regex parameters specified without regex'));
    assert.equal(u(noRegex)!.regexOptions, undefined);
    const order = conf('regex abc\nregex_min_offset 9\nregex_max_offset 3');
    assert.ok(lines(order).includes('regex min offset 9 > regex_max_offset 3 - ignoring'));
    assert.ok(lines(conf('regex abc\nregex_stack 5 1')).includes('regex stack start cannot exceed max value'));
  });
});
