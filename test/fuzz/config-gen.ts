// Grammar-aware keepalived.conf generator for the config fuzz target: blocks and keywords come from
// the parser's own keyword tables (src/parser/keywords, the 2.2.7 keyword set), arguments by the
// table's argument types (valid, wrong type, huge, missing, extra) or taken from what the corpus
// configs give that keyword, nested blocks, brace placement, and the preprocessor's constructs:
// include (existing, glob, missing, self, braces), @id / @^id conditionals, $VAR definitions
// (multi-line, recursive, self-referencing), ~SEQ / ~LST, quoting, comments, very long lines, NUL
// and non-UTF-8 bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { topTable } from '../../src/parser/keywords/top.js';
import type { ArgType, KeywordDef, KeywordTable } from '../../src/parser/schema.js';
import { systemFiles } from '../../src/host/system.js';
import { preprocessFile } from '../../src/parser/preprocess.js';
import type { Rng } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Argument words and block items seen in the corpus, by keyword (what real configs give them), and the corpus
 *  texts. */
export interface Pool { args: Map<string, string[][]>; items: Map<string, string[]>; texts: string[] }

let poolCache: Pool | undefined;

/** Harvests test/corpus/configs and test/corpus/realworld (preprocessed, braces on lines of their own). */
export function corpusPool(): Pool {
  if (poolCache) return poolCache;
  const pool: Pool = { args: new Map(), items: new Map(), texts: [] };
  const dirs = ['test/corpus/configs', 'test/corpus/realworld'].map((d) => path.join(ROOT, d));
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.conf')).sort()) {
      const r = preprocessFile(path.join(dir, f), { configId: 'fz', files: systemFiles });
      const text = fs.readFileSync(path.join(dir, f), 'latin1');
      if (!text.includes('include')) pool.texts.push(text);
      const stack: string[] = [];
      let last = '';
      for (const l of r.lines) {
        if (l.brace === '{') { stack.push(last); continue; }
        if (l.brace === '}') { stack.pop(); continue; }
        const words = l.words.map((w) => (w.quoted || /\s/.test(w.text) ? `"${w.text}"` : w.text));
        const opener = stack[stack.length - 1];
        if (opener) push(pool.items, opener, words.join(' '));
        last = words[0] ?? '';
        if (words.length > 1) push(pool.args, last, words.slice(1));
      }
    }
  }
  poolCache = pool;
  return pool;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (!a) m.set(k, [v]);
  else if (a.length < 64) a.push(v);
}

const UINTS = ['0', '1', '2', '3', '10', '50', '100', '254', '255', '256', '1000', '65535', '65536', '2147483647', '4294967295', '4294967296', '99999999999999999999'];
const BAD_NUMS = ['-1', '-2147483649', '1.5', '0x10', '010', '1e3', 'abc', '', '12abc', '+5', ' ', 'NaN', 'Infinity'];
const TIMERS = ['0', '0.001', '0.5', '1', '3.5', '60', '1000000', '4294.967295', '1e9'];
const BOOLS = ['on', 'off', 'true', 'false', 'yes', 'no', '1', '0', 'maybe', 'ON'];
const IPS = ['10.0.0.1', '192.168.1.254', '10.0.0.1/24', '10.0.0.0/8', 'fe80::1', '2001:db8::1/64', '::', '0.0.0.0', '224.0.0.18',
  '10.0.0.1-10', '300.1.1.1', '1.2.3.4/33', '::ffff:1.2.3.4', 'fe80::1%eth0', 'x', '1.2.3', '10.0.0.1/', '/24'];
const IFNAMES = ['eth0', 'eth1', 'lo', 'nosuch0', 'a'.repeat(16), 'bad/name', 'eth0.100', 'vrrp.51', ''];
const WORDS = ['VI_1', 'VI_2', 'G1', 'chk', 'MASTER', 'BACKUP', 'FAULT', 'PASS', 'AH', 'rr', 'wlc', 'NAT', 'DR', 'TUN', 'TCP', 'UDP', 'SCTP',
  'inet', 'inet6', 'all', 'none', 'default', 'main', 'local', 'bogus', 'weight', 'dev', 'via', 'table', 'metric', 'user', 'root', 'nobody'];
