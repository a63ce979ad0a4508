// The notify subsystem's front door: createNotifier() checks every notify script once (script
// security), opens the FIFOs, starts the SMTP alerter, and then turns each VRRP / checker event
// into deliveries in keepalived's order: specific notify_* script, generic notify, FIFO line(s),
// SMTP alert. Event methods only queue work and return at once (scripts and mail are async; the
// script processes are spawned right after the call returns). reload() swaps the configuration,
// keeping FIFOs whose settings did not change open (readers see no EOF) and queued mail.
import type { Logger } from '../common/log.js';
import type { FifoSpec, KeepalivedConfig, ScriptSpec } from '../config/model.js';
import type { CheckerEvent, VrrpEvent } from './events.js';
import { FifoWriter } from './fifo.js';
import { NotifyPlanner, type FifoName, type NotifyAction } from './plan.js';
import { ScriptRunner, type ScriptResult } from './script-runner.js';
import { checkAllScripts, notifyScripts, type SecurityReport } from '../host/script-security.js';
import { SmtpAlerter, type SmtpAlerterOptions, type SmtpSettings } from './smtp.js';
import { scriptIds, type ScriptIds, type UserDb } from '../host/users.js';
import { systemScriptHost, systemUserDb } from '../host/system.js';

export interface NotifierOptions {
  logger: Logger;
  routerId?: string;
  /** Timeout for notify scripts (keepalived has none except STOP; a hung script would stall its queue).
   *  Default 30 s. */
  scriptTimeoutMs?: number;
  /** Timeout for STOP notifies at shutdown (keepalived: 1 s). */
  stopScriptTimeoutMs?: number;
  /** SMTP queue/retry tuning. */
  smtp?: Omit<SmtpAlerterOptions, 'logger'>;
  userDb?: UserDb;
  /** Called after each script finishes (tests, stats). */
  onScriptDone?: (r: ScriptResult) => void;
  /**
   * Log the SECURITY VIOLATION line of the notify scripts' check (default true). The VRRP process
   * logs the config check's line instead, which counts its vrrp_scripts too (as 2.2.7's, once).
   */
  violationLine?: boolean;
}

export interface Notifier {
  vrrpEvent(e: VrrpEvent): void;
  checkerEvent(e: CheckerEvent): void;
  /** Switch to a new configuration (SIGHUP). Script security is re-checked and logged. */
  reload(config: KeepalivedConfig, opts?: { routerId?: string }): void;
  /** Wait (bounded) for running scripts and queued mail, stop FIFO scripts, close FIFOs. */
  stop(opts?: { scriptWaitMs?: number; smtpWaitMs?: number }): Promise<void>;
  /** What script security decided for the current configuration. */
  readonly security: SecurityReport;
  /** Present when SMTP alerts are configured. */
  readonly smtp?: SmtpAlerter;
}

function flag(v: string[] | undefined): boolean {
  if (!v) return false;
  return v.length === 0 || !/^(false|no|off|0)$/i.test(v[0]!);
}

/** SMTP settings from global_defs, including our extra keywords (smtp_auth_user/pass, smtp_starttls,
 *  smtp_tls_verify). */
export function smtpSettings(config: KeepalivedConfig): SmtpSettings | undefined {
  const g = config.global;
  if (!g.smtpServer || g.notificationEmail.length === 0) return undefined;
  const x = g.extra ?? {};
  const user = x['smtp_auth_user']?.[0];
  const pass = x['smtp_auth_pass']?.[0];
  return {
    host: g.smtpServer.host,
    port: g.smtpServer.port,
    heloName: g.smtpHeloName,
    from: g.notificationEmailFrom,
    to: g.notificationEmail,
    timeoutMs: g.smtpConnectTimeout * 1000,
    ...(user !== undefined ? { auth: { user, pass: pass ?? '' } } : {}),
    starttls: flag(x['smtp_starttls']),
    tlsVerify: x['smtp_tls_verify'] ? flag(x['smtp_tls_verify']) : true,
  };
}

const FIFO_KEYS: [FifoName, string, 'notifyFifo' | 'vrrpNotifyFifo' | 'lvsNotifyFifo'][] = [
  ['notify', 'notify', 'notifyFifo'], ['vrrp', 'vrrp notify', 'vrrpNotifyFifo'], ['lvs', 'lvs notify', 'lvsNotifyFifo'],
];
const fifoKey = (f: FifoSpec): string => JSON.stringify([f.path, f.user, f.group, f.script?.argv,
  f.script?.user, f.script?.group]);

