// global_defs keywords about the daemon's own processes (keepalived/core/global_parser.c): process
// names (process_names, process_name, vrrp_process_name, checker_process_name / lvs_process_name)
// and each child's scheduling (vrrp_* / checker_*: priority, no_swap, rt_priority, cpu_affinity,
// rlimit_rttime / rlimit_rtime), max_auto_priority, min_auto_priority_delay, and the parent's
// startup_script / shutdown_script (+ _timeout), with 2.2.7's checks and messages. The daemon
// applies them (src/daemon/process/).
import type { KeywordDef, KwArgs } from '../schema.js';
import type { GlobalDefs, ProcessSched } from '../../config/model.js';
import { readInt, readUnsigned } from '../values.js';
import { scriptSpec } from './common.js';

type G = GlobalDefs;

/** keepalived's TASK_COMM_LEN - 1. */
export const COMM_MAX = 15;
/** sched_get_priority_min/max(SCHED_RR) on Linux. */
export const RR_MIN = 1;
export const RR_MAX = 99;
/** keepalived's RT_RLIMIT_DEFAULT (usecs). */
export const RT_RLIMIT_DEFAULT = 10000;

export function defaultSched(): ProcessSched {
  return { nice: 0, noSwap: false, rtPriority: 0, cpus: [], rlimitRttime: RT_RLIMIT_DEFAULT };
}

function processName(a: KwArgs, text: string | undefined): string | undefined {
  if (text === undefined) { a.error('Process name missing'); return undefined; }
  if (text.length >= COMM_MAX + 1) {
    a.error(`Process name ${text} more than ${COMM_MAX} characters, truncating`);
    return text.slice(0, COMM_MAX);
  }
  return text;
}

type Who = 'vrrp' | 'checker';
const field = (w: Who): 'vrrpSched' | 'checkerSched' => (w === 'vrrp' ? 'vrrpSched' : 'checkerSched');
const sched = (g: G, w: Who): ProcessSched => (g[field(w)] ??= defaultSched());

function schedKeywords(w: Who): KeywordDef<G>[] {
  return [
    {
      name: `${w}_priority`, priority: 'P1', args: ['int'],
      handle: (g, a) => {
        const t = a.opt(1);
        if (t === undefined) { a.error(`No ${w} process priority specified`); sched(g, w).nice = 0; return; }
        const v = readInt(a, t, -20, 19, true);
        if (v === undefined) a.error(`Invalid ${w} process priority specified`);
        sched(g, w).nice = v ?? 0;
      },
    },
    { name: `${w}_no_swap`, priority: 'P1', args: ['none'], handle: (g) => { sched(g, w).noSwap = true; } },
    {
      name: `${w}_rt_priority`, priority: 'P1', args: ['int'],
      handle: (g, a) => {
        const t = a.opt(1);
        if (t === undefined) { a.error(`No ${w} process real-time priority specified`); return; }
        let v = readInt(a, t, -2147483648, 2147483647, true);
        if (v === undefined) { a.error(`${w} process real-time priority '${t}' invalid`); return; }
        if (v < RR_MIN) { a.error(`${w} process real-time priority ${v} less than minimum ${RR_MIN} - setting to minimum`); v = RR_MIN; }
        else if (v > RR_MAX) { a.error(`${w} process real-time priority ${v} greater than maximum ${RR_MAX} - setting to maximum`); v = RR_MAX; }
        sched(g, w).rtPriority = v;
      },
    },
    {
      name: `${w}_cpu_affinity`, priority: 'P1', args: ['rest'],
      handle: (g, a) => {
        if (a.size < 2) { a.error(`No ${w} cpu_id set specified`); return; }
        const n = a.host.cpuCount();
        const cpus: number[] = [];
        for (let i = 1; i < a.size; i++) {
          const v = readInt(a, a.opt(i)!, 0, n - 1, true);
          // 2.2.7 prints the value its reader left behind; for a number out of range that is the number
          if (v === undefined) { a.error(`Invalid cpu_id:${Number.parseInt(a.opt(i)!, 10) || 0} specified for ${w} process`); sched(g, w).cpus = []; return; }
          if (!cpus.includes(v)) cpus.push(v);
        }
        sched(g, w).cpus = cpus.sort((x, y) => x - y);
      },
    },
    {
      name: `${w}_rlimit_rttime`, aliases: [`${w}_rlimit_rtime`], priority: 'P1', args: ['uint'],
      handle: (g, a) => {
        // `${w}_rlimit_rtime` is deprecated: 2.2.7 logs it at start-up (log_message), not under -t
        const kw = a.words[0]!.text;
        if (kw.endsWith('_rtime')) a.info(`Keyword '${kw}' is deprecated - please use '${w}_rlimit_rttime'`);
        const v = readUnsigned(a, a.need(1), 1, 4294967295, true);
        if (v === undefined) { a.error(`Invalid ${w} real-time limit - ${a.opt(1)}`); sched(g, w).rlimitRttime = 0; return; }
        sched(g, w).rlimitRttime = v === 1 ? 2 : v;
      },
    },
  ];
}

type Phase = 'startup' | 'shutdown';