const SCRIPTS = ['/bin/true', '"/bin/echo a b"', '/usr/bin/test -f /tmp/x', '"/no/such/script arg"', 'relative.sh', '"unterminated', '/bin/sh -c "exit 1"'];

function valueOf(rng: Rng, t: ArgType): string {
  switch (t) {
    case 'uint': return rng.chance(0.8) ? rng.pick(UINTS) : rng.pick(BAD_NUMS);
    case 'int': return rng.chance(0.5) ? rng.pick(UINTS) : rng.chance(0.5) ? `-${rng.pick(UINTS)}` : rng.pick(BAD_NUMS);
    case 'timer': return rng.chance(0.8) ? rng.pick(TIMERS) : rng.pick(BAD_NUMS);
    case 'bool': return rng.pick(BOOLS);
    case 'ip': return rng.pick(IPS);
    case 'ifname': return rng.pick(IFNAMES);
    case 'script': return rng.pick(SCRIPTS);
    case 'none': return '';
    default: return rng.pick(WORDS);
  }
}

/** A value of some other type (a wrong-type argument). */
function wrongValue(rng: Rng): string {
  return rng.pick([rng.pick(UINTS), rng.pick(BAD_NUMS), rng.pick(IPS), rng.pick(BOOLS), rng.pick(WORDS), rng.pick(SCRIPTS), '{', '}', '"', '$UNDEF', '@x']);
}

function argsFor(rng: Rng, k: KeywordDef, pool: Pool): string[] {
  const seen = pool.args.get(k.name);
  let args: string[];
  if (seen && rng.chance(0.55)) args = [...rng.pick(seen)];
  else {
    const types = k.args ?? (k.block ? ['word'] : []);
    args = types.filter((t) => t !== 'none').map((t) => (rng.chance(0.85) ? valueOf(rng, t as ArgType) : wrongValue(rng)));
  }
  const r = rng.next();
  if (r < 0.03 && args.length) args.pop(); // a missing parameter (keepalived aborts, exit 2)
  else if (r < 0.08) args.push(wrongValue(rng)); // an extra one
  else if (r < 0.12 && args.length) args[rng.int(args.length)] = wrongValue(rng);
  return args;
}

/** Item lines of a 'lines' / 'words' block: from the corpus for that keyword, else ip-like words. */
function itemFor(rng: Rng, k: KeywordDef, pool: Pool): string {
  const seen = pool.items.get(k.name);
  if (seen && rng.chance(0.8)) {
    const line = rng.pick(seen);
    if (!rng.chance(0.2)) return line;
    const w = line.split(' ');
    w[rng.int(w.length)] = wrongValue(rng);
    return w.join(' ');
  }
  const n = rng.range(1, 5);
  return Array.from({ length: n }, () => (rng.chance(0.5) ? rng.pick(IPS) : rng.chance(0.5) ? rng.pick(WORDS) : rng.pick(UINTS))).join(' ');
}

/** Every keyword table reachable from the top (to put keywords in the wrong block). */
function allTables(): KeywordTable[] {
  const out: KeywordTable[] = [];
  const walk = (t: KeywordTable): void => {
    if (out.includes(t)) return;
    out.push(t);
    for (const k of t.keywords) if (k.table) walk(k.table);
  };
  walk(topTable);
  return out;
}
let tablesCache: KeywordTable[] | undefined;
const tables = (): KeywordTable[] => (tablesCache ??= allTables());

export interface GenCtx { rng: Rng; pool: Pool; out: string[]; defs: string[] }

function openBrace(c: GenCtx, head: string): boolean {
  const r = c.rng.next();
  if (r < 0.8) c.out.push(`${head} {`);
  else if (r < 0.92) c.out.push(head, c.rng.chance(0.5) ? '{' : '  {  ');
  else if (r < 0.96) { c.out.push(`${head} { ${itemLike(c)} }`); return false; } // a one-line block
  else { c.out.push(head); return true; } // missing '{'
  return true;
}

function itemLike(c: GenCtx): string { return c.rng.chance(0.5) ? c.rng.pick(IPS) : c.rng.pick(WORDS); }

function closeBrace(c: GenCtx): void {
  const r = c.rng.next();
  if (r < 0.93) c.out.push('}');
  else if (r < 0.96) c.out.push('}}'); // an extra '}'
  // else: a missing '}'
}

