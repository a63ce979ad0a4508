// The keyword ledger (src/parser/ledger.ts): every keyword of keepalived 2.2.7 is in exactly one of
// its two lists; an implemented keyword names a test that exists; a not-implemented keyword gets
// the warning under -t at each use (one generated config per block, every such keyword of the
// block in it), after keepalived's own lines, without changing anything else -t prints or its exit
// code. The README's "Not implemented" list is the one the ledger generates.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { LEDGER } from '../../../src/parser/ledger.js';
import { NOT_IMPLEMENTED_CODE, isNotImplementedWarning, type LedgerBlock, type LedgerKey } from '../../../src/parser/ledger-types.js';
import { BLOCK_TABLES } from '../../../src/parser/keywords/tables.js';
import { parseConfigText } from '../../../src/config/load.js';
import { configTestLines } from '../../../src/parser/configtest.js';
import { readmeSection, replaceSection } from '../../../src/parser/ledger-readme.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const known = JSON.parse(readFileSync(`${ROOT}test/corpus/keywords-2.2.7.json`, 'utf8')) as Record<LedgerBlock, string[]>;
const KEYS = Object.entries(known).flatMap(([b, kws]) => kws.map((k) => `${b}/${k}` as LedgerKey));
const BLOCKS = Object.keys(known) as LedgerBlock[];

/** Where a block's keywords are written: the lines around them (a block nested in its parents). */
const CK = (type: string) => (b: string[]): string[] => WRAP.real_server([`${type} {`, ...b, '}']);
const WRAP: Record<LedgerBlock, (body: string[]) => string[]> = {
  top: (b) => b,
  global_defs: (b) => ['global_defs {', ...b, '}'],
  vrrp_instance: (b) => ['vrrp_instance VI_L {', 'interface eth0', 'virtual_router_id 7', ...b, 'virtual_ipaddress {', '10.7.0.1', '}', '}'],
  authentication: (b) => WRAP.vrrp_instance(['authentication {', ...b, '}']),
  vrrp_script: (b) => ['vrrp_script S_L {', 'script /bin/true', ...b, '}'],
  vrrp_sync_group: (b) => ['vrrp_sync_group G_L {', ...b, '}'],
  track_file: (b) => ['track_file F_L {', 'file /tmp/ledger-test', ...b, '}'],
  vrrp_track_process: (b) => ['vrrp_track_process P_L {', ...b, '}'],
  virtual_server: (b) => ['virtual_server 10.7.0.1 80 {', ...b, '}'],
  real_server: (b) => WRAP.virtual_server(['real_server 10.7.0.2 80 {', ...b, '}']),
  url: (b) => WRAP.HTTP_GET(['url {', 'path /', ...b, '}']),
  TCP_CHECK: CK('TCP_CHECK'), HTTP_GET: CK('HTTP_GET'), SSL_GET: CK('SSL_GET'), MISC_CHECK: CK('MISC_CHECK'), SMTP_CHECK: CK('SMTP_CHECK'),
  DNS_CHECK: CK('DNS_CHECK'), UDP_CHECK: CK('UDP_CHECK'), PING_CHECK: CK('PING_CHECK'), FILE_CHECK: CK('FILE_CHECK'), BFD_CHECK: CK('BFD_CHECK'),
};

/** A use of each keyword: a block opens and closes at once, a value keyword gets one word. */
function useOf(block: LedgerBlock, kw: string): string[] {
  const def = BLOCK_TABLES[block].index.get(kw)!;
  return def.block ? [`${kw} x {`, '}'] : [`${kw} 1`];
}

const notImplemented = (block: LedgerBlock): string[] => known[block].filter((k) => LEDGER[`${block}/${k}`]?.status === 'not-implemented');

