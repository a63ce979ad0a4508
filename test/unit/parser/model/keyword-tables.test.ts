// The keyword tables hold exactly the keywords keepalived 2.2.7 knows, block by block.
// test/corpus/keywords-2.2.7.json was harvested from the real binary (every candidate word put in
// each block of a config and run through `keepalived -t`; the ones not reported as "Unknown
// keyword" are the block's keywords). Also checks the tables' data shape: priorities, aliases.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { topTable } from '../../../../src/parser/keywords/top.js';
import { globalDefsTable } from '../../../../src/parser/keywords/global-defs.js';
import { vrrpInstanceTable, authTable } from '../../../../src/parser/keywords/vrrp-instance.js';
import { vrrpScriptTable, syncGroupTable, trackFileTable, trackProcessTable } from '../../../../src/parser/keywords/vrrp-blocks.js';
import { virtualServerTable, realServerTable } from '../../../../src/parser/keywords/lvs.js';
import { checkerTables } from '../../../../src/parser/keywords/checkers.js';
import type { KeywordTable } from '../../../../src/parser/schema.js';

const known = JSON.parse(readFileSync(new URL('../../../corpus/keywords-2.2.7.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const url = checkerTables.HTTP_GET.index.get('url')!.table!;
const TABLES: Record<string, KeywordTable> = {
  top: topTable, global_defs: globalDefsTable, vrrp_instance: vrrpInstanceTable, authentication: authTable, vrrp_script: vrrpScriptTable,
  vrrp_sync_group: syncGroupTable, track_file: trackFileTable, vrrp_track_process: trackProcessTable, virtual_server: virtualServerTable,
  real_server: realServerTable, url, ...checkerTables,
};

describe('parser: keyword tables vs keepalived 2.2.7', () => {
  for (const [block, t] of Object.entries(TABLES)) {
    it(`${block}: same keyword set as 2.2.7 (${known[block]?.length ?? 0} keywords)`, () => {
      assert.ok(known[block], `no harvested list for ${block}`);
      assert.deepEqual([...t.index.keys()].sort(), [...known[block]!].sort());
    });
  }
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
