// Every keyword table of keepalived 2.2.7's blocks by block name (the blocks of
// test/corpus/keywords-2.2.7.json and of the keyword ledger).
import type { KeywordTable } from '../schema.js';
import type { LedgerBlock } from '../ledger-types.js';
import { topTable } from './top.js';
import { globalDefsTable } from './global-defs.js';
import { vrrpInstanceTable, authTable } from './vrrp-instance.js';
import { vrrpScriptTable, syncGroupTable, trackFileTable, trackProcessTable } from './vrrp-blocks.js';
import { virtualServerTable, realServerTable } from './lvs.js';
import { checkerTables } from './checkers.js';

export const BLOCK_TABLES: Readonly<Record<LedgerBlock, KeywordTable>> = {
  top: topTable, global_defs: globalDefsTable, vrrp_instance: vrrpInstanceTable, authentication: authTable,
  vrrp_script: vrrpScriptTable, vrrp_sync_group: syncGroupTable, track_file: trackFileTable,
  vrrp_track_process: trackProcessTable, virtual_server: virtualServerTable,
  real_server: realServerTable, url: checkerTables.HTTP_GET.index.get('url')!.table!, ...checkerTables,
};