describe('parser: the keyword ledger', () => {
  it('holds every keyword of keepalived 2.2.7 exactly once, and nothing else, sorted', () => {
    assert.equal(KEYS.length, 451);
    const keys = Object.keys(LEDGER);
    assert.deepEqual([...keys].sort(), [...KEYS].sort());
    assert.deepEqual(keys, [...keys].sort(), 'entries are sorted by key');
  });

  it('an implemented keyword names at least one test that exists (file and title)', () => {
    const bad: string[] = [];
    for (const [k, e] of Object.entries(LEDGER)) {
      if (e.status !== 'implemented') continue;
      assert.ok(e.tests.length > 0, k);
      for (const t of e.tests) {
        // a test file, or a scenario folder's events.jsonl (run by test/unit/vrrp/scenarios.test.ts or
        // test/unit/check/scenarios.test.ts; its title in line 1)
        const isTest = /\.test\.ts$/.test(t.file) || /^test\/unit\/(vrrp|check)\/scenarios\/[^/]+\/events\.jsonl$/.test(t.file);
        if (!t.file.startsWith('test/') || !isTest || !existsSync(`${ROOT}${t.file}`)) { bad.push(`${k}: no test file ${t.file}`); continue; }
        if (t.title.length < 5 || !readFileSync(`${ROOT}${t.file}`, 'utf8').includes(t.title)) bad.push(`${k}: ${t.file} has no test titled ...${t.title}...`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('a not-implemented keyword has a one-line reason', () => {
    for (const [k, e] of Object.entries(LEDGER)) {
      if (e.status === 'not-implemented') assert.ok(e.reason.length > 5 && !e.reason.includes('\n'), k);
    }
  });

  for (const block of BLOCKS) {
    const kws = notImplemented(block);
    if (!kws.length) continue;
    it(`${block}: each use of its ${kws.length} not-implemented keywords is warned about under -t, after keepalived's lines, exit code unchanged`, () => {
      const body: string[] = [];
      const at = new Map<string, number>();
      for (const kw of kws) body.push(...useOf(block, kw));
      const text = WRAP[block](body);
      // Line numbers of the keyword lines.
      const wrapped = WRAP[block](['@@BODY@@']);
      const start = wrapped.indexOf('@@BODY@@');
      let line = start + 1;
      for (const kw of kws) { at.set(kw, line); line += useOf(block, kw).length; }
      const src = `${text.join('\n')}\n`;
      const opts = { configId: 'x', interfaces: new Set(['lo', 'eth0']), skipScriptSecurity: true } as const;
      const r = parseConfigText(src, 'ledger.conf', opts);
      // (the lines around the body may use not-implemented keywords of the outer blocks)
      const inBody = (l: number | undefined): boolean => l !== undefined && l > start && l <= start + body.length;
      const warned = r.diagnostics.filter((d) => isNotImplementedWarning(d) && inBody(d.pos?.line));
      assert.deepEqual(warned.map((d) => [d.message.match(/keyword '([^']+)'/)?.[1], d.pos?.line]), kws.map((k) => [k, at.get(k)]), src);
      for (const d of warned) {
        assert.equal(d.severity, 'info');
        assert.equal(d.code, NOT_IMPLEMENTED_CODE);
        const e = LEDGER[`${block}/${d.message.match(/keyword '([^']+)'/)![1]}` as LedgerKey];
        assert.ok(e?.status === 'not-implemented' && d.message.endsWith(e.reason));
      }
      // -t: the warnings come last, with the position; nothing else changes, nor the exit code.
      const lines = configTestLines(r.diagnostics);
      const first = lines.findIndex((l) => l.code === NOT_IMPLEMENTED_CODE);
      assert.ok(lines.slice(first).every((l) => l.code === NOT_IMPLEMENTED_CODE));
      const ours = lines.slice(first).filter((l) => inBody(Number(/:(\d+):\d+\]$/.exec(l.text)?.[1])));
      assert.deepEqual(ours.map((l) => l.text), kws.map((kw, i) => `${warned[i]!.message}\t[ledger.conf:${at.get(kw)}:1]`));
      const without = parseConfigText(src, 'ledger.conf', { ...opts, ledger: () => undefined });
      assert.equal(r.exitCode, without.exitCode);
      assert.deepEqual(lines.slice(0, first), configTestLines(without.diagnostics));
    });
  }

  it('a config using only not-implemented keywords passes -t: exit 0, only the warnings', () => {
    const r = parseConfigText('global_defs {\n  enable_snmp_vrrp\n}\nbfd_instance b {\n}\n', '/etc/k.conf', { configId: 'x' });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(configTestLines(r.diagnostics).map((l) => l.text), [
      `WARNING - keyword 'enable_snmp_vrrp' is not implemented by keepalived-ts: SNMP is not implemented\t[/etc/k.conf:2:3]`,
      "WARNING - keyword 'bfd_instance' is not implemented by keepalived-ts: BFD is not implemented\t[/etc/k.conf:4:1]",
    ]);
    // Without positions (and in the daemon's log) the place goes in front, as keepalived's own lines.
    assert.equal(configTestLines(r.diagnostics, { positions: false })[0]!.text,
      "(/etc/k.conf: Line 2) WARNING - keyword 'enable_snmp_vrrp' is not implemented by keepalived-ts: SNMP is not implemented");
  });

  it('a value that is not implemented (auth_type AH) gets the same warning, with its place', () => {
    const r = parseConfigText('vrrp_instance A {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type AH\n  auth_pass x\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n', 'ah.conf', { configId: 'x', interfaces: new Set(['eth0']) });
    const w = r.diagnostics.filter(isNotImplementedWarning);
    assert.deepEqual(w.map((d) => [d.message, d.pos?.line]), [[
      "WARNING - 'auth_type AH' is not implemented by keepalived-ts: IPsec AH authentication is not implemented (adverts carry auth type 2 without an AH header)", 5,
    ]]);
    assert.equal(r.exitCode, 0);
  });

  it("the README's list of what is not implemented is the one the ledger generates (npm run ledger:readme)", () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    assert.equal(replaceSection(readme, readmeSection()), readme, 'README.md is out of date: run `npm run ledger:readme`');
  });
});
