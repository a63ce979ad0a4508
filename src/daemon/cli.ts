// Command line of keepalived(8): a pure getopt_long-compatible parser (argument permutation,
// clustered short flags, `-fFILE`, `--opt=value`, unique long-option prefixes, optional
// arguments only when attached, `--` ends options) and the decision of what the program does
// next (run, print help/version/signal number, hand off to genhash or the config test).
// Messages and exit codes are keepalived 2.2.7's, checked against the installed binary.

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

/** syslog facility codes (facility number, not shifted). */
export const FACILITY = { user: 1, daemon: 3, local0: 16 } as const;

export interface CliOptions {
  configFile: string;
  vrrpOnly: boolean;            // -P
  checkOnly: boolean;           // -C
  noBfd: boolean;               // -B
  all: boolean;                 // --all
  logConsole: boolean;          // -l
  logDetail: number;            // -D (count)
  logFacility?: number;         // -S (facility number); undefined = config/log_facility or daemon
  logFacilityInvalid?: string;  // -S value that was rejected
  logFile?: string;             // -g[FILE]
  flushLogFile: boolean;
  noSyslog: boolean;            // -G
  umask?: number;               // -u
  releaseVips: boolean;         // -X
  dontReleaseVrrp: boolean;     // -V
  dontReleaseIpvs: boolean;     // -I
  dontRespawn: boolean;         // -R
  dontFork: boolean;            // -n
  dumpConf: boolean;            // -d
  pidFile?: string;             // -p
  vrrpPidFile?: string;         // -r
  checkersPidFile?: string;     // -c
  bfdPidFile?: string;          // -b
  addressMonitoring: boolean;   // -a
  snmp: boolean;                // -x
  snmpAgentSocket?: string;     // -A
  namespace?: string;           // -s
  coreDump: boolean;            // -m
  coreDumpPattern?: string;     // -M[PATTERN]
  allConfig: boolean;           // -e
  configId?: string;            // -i
  configTest?: { logFile?: string }; // -t[LOGFILE]
  ignoreSigint: boolean;
  debug?: string;
  /** Non-option arguments (keepalived reports them as unexpected and carries on). */
  unexpected: string[];
}

export type CliResult =
  | { action: 'run'; opts: CliOptions; stdout: string[]; stderr: string[] }
  | { action: 'config-test'; opts: CliOptions; stdout: string[]; stderr: string[] }
  | { action: 'help' | 'version'; opts: CliOptions; stdout: string[]; stderr: string[] }
  | { action: 'genhash'; argv: string[]; stdout: string[]; stderr: string[] }
  | { action: 'exit'; code: number; stdout: string[]; stderr: string[] };

type ArgKind = 'none' | 'required' | 'optional';
/** An option: its short letter, long name and argument; `key` is the short letter, else the long name. */
interface OptSpec { short?: string; long: string; arg: ArgKind; key: string }

/** [short ('' = none), long, argument]: the options keepalived 2.2.7's getopt_long takes. */
const OPTIONS: [string, string, ArgKind][] = [
  ['f', 'use-file', 'required'],
  ['P', 'vrrp', 'none'],
  ['C', 'check', 'none'],
  ['B', 'no_bfd', 'none'],
  ['', 'all', 'none'],
  ['l', 'log-console', 'none'],
  ['D', 'log-detail', 'none'],
  ['S', 'log-facility', 'required'],
  ['g', 'log-file', 'optional'],
  ['', 'flush-log-file', 'none'],
  ['G', 'no-syslog', 'none'],
  ['u', 'umask', 'required'],
  ['X', 'release-vips', 'none'],
  ['V', 'dont-release-vrrp', 'none'],
  ['I', 'dont-release-ipvs', 'none'],
  ['R', 'dont-respawn', 'none'],
  ['n', 'dont-fork', 'none'],
  ['d', 'dump-conf', 'none'],
  ['p', 'pid', 'required'],
  ['r', 'vrrp_pid', 'required'],
  ['T', 'genhash', 'none'],
  ['c', 'checkers_pid', 'required'],
  ['a', 'address-monitoring', 'none'],
  ['b', 'bfd_pid', 'required'],
  ['x', 'snmp', 'none'],
  ['A', 'snmp-agent-socket', 'required'],
  ['s', 'namespace', 'required'],
  ['m', 'core-dump', 'none'],
  ['M', 'core-dump-pattern', 'optional'],
  ['e', 'all-config', 'none'],
  ['i', 'config-id', 'required'],
  ['', 'signum', 'required'],
  ['t', 'config-test', 'optional'],
  ['v', 'version', 'none'],
  ['h', 'help', 'none'],
  ['', 'ignore-sigint', 'none'],
  ['', 'no-mem-check', 'none'],
  ['', 'debug', 'optional'],
  ['', 'perf', 'optional'],
  ['', 'config-fd', 'required'],
];
const SPECS: OptSpec[] = OPTIONS.map(([short, long, arg]) => ({ ...(short ? { short } : {}), long,
  arg, key: short || long }));

