// Keyword-table types: every block of keepalived.conf is described as DATA (name, aliases,
// argument shape, default, block kind, priority) plus a small handler that writes the typed model.
// The reader (reader.ts) walks ConfigLines with these tables; it owns the lexical/brace rules,
// the tables own what each keyword means.
import type { ConfigLine, Word } from './lines.js';
import type { DiagCode, SourcePos, Severity } from '../common/diagnostic.js';
import type { HostFacts } from '../host/facts.js';

/** P0 = must have, P1 = common, P2 = parsed and kept, behaviour not implemented yet. */
export type Priority = 'P0' | 'P1' | 'P2';

/** Documentation of argument types, also used by the printer/dump. */
export type ArgType = 'string' | 'int' | 'uint' | 'timer' | 'bool' | 'ip' | 'ifname' | 'script' | 'word' | 'rest' | 'none';

/**
 * How a keyword's sub-block is read:
 *  - 'keywords': a nested keyword table (process_stream with need_bob)
 *  - 'lines'   : a value block, one item per line (alloc_value_block: virtual_ipaddress, track_script ...)
 *  - 'words'   : a value block, every word is an item (notification_email, sync-group `group`)
 *  - 'raw'     : a P2 block kept verbatim (nested braces balanced), items go to `item` one line each
 */
export type BlockKind = 'keywords' | 'lines' | 'words' | 'raw';

/** What a handler sees: the words of the line and helpers that report in keepalived's wording. */
export interface KwArgs {
  readonly line: ConfigLine;
  readonly words: readonly Word[];
  /** Number of words including the keyword itself. */
  readonly size: number;
  /** Word text at index i; when absent, aborts the parse like keepalived's null_strvec (exit 2). */
  need(i: number): string;
  /** Word text at index i or undefined. */
  opt(i: number): string | undefined;
  /** Position of word i (or of the line). */
  pos(i?: number): SourcePos;
  /** Report a config error at this line (keepalived's report_config_error). */
  error(message: string, severity?: Severity, code?: DiagCode): void;
  /** Our own note that does not change the exit code. */
  info(message: string, code?: DiagCode): void;
  /** A value keepalived-ts does not implement: warned about like a not-implemented keyword (ledger-types.ts). */
  notImplemented(what: string, reason: string): void;
  /** Names of interfaces that exist (undefined when interface checks are off). */
  readonly interfaces: ReadonlySet<string> | undefined;
  /** Flag the whole config as having referenced a missing interface (keepalived's non-existent-interface). */
  markMissingInterface(): void;
  /** The machine's facts (users, files, ...): handlers ask these, never the system itself. */
  readonly host: HostFacts;
}

export interface KeywordDef<C = any> {
  name: string;
  aliases?: readonly string[];
  /** Argument types after the keyword, for docs/printer. */
  args?: readonly ArgType[];
  /** Default value as keepalived documents it (documentation and dump). */
  default?: string | number | boolean;
  priority: Priority;
  /** Present when the keyword opens a block. */
  block?: BlockKind;
  /** Nested table for block 'keywords'. */
  table?: KeywordTable;
  /** Handler for the keyword line. For 'keywords' blocks it returns the context of the sub-block. */
  handle?: (ctx: C, a: KwArgs) => unknown;
  /** Each item of a 'lines'/'words' block; `words` is the item line (or a single word for 'words'). */
  item?: (ctx: any, a: KwArgs) => void;
  /** For 'raw' blocks: the keywords keepalived knows at the block's first level (others: "Unknown keyword"). */
  inner?: ReadonlySet<string>;
  /** Runs when the sub-block ends (keepalived's close handler). */
  close?: (sub: any, a: KwArgs) => void;
  /**
   * A project extension, not a keepalived 2.2.7 keyword (keepalived -t rejects it with "Unknown
   * keyword", exit 5). The reader adds an 'info' note; the 2.2.7 keyword-set test leaves it out.
   */
  extension?: true;
}

export interface KeywordTable {
  /** Name of the block, used in messages and docs. */
  name: string;
  keywords: readonly KeywordDef[];
  /** Name -> def, including aliases (built once). */
  index: Map<string, KeywordDef>;
}

export function table(name: string, keywords: readonly KeywordDef[]): KeywordTable {
  const index = new Map<string, KeywordDef>();
  for (const k of keywords) {
    index.set(k.name, k);
    for (const a of k.aliases ?? []) index.set(a, k);
  }
  return { name, keywords, index };
}

/** Adds keywords to a table after creation (used to share common keyword lists). */
export function extend(t: KeywordTable, more: readonly KeywordDef[]): KeywordTable {
  return table(t.name, [...t.keywords, ...more]);
}