export function createNotifier(initial: KeepalivedConfig, opts: NotifierOptions): Notifier {
  const log = opts.logger;
  const db = opts.userDb ?? systemUserDb();
  const runner = new ScriptRunner({ logger: log });
  const timeout = opts.scriptTimeoutMs ?? 30_000;
  const stopTimeout = opts.stopScriptTimeoutMs ?? 1000;
  const fifos = new Map<FifoName, FifoWriter>();
  let config = initial;
  let security!: SecurityReport;
  let planner!: NotifyPlanner;
  let idsCache = new Map<ScriptSpec, ScriptIds | undefined>();
  let smtp: SmtpAlerter | undefined;
  let smtpKey = '';
  let stopped = false;
  const lastMailed = new Map<string, string>();

  const idsOf = (s: ScriptSpec): ScriptIds | undefined => {
    if (!idsCache.has(s)) idsCache.set(s, scriptIds(s, config.global, db));
    return idsCache.get(s);
  };

  const configure = (cfg: KeepalivedConfig, routerId: string | undefined): void => {
    const old = planner ? config : undefined;
    config = cfg;
    idsCache = new Map();
    security = checkAllScripts(notifyScripts(cfg), cfg, { ...systemScriptHost, users: db });
    // the SECURITY VIOLATION line, when there is one, is the report's last
    const lines = opts.violationLine === false && security.securityViolation
      ? security.messages.slice(0, -1) : security.messages;
    for (const m of lines) log.info(m);
    const keptI = new Set(cfg.vrrpInstances.map((i) => i.name)), keptG = new Set(cfg.vrrpSyncGroups.map((g) => g.name));
    const retired = old
      ? { instances: old.vrrpInstances.filter((i) => !keptI.has(i.name)),
        groups: old.vrrpSyncGroups.filter((g) => !keptG.has(g.name)) }
      : undefined;
    planner = new NotifyPlanner(cfg, { routerId, disabled: security.disabled, lastMailed,
      ...(retired ? { retired } : {}) });

    const g = cfg.global;
    for (const [name, label, key] of FIFO_KEYS) {
      const spec = g[key];
      const old = fifos.get(name);
      if (old && spec && fifoKey(old.spec) === fifoKey(spec)) continue;
      if (old) { old.close(); fifos.delete(name); }
      if (!spec) continue;
      const w = new FifoWriter(label, spec, {
        logger: log,
        ids: (u, grp) => scriptIds({ user: u ?? 'root', group: grp }, g, db),
        scriptIds: spec.script ? idsOf(spec.script) : undefined,
        scriptFile: spec.script ? security.results.get(spec.script)?.path : undefined,
        scriptDisabled: spec.script ? security.disabled.has(spec.script) : false,
      });
      if (w.open()) fifos.set(name, w);
    }

    const settings = smtpSettings(cfg);
    const key = JSON.stringify(settings ?? null);
    if (key !== smtpKey) {
      const old = smtp;
      if (old) void old.drain(5000).then(() => old.close());
      smtp = settings ? new SmtpAlerter(settings, { logger: log, ...opts.smtp }) : undefined;
      smtpKey = key;
    }
  };
  configure(initial, opts.routerId);

  const apply = (actions: NotifyAction[]): void => {
    for (const a of actions) {
      switch (a.kind) {
        case 'script': {
          const ids = idsOf(a.script);
          if (!ids) { log.error(`Unknown user for notify script ${a.argv[0]} - not run`); break; }
          // A bare name runs as the file the script-security check found in PATH (keepalived replaces argv[0]).
          const file = security.results.get(a.script)?.path ?? a.argv[0]!;
          const p = runner.run(a.queue, { argv: [file, ...a.argv.slice(1)], ids,
            timeoutMs: a.stop ? stopTimeout : timeout });
          if (opts.onScriptDone) void p.then(opts.onScriptDone);
          break;
        }
        case 'fifo':
          fifos.get(a.fifo)?.write(a.data);
          break;
        case 'mail':
          smtp?.enqueue(a.subject, a.body);
          break;
      }
    }
  };

  return {
    get security() { return security; },
    get smtp() { return smtp; },
    vrrpEvent(e) { if (!stopped) apply(planner.planVrrp(e)); },
    checkerEvent(e) { if (!stopped) apply(planner.planChecker(e)); },
    reload(cfg, ro = {}) { if (!stopped) configure(cfg, ro.routerId ?? opts.routerId); },
    async stop(so = {}) {
      if (stopped) return;
      stopped = true;
      await Promise.all([
        runner.drain(so.scriptWaitMs ?? stopTimeout + 1500),
        smtp ? smtp.drain(so.smtpWaitMs ?? 2000) : Promise.resolve(true),
      ]);
      runner.close();
      smtp?.close();
      for (const w of fifos.values()) w.close();
      fifos.clear();
    },
  };
}