function genLine(c: GenCtx, t: KeywordTable, depth: number): void {
  const { rng } = c;
  const r = rng.next();
  let k: KeywordDef;
  if (r < 0.94) k = rng.pick(t.keywords);
  else if (r < 0.98) k = rng.pick(rng.pick(tables()).keywords); // a keyword of another block
  else { c.out.push(rng.pick(['bogus_keyword 1', '{', '}', 'unknown { x }', '"quoted keyword" x', `${rng.pick(WORDS)}`])); return; }
  const name = rng.chance(0.03) ? k.name.toUpperCase() : (k.aliases?.length && rng.chance(0.3)
    ? rng.pick(k.aliases) : k.name);
  const args = argsFor(rng, k, c.pool);
  const head = [name, ...args].filter((w) => w !== '').join(' ');
  if (!k.block) { c.out.push(head); return; }
  if (!openBrace(c, head)) return;
  const n = rng.int(depth > 4 ? 2 : 7);
  if (k.block === 'keywords' && k.table) {
    for (let i = 0; i < n; i++) genAny(c, k.table, depth + 1);
  } else if (k.block === 'raw' && k.inner) {
    for (let i = 0; i < n; i++) c.out.push(`${rng.pick([...k.inner])} ${valueOf(rng, rng.pick(['uint', 'word', 'ip'] as ArgType[]))}`);
  } else {
    for (let i = 0; i < n; i++) c.out.push(itemFor(rng, k, c.pool));
    if (rng.chance(0.05)) { c.out.push('nested {'); c.out.push(itemFor(rng, k, c.pool)); c.out.push('}'); }
  }
  closeBrace(c);
}

/** A line of the preprocessor's language or a keyword line of table t. */
function genAny(c: GenCtx, t: KeywordTable, depth: number): void {
  const { rng } = c;
  const r = rng.next();
  if (r < 0.82) { genLine(c, t, depth); return; }
  if (r < 0.86) { // @id / @^id conditionals in front of a keyword line
    const before = c.out.length;
    genLine(c, t, depth);
    const id = rng.pick(['fz', 'other', '', 'f*']);
    c.out[before] = `${rng.chance(0.5) ? '@' : '@^'}${id} ${c.out[before]}`;
    return;
  }
  if (r < 0.9) { // $VAR definitions and uses
    const name = rng.pick(['A', 'B', 'LONG_NAME', 'X1', '_RANDOM']);
    const v = rng.weighted<string>([[4, `${rng.pick(WORDS)} ${rng.pick(UINTS)}`], [1, `$${name}`], [1, `$${name} $${name}`], [1, '$B'], [1, '${A}x'],
      [1, `${rng.pick(WORDS)} \\`], [1, '~SEQ(i,1,3) item$i'], [1, '']]);
    c.defs.push(name);
    c.out.push(`$${name}=${v}`);
    if (v.endsWith('\\')) c.out.push(`  ${rng.pick(WORDS)} ${rng.pick(UINTS)}`);
    if (rng.chance(0.5)) c.out.push(`$${name}`);
    return;
  }
  if (r < 0.92 && c.defs.length) { // a use inside a keyword line
    const before = c.out.length;
    genLine(c, t, depth);
    c.out[before] = `${c.out[before]} ${rng.pick(['$', '${', '$$'])}${rng.pick(c.defs)}${rng.chance(0.3) ? '}' : ''}`;
    return;
  }
  if (r < 0.94) { // generators
    const n = rng.pick(['3', '0', '-1', '1,2,3', '10,1', '1,0,5', '2000', 'x']);
    c.out.push(rng.chance(0.7) ? `~SEQ(i,${n}) ${rng.pick(WORDS)}$i` : `~LST(v,${rng.pick(IPS)},${rng.pick(IPS)}) ${rng.pick(t.keywords).name} $v`);
    return;
  }
  if (r < 0.96) { // includes
    c.out.push(`include ${rng.pick(['frag-vi.inc', '*.inc', 'frag-{vi,vs}.inc', 'missing.conf', 'keepalived.conf', '/no/such/dir/*', '[', '*/*/*', '"frag-vs.inc"', '~', ''])}`);
    return;
  }
  if (r < 0.975) { c.out.push(rng.pick(['# comment {', '! bang comment', '   ', '', '\t\t', '"# not a comment" x', 'a \\# b'])); return; }
  if (r < 0.985) { c.out.push(`${rng.pick(t.keywords).name} "${rng.pick(WORDS)} ${rng.chance(0.5) ? '' : '"'}`); return; } // quoting
  if (r < 0.99) { // very long line
    const len = rng.pick([1023, 1024, 1025, 2047, 5000, 70000]);
    c.out.push(`${rng.pick(t.keywords).name} ${'x'.repeat(len)}`);
    return;
  }
  if (r < 0.992) { c.out.push('{'.repeat(rng.range(2, 200)) + '\n' + '}'.repeat(rng.range(0, 200))); return; } // deep nesting
  c.out.push(`${rng.pick(t.keywords).name} ${rng.pick(['\0', 'a\0b', '\x01\x02', '\u00ff\u00fe', '\x7f'])}`);
}

