// The codes a Diagnostic carries: keepalived's classes of problem (KA_*, each with the exit code
// its severity gives) and our own notes beside them (KPB_*: no effect on the exit code, shown by
// -t only with notes). One closed list, so a code is checked where it is made and compared as a
// value, never built or matched as text.

export const KA_CODES = [
  // preprocessing: files, includes, @ / $ definitions, line handling
  'KA_CONFIG_FILE_MISSING', 'KA_INCLUDE_MISSING', 'KA_INCLUDE_NO_MATCH', 'KA_INCLUDE_SOME_MISSING', 'KA_INCLUDE_OPEN',
  'KA_INCLUDE_NOT_REGULAR', 'KA_INCLUDE_DIRECTORY', 'KA_PRE_TOO_MANY_LINES', 'KA_PRE_SUBST_LOOP', 'KA_PRE_SEQ_DEPTH',
  'KA_PRE_RUNAWAY', 'KA_PRE_LINE_SPLIT', 'KA_PRE_INCLUDE_LOOP', 'KA_PRE_INCLUDE_DEPTH', 'KA_PRE_EMBEDDED_NUL',
  'KA_CFG_SUBST_TOO_LONG', 'KA_CFG_SEQ', 'KA_CFG_RANDOM_PARAMS',
  // blocks and keywords
  'KA_CFG_ERROR', 'KA_CFG_UNKNOWN_KEYWORD', 'KA_CFG_MISSING_EOB', 'KA_CFG_EXTRA_EOB', 'KA_CFG_UNEXPECTED_BOB', 'KA_CFG_MISSING_BOB',
  'KA_CFG_EXTRA_BRACE', 'KA_CFG_BLOCK_EXTRA_PARAMS', 'KA_CFG_MISSING_PARAMETER', 'KA_CFG_UNMATCHED_QUOTE', 'KA_CFG_UNTERMINATED_QUOTE',
  'KA_CFG_SCRIPT_EMPTY', 'KA_CFG_SCRIPT_ESCAPE', 'KA_CFG_UNKNOWN_INTERFACE',
  // semantic checks
  'KA_SCRIPT_SECURITY', 'KA_TRACK_NOT_FOUND', 'KA_NO_INTERFACE', 'KA_DUP_VRID',
] as const;

export const NOTE_CODES = [
  'KPB_INFO', 'KPB_NOT_IMPLEMENTED', 'KPB_EXTENSION_KEYWORD', 'KPB_DEPRECATED', 'KPB_V2_IPV6', 'KPB_DUP_VRID', 'KPB_SYNC_DUP',
  'KPB_SYNC_MISSING', 'KPB_TRACK_UNDEFINED', 'KPB_VSG_UNDEFINED',
] as const;

/** The daemon's own: the parser threw (a bug of ours), reported as a fatal configuration error. */
export const DAEMON_CODES = ['KD_PARSER_EXCEPTION'] as const;

export type KaCode = typeof KA_CODES[number];
export type NoteCode = typeof NOTE_CODES[number];
export type DiagCode = KaCode | NoteCode | typeof DAEMON_CODES[number];

const NOTES: ReadonlySet<DiagCode> = new Set(NOTE_CODES);

/** One of our notes (KPB_*), not a keepalived problem. */
export function isNoteCode(c: DiagCode): c is NoteCode { return NOTES.has(c); }
