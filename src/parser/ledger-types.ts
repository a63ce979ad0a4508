// Types and lookup of the keyword ledger (the data is in ledger.ts): every keyword of keepalived
// 2.2.7 is either implemented, with at least one test that shows its behaviour, or not
// implemented, with a one-line reason; a not-implemented keyword gets a warning at each use, under
// -t and at daemon start-up (reader.ts emits it with NOT_IMPLEMENTED_CODE).

/** The blocks of keepalived 2.2.7's keyword tables (test/corpus/keywords-2.2.7.json). */
export type LedgerBlock =
  | 'top' | 'global_defs' | 'vrrp_instance' | 'authentication' | 'vrrp_script' | 'vrrp_sync_group' | 'track_file'
  | 'vrrp_track_process' | 'virtual_server' | 'real_server' | 'url' | 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK'
  | 'SMTP_CHECK' | 'DNS_CHECK' | 'UDP_CHECK' | 'PING_CHECK' | 'FILE_CHECK' | 'BFD_CHECK';

/** `block/keyword`, the keyword as written (aliases have their own entries). */
export type LedgerKey = `${LedgerBlock}/${string}`;

/** A test that shows the keyword's behaviour: the file (from the repository root) and a unique part of its title. */
export interface TestRef { readonly file: string; readonly title: string }

export type LedgerEntry =
  | { readonly status: 'implemented'; readonly tests: readonly [TestRef, ...TestRef[]] }
  | { readonly status: 'not-implemented'; readonly reason: string };

/** Implemented, shown by these tests: `ok(['test/unit/x.test.ts', 'part of a title'], ...)`. */
export function ok(first: readonly [file: string, title: string],
    ...more: (readonly [file: string, title: string])[]): LedgerEntry {
  const tests = [first, ...more].map(([file, title]) => ({ file, title }));
  return { status: 'implemented', tests: tests as [TestRef, ...TestRef[]] };
}

/** Not implemented, for this reason (one line, shown by -t and in the README). */
export function no(reason: string): LedgerEntry {
  return { status: 'not-implemented', reason };
}

/** The typed code of the warning a not-implemented keyword gets at each use. */
export const NOT_IMPLEMENTED_CODE = 'KPB_NOT_IMPLEMENTED' as const;

/** The warning's text; the reason (after the colon) says what happens instead. */
export function notImplementedMessage(keyword: string, reason: string): string {
  return `WARNING - keyword '${keyword}' is not implemented by keepalived-ts: ${reason}`;
}

/** The warning for a value of an implemented keyword that is not implemented (e.g. auth_type AH). */
export function valueNotImplementedMessage(what: string, reason: string): string {
  return `WARNING - '${what}' is not implemented by keepalived-ts: ${reason}`;
}

/** How the reader asks about a keyword; undefined for keywords outside the ledger (our extensions, raw blocks). */
export type LedgerLookup = (block: string, keyword: string) => LedgerEntry | undefined;

export function isNotImplementedWarning(d: { readonly code: string }): boolean {
  return d.code === NOT_IMPLEMENTED_CODE;
}