export interface GeneratedConfig {
  text: string;
  /** Raw bytes to write instead of `text` (non-UTF-8 / NUL input read from a file), or undefined. */
  bytes?: Buffer;
  /** Script security checks on (stat of the scripts named). */
  scriptSecurity: boolean;
}

/** A corpus configuration with a few line-level mutations: mostly valid input that reaches the end-of-parse checks. */
function mutatedCorpus(c: GenCtx): void {
  const { rng } = c;
  const lines = rng.pick(c.pool.texts).split('\n');
  for (let m = rng.range(1, 4); m > 0; m--) {
    const i = rng.int(lines.length);
    const r = rng.next();
    if (r < 0.25) lines.splice(i, 1);
    else if (r < 0.4) lines.splice(i, 0, lines[i] ?? '');
    else if (r < 0.7) { const w = (lines[i] ?? '').trim().split(/\s+/); w[rng.int(w.length)] = wrongValue(rng); lines[i] = w.join(' '); }
    else if (r < 0.9) { const sub: GenCtx = { ...c, out: [] }; genAny(sub, rng.pick(tables()), 1);
      lines.splice(i, 0, ...sub.out); }
    else lines.length = i;
  }
  c.out.push(...lines);
}

/** One generated configuration. */
export function genConfig(rng: Rng, pool = corpusPool()): GeneratedConfig {
  const c: GenCtx = { rng, pool, out: [], defs: [] };
  if (rng.chance(0.3)) { mutatedCorpus(c); return { text: c.out.join('\n'), scriptSecurity: rng.chance(0.1) }; }
  const blocks = rng.range(1, 6);
  if (rng.chance(0.6)) { c.out.push('global_defs {'); for (let i = rng.int(6); i > 0; i--) genAny(c, topTable.index.get('global_defs')!.table!, 1); c.out.push('}'); }
  for (let i = 0; i < blocks; i++) genAny(c, topTable, 0);
  let text = c.out.join(rng.chance(0.95) ? '\n' : rng.pick(['\r\n', '\r', '\n\n'])) + (rng.chance(0.9) ? '\n' : '');
  let bytes: Buffer | undefined;
  if (rng.chance(0.08)) {
    // non-UTF-8 bytes and NULs through a file
    bytes = Buffer.from(text, 'latin1');
    for (let i = rng.range(1, 6); i > 0 && bytes.length; i--) bytes[rng.int(bytes.length)] =
      rng.pick([0x00, 0x80, 0xc3, 0xff, 0xfe, 0xe2, 0x0d]);
    text = '';
  }
  return { text, bytes, scriptSecurity: rng.chance(0.1) };
}

/** Files the generated includes name (frag-*.inc), written once into the run's directory. */
export const INCLUDE_FILES: Record<string, string> = {
  'frag-vi.inc': 'vrrp_instance INC_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 77\n  priority 50\n  virtual_ipaddress {\n    10.9.9.9/24\n  }\n}\n',
  'frag-vs.inc': 'virtual_server 10.9.9.10 80 {\n  delay_loop 3\n  real_server 10.9.9.11 80 {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n}\n',
  'frag-loop.inc': 'include frag-loop.inc\n$INC=1\n',
};
