// The keyword tables hold exactly the keywords keepalived 2.2.7 knows, block by block.
// test/corpus/keywords-2.2.7.json was harvested from the real binary (every candidate word put in
// each block of a config and run through `keepalived -t`; the ones not reported as "Unknown
// keyword" are the block's keywords). Also checks the tables' data shape: priorities, aliases.
// Project extensions (KeywordDef.extension: the SMTP alerter's smtp_auth_user/pass, smtp_starttls,
// smtp_tls_verify in global_defs) are accounted for explicitly: listed here, absent from 2.2.7.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { topTable } from '../../../../src/parser/keywords/top.js';
import { globalDefsTable, EXTENSION_KEYWORDS } from '../../../../src/parser/keywords/global-defs.js';
import { parseConfigText } from '../../../../src/config/load.js';
import { vrrpInstanceTable, authTable } from '../../../../src/parser/keywords/vrrp-instance.js';
import { vrrpScriptTable, syncGroupTable, trackFileTable, trackProcessTable } from '../../../../src/parser/keywords/vrrp-blocks.js';
import { virtualServerTable, realServerTable } from '../../../../src/parser/keywords/lvs.js';
import { checkerTables } from '../../../../src/parser/keywords/checkers.js';
import type { KeywordTable } from '../../../../src/parser/schema.js';

const known = JSON.parse(readFileSync(new URL('../../../corpus/keywords-2.2.7.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const url = checkerTables.HTTP_GET.index.get('url')!.table!;
const TABLES: Record<string, KeywordTable> = {
  top: topTable, global_defs: globalDefsTable, vrrp_instance: vrrpInstanceTable, authentication: authTable,
  vrrp_script: vrrpScriptTable,
  vrrp_sync_group: syncGroupTable, track_file: trackFileTable, vrrp_track_process: trackProcessTable,
  virtual_server: virtualServerTable,
  real_server: realServerTable, url, ...checkerTables,
};

/** The extensions we add beyond 2.2.7, block by block: the only allowed differences. */
const EXTENSIONS: Record<string, readonly string[]> = { global_defs: ['smtp_auth_pass', 'smtp_auth_user', 'smtp_starttls', 'smtp_tls_verify'] };

describe('parser: keyword tables vs keepalived 2.2.7', () => {
  for (const [block, t] of Object.entries(TABLES)) {
    it(`${block}: same keyword set as 2.2.7 (${known[block]?.length ?? 0} keywords) + ${EXTENSIONS[block]?.length ?? 0} extensions`, () => {
      assert.ok(known[block], `no harvested list for ${block}`);
      const names = [...t.index.keys()];
      const ext = names.filter((n) => t.index.get(n)!.extension);
      assert.deepEqual(names.filter((n) => !t.index.get(n)!.extension).sort(), [...known[block]!].sort());
      assert.deepEqual(ext.sort(), [...(EXTENSIONS[block] ?? [])].sort());
      for (const n of ext) assert.ok(!known[block]!.includes(n), `${n} is a 2.2.7 keyword, not an extension`);
    });
  }
  it('EXTENSION_KEYWORDS lists exactly the global_defs extensions', () => {
    assert.deepEqual([...EXTENSION_KEYWORDS].sort(), [...EXTENSIONS['global_defs']!].sort());
  });
  const EXT_CASES: { src: string; extra: Record<string, string[]> }[] = [
    { src: 'smtp_auth_user ka\nsmtp_auth_pass "s3 cret"', extra: { smtp_auth_user: ['ka'], smtp_auth_pass: ['s3 cret'] } },
    { src: 'smtp_starttls\nsmtp_tls_verify off', extra: { smtp_starttls: [], smtp_tls_verify: ['off'] } },
    { src: 'smtp_starttls on\nsmtp_tls_verify on', extra: { smtp_starttls: ['on'], smtp_tls_verify: ['on'] } },
    { src: 'smtp_starttls off', extra: { smtp_starttls: ['off'] } },
  ];
  for (const c of EXT_CASES) {
    it(`extension keywords parse into global.extra verbatim with an info note: ${c.src.replace(/\n/g, '; ')}`, () => {
      const r = parseConfigText(`global_defs {\n${c.src}\n}\n`, 'ext.conf', { configId: 'x' });
      assert.equal(r.exitCode, 0, JSON.stringify(r.diagnostics));
      assert.deepEqual(r.config.global.extra, c.extra);
      assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
      const notes = r.diagnostics.filter((d) => d.code === 'KPB_EXTENSION_KEYWORD');
      assert.equal(notes.length, Object.keys(c.extra).length);
      for (const d of notes) assert.equal(d.message, 'extension keyword (keepalived-ts)');
      assert.ok(!r.diagnostics.some((d) => /Unknown keyword/.test(d.message)));
    });
  }
  it('smtp_auth_user without a value is a missing parameter (as keepalived string keywords)', () => {
    const r = parseConfigText('global_defs {\nsmtp_auth_user\n}\n', 'ext.conf', { configId: 'x' });
    assert.notEqual(r.exitCode, 0);
    assert.ok(r.diagnostics.some((d) => d.code === 'KA_CFG_MISSING_PARAMETER'));
  });
  it('aliases resolve to the same definition (lb_algo/lvs_sched, lb_kind/lvs_method, track_file/vrrp_track_file)', () => {
    assert.equal(virtualServerTable.index.get('lvs_sched'), virtualServerTable.index.get('lb_algo'));
    assert.equal(virtualServerTable.index.get('lvs_method'), virtualServerTable.index.get('lb_kind'));
    assert.equal(topTable.index.get('vrrp_track_file'), topTable.index.get('track_file'));
    assert.equal(vrrpInstanceTable.index.get('mcast_src_ip'), vrrpInstanceTable.index.get('unicast_src_ip'));
  });
  it('every keyword has a priority and block keywords have a table or item handler', () => {
    for (const t of Object.values(TABLES)) for (const k of t.keywords) {
      assert.ok(['P0', 'P1', 'P2'].includes(k.priority), k.name);
      if (k.block === 'keywords') assert.ok(k.table, k.name);
      if (k.block === 'lines' || k.block === 'words') assert.ok(k.item, k.name);
    }
  });
});