/** Signal numbers `--signum` prints (Linux x86-64; SIGRTMIN is 34 under glibc). */
export const SIGNUM: Record<string, number> = {
  STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, STATS_CLEAR: 63, JSON: 36,
};

export function defaultOptions(): CliOptions {
  return {
    configFile: DEFAULT_CONFIG_FILE, vrrpOnly: false, checkOnly: false, noBfd: false, all: false,
    logConsole: false, logDetail: 0, flushLogFile: false, noSyslog: false, releaseVips: false,
    dontReleaseVrrp: false, dontReleaseIpvs: false, dontRespawn: false, dontFork: false,
    dumpConf: false, addressMonitoring: false, snmp: false, coreDump: false, allConfig: false,
    ignoreSigint: false, unexpected: [],
  };
}

/** `-S` values: 0-7 (local0-7), local0..local7, user, daemon. */
export function parseFacility(v: string): number | undefined {
  if (/^[0-7]$/.test(v)) return FACILITY.local0 + Number(v);
  const m = /^local([0-7])$/.exec(v);
  if (m) return FACILITY.local0 + Number(m[1]);
  if (v === 'user') return FACILITY.user;
  if (v === 'daemon') return FACILITY.daemon;
  return undefined;
}

interface Found { spec: OptSpec; value?: string; shown: string }
type Step = Found | { error: string } | { positional: string } | { end: true };

/** Walks argv like getopt_long with permutation; yields options, positionals and errors. */
function* getopt(argv: string[]): Generator<Step> {
  let i = 0;
  /** A required argument taken from the next word; none left is keepalived's error. */
  const nextWord = (spec: OptSpec, shown: string): Step =>
    (i < argv.length ? { spec, value: argv[i++], shown } : { error: `Missing parameter for option ${shown}` });
  while (i < argv.length) {
    const a = argv[i++];
    if (a === '--') { for (; i < argv.length; i++) yield { positional: argv[i] }; return; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = SPECS.find((s) => s.long === name);
      const cands = exact ? [exact] : SPECS.filter((s) => s.long?.startsWith(name));
      if (cands.length !== 1 || name === '') { yield { error: `Unknown option ${a}` }; continue; }
      const spec = cands[0];
      const shown = `--${spec.long}`;
      if (eq >= 0) yield spec.arg === 'none' ? { error: `Unknown option ${a}` } : { spec, value: a.slice(eq + 1), shown };
      else yield spec.arg === 'required' ? nextWord(spec, shown) : { spec, shown };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k];
        const spec = SPECS.find((s) => s.short === c);
        if (!spec) { yield { error: `Unknown option -${c}` }; continue; }
        const shown = `-${c}`;
        if (spec.arg === 'none') { yield { spec, shown }; continue; }
        // The argument is the rest of this word, else (required only) the next word.
        const rest = a.slice(k + 1);
        yield rest ? { spec, value: rest, shown } : spec.arg === 'optional' ? { spec, shown } : nextWord(spec, shown);
        break;
      }
      continue;
    }
    yield { positional: a };
  }
}

/**
 * Parses keepalived's command line (argv without the program name). Pure: the caller prints
 * stdout/stderr lines and acts on the returned action.
 */