function startStopScript(phase: Phase): KeywordDef<G>[] {
  const field = phase === 'startup' ? 'startupScript' : 'shutdownScript';
  const tfield = phase === 'startup' ? 'startupScriptTimeout' : 'shutdownScriptTimeout';
  return [
    {
      name: `${phase}_script`, priority: 'P1', args: ['script'],
      handle: (g, a) => {
        if (g[field]) { a.error(`${phase} script already specified`); return; }
        if (a.size < 2) { a.error(`${phase} script missing`); return; }
        const spec = scriptSpec(a);
        if (!spec.argv.length) { a.error(`Invalid ${phase} script`); return; }
        g[field] = spec;
        g[tfield] ??= 10;
      },
    },
    {
      name: `${phase}_script_timeout`, priority: 'P1', args: ['uint'],
      handle: (g, a) => {
        const t = a.opt(1);
        if (t === undefined) { a.error(`${phase}_script_timeout requires value`); return; }
        const v = readUnsigned(a, t, 1, 1000, true);
        if (v === undefined) { a.error(`${phase}_script_timeout '${t}' must be in [1, 1000] - ignoring`); return; }
        g[tfield] = v;
      },
    },
  ];
}

const UMASK_BITS: Record<string, number> = {
  IRUSR: 0o400, IWUSR: 0o200, IXUSR: 0o100, IRGRP: 0o040, IWGRP: 0o020, IXGRP: 0o010, IROTH: 0o004,
  IWOTH: 0o002, IXOTH: 0o001,
};

/** keepalived's umask_handler: an octal/hex/decimal number (strtol base 0), or IRUSR|IWGRP|... words. */
function umaskKeyword(): KeywordDef<G> {
  return {
    name: 'umask', priority: 'P1', args: ['rest'],
    handle: (g, a) => {
      const mask = a.need(1);
      if (/^[0-9]/.test(mask)) {
        if (a.size !== 2) { a.error(`${a.size === 1 ? 'Missing' : 'Extra'} parameter(s) to umask option`); return; }
        const v = /^0[xX][0-9a-fA-F]+$/.test(mask) ? Number.parseInt(mask.slice(2), 16)
          : /^0[0-7]*$/.test(mask) ? Number.parseInt(mask, 8) : /^[1-9][0-9]*$/.test(mask) ? Number.parseInt(mask, 10) : NaN;
        if (Number.isNaN(v) || v & ~0o777) { a.error(`invalid umask value ${mask}`); return; }
        g.umask = v;
        return;
      }
      let bits = 0;
      let needOr = false;
      for (let i = 1; i < a.size; i++) {
        const w = a.opt(i)!;
        for (let p = 0; p < w.length;) {
          if (needOr) {
            if (w[p] === '|') { needOr = false; p++; continue; }
            a.error(`Invalid umask syntax ${w}`);
            return;
          }
          const bit = UMASK_BITS[w.slice(p, p + 5)];
          if (bit === undefined) { a.error(`Unknown umask bit ${w.slice(p)}`); return; }
          bits |= bit;
          p += 5;
          needOr = true;
        }
      }
      if (!needOr) { a.error('umask missing bit value'); return; }
      g.umask = bits;
    },
  };
}

export const processKeywords: KeywordDef<G>[] = [
  umaskKeyword(),
  ...startStopScript('startup'),
  ...startStopScript('shutdown'),
  { name: 'process_names', priority: 'P1', args: ['none'], handle: (g) => { g.vrrpProcessName = 'keepalived_vrrp'; g.checkerProcessName = 'keepalived_lvs'; } },
  { name: 'process_name', priority: 'P1', args: ['string'], handle: (g, a) => { const n = processName(a, a.opt(1)); if (n !== undefined) g.processName = n; } },
  { name: 'vrrp_process_name', priority: 'P1', args: ['string'], handle: (g, a) => { const n = processName(a, a.opt(1)); if (n !== undefined) g.vrrpProcessName = n; } },
  {
    name: 'checker_process_name', aliases: ['lvs_process_name'], priority: 'P1', args: ['string'],
    handle: (g, a) => {
      // logged at start-up by 2.2.7 (log_message), not under -t
      if (a.words[0]!.text === 'lvs_process_name') a.info("'lvs_process_name' is deprecated - please use 'checker_process_name'");
      const n = processName(a, a.opt(1));
      if (n !== undefined) g.checkerProcessName = n;
    },
  },
  ...schedKeywords('vrrp'),
  ...schedKeywords('checker'),
  {
    name: 'max_auto_priority', priority: 'P1', args: ['int'],
    handle: (g, a) => {
      const t = a.opt(1);
      if (t === undefined) { g.maxAutoPriority = RR_MAX; return; }
      const v = readInt(a, t, -1, RR_MAX, true);
      if (v === undefined) { a.error(`max_auto_priority '${t}' must be in [0, ${RR_MAX}] (or -1 to disable) - ignoring`); return; }
      g.maxAutoPriority = v;
    },
  },
  {
    name: 'min_auto_priority_delay', priority: 'P1', args: ['uint'],
    handle: (g, a) => {
      const t = a.opt(1);
      if (t === undefined) { a.error('min_auto_priority_delay requires delay time'); return; }
      const v = readInt(a, t, 1, 10000000, true);
      if (v === undefined) { a.error(`min_auto_priority_delay '${t}' must be in [1, 10000000] - ignoring`); return; }
      g.minAutoPriorityDelay = v;
    },
  },
];