export function parseCommandLine(argv: string[], prog = 'keepalived'): CliResult {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // -T/--genhash must be the first option; later, earlier options are ignored with a warning.
  const tIdx = argv.findIndex((a) => a === '-T' || a === '--genhash' || (a.length > 2 && a.startsWith('--') && 'genhash'.startsWith(a.slice(2)) && a.slice(2) !== 'g'));
  if (tIdx === 0) return { action: 'genhash', argv: argv.slice(1), stdout, stderr };
  if (tIdx > 0 && argv.slice(0, tIdx).every((a) => a !== '--')) {
    stderr.push('Warning -- `-T` not used as first option, previous options ignored');
    return { action: 'genhash', argv: argv.slice(tIdx + 1), stdout, stderr };
  }

  const opts = defaultOptions();
  let bad = false;
  for (const step of getopt(argv)) {
    if ('end' in step) break;
    if ('error' in step) { stderr.push(step.error); bad = true; continue; }
    if ('positional' in step) { opts.unexpected.push(step.positional); continue; }
    const v = step.value;
    switch (step.spec.key) {
      case 'f': opts.configFile = v!; break;
      case 'P': opts.vrrpOnly = true; break;
      case 'C': opts.checkOnly = true; break;
      case 'B': opts.noBfd = true; break;
      case 'all': opts.all = true; break;
      case 'l': opts.logConsole = true; break;
      case 'D': opts.logDetail++; break;
      case 'S': {
        const f = parseFacility(v!);
        if (f === undefined) { stderr.push(`Invalid log facility '${v}'`); opts.logFacilityInvalid = v; }
        else opts.logFacility = f;
        break;
      }
      case 'g': opts.logFile = v ?? '/tmp/keepalived.log'; break;
      case 'flush-log-file': opts.flushLogFile = true; break;
      case 'G': opts.noSyslog = true; break;
      case 'u': {
        const n = Number.parseInt(v!, 0 === v!.indexOf('0') ? 8 : 10);
        if (Number.isNaN(n) || n < 0 || n > 0o777) { stderr.push(`Invalid umask '${v}'`); bad = true; } else opts.umask = n;
        break;
      }
      case 'X': opts.releaseVips = true; break;
      case 'V': opts.dontReleaseVrrp = true; break;
      case 'I': opts.dontReleaseIpvs = true; break;
      case 'R': opts.dontRespawn = true; break;
      case 'n': opts.dontFork = true; break;
      case 'd': opts.dumpConf = true; break;
      case 'p': opts.pidFile = v; break;
      case 'r': opts.vrrpPidFile = v; break;
      case 'c': opts.checkersPidFile = v; break;
      case 'b': opts.bfdPidFile = v; break;
      case 'a': opts.addressMonitoring = true; break;
      case 'x': opts.snmp = true; break;
      case 'A': opts.snmpAgentSocket = v; break;
      case 's': opts.namespace = v; break;
      case 'm': opts.coreDump = true; break;
      case 'M': opts.coreDump = true; opts.coreDumpPattern = v ?? 'core'; break;
      case 'e': opts.allConfig = true; break;
      case 'i': opts.configId = v; break;
      case 't': opts.configTest = { logFile: v }; break;
      case 'ignore-sigint': opts.ignoreSigint = true; break;
      case 'debug': opts.debug = v ?? ''; break;
      case 'no-mem-check': case 'perf': case 'config-fd': break;
      case 'signum': {
        const n = SIGNUM[v!];
        if (n === undefined) { stderr.push(`Unknown sigfunc ${v}`); return { action: 'exit', code: 1, stdout, stderr }; }
        stdout.push(String(n));
        return { action: 'exit', code: 0, stdout, stderr };
      }
      case 'v': return { action: 'version', opts, stdout, stderr };
      case 'h': {
        void prog;
        return { action: 'help', opts, stdout, stderr };
      }
      default: break;
    }
  }
  if (bad) return { action: 'exit', code: 1, stdout, stderr };
  // keepalived printf()s this to stdout, after the options are parsed.
  if (opts.unexpected.length) stdout.push(`Unexpected argument(s): ${opts.unexpected.map((u) => `${u} `).join('')}`);
  return { action: opts.configTest ? 'config-test' : 'run', opts, stdout, stderr };
}
