// Pure core of the notify subsystem: turns one VRRP or checker event into the ordered list of
// deliveries keepalived makes for it (vrrp_notify.c send_instance_notifies / send_group_notifies /
// send_event_notify, check/ipwrapper.c): the specific notify_* script, then the generic `notify`
// script (+4 args), then the FIFO line(s), then the SMTP alert. No I/O; it only remembers the last
// state mailed per instance/group (keepalived's last_email_state).
import type { KeepalivedConfig, ScriptSpec, VrrpInstance, VrrpSyncGroup } from '../config/model.js';
import type { CheckerEvent, VrrpEvent } from './events.js';
import {
  notifyExtraArgs, rsFifoLine, rsMailSubject, vrrpFifoLine, vrrpMail, vsFifoLine, vsMailSubject,
} from './format.js';

export type FifoName = 'notify' | 'vrrp' | 'lvs';

export type NotifyAction =
  /** Run `argv` (no shell). `queue` serializes scripts of one instance/group/VS; `stop` = shutdown run (short
   *  timeout). */
  | { kind: 'script'; queue: string; script: ScriptSpec; argv: string[]; stop: boolean }
  /** Write `data` (exact bytes, latin1/utf8 text) to one configured FIFO. */
  | { kind: 'fifo'; fifo: FifoName; data: string }
  | { kind: 'mail'; subject: string; body: string };

export interface PlannerOptions {
  routerId?: string;
  /** Scripts refused at startup (insecure, not found, not executable): never run. */
  disabled?: ReadonlySet<ScriptSpec>;
  /** last_email_state per `INSTANCE:name` / `GROUP:name`, shared across reloads. */
  lastMailed?: Map<string, string>;
  /** Instances and groups of the configuration before a reload that the new one no longer has: their
   *  last notifies (DELETED / FAULT) arrive after the switch. */
  retired?: { instances: readonly VrrpInstance[]; groups: readonly VrrpSyncGroup[] };
}

export class NotifyPlanner {
  private readonly instances = new Map<string, VrrpInstance>();
  private readonly groups = new Map<string, VrrpSyncGroup>();
  private readonly lastMailed: Map<string, string>;
  private readonly routerId: string;
  private readonly disabled: ReadonlySet<ScriptSpec>;

  constructor(private readonly config: KeepalivedConfig, opts: PlannerOptions = {}) {
    for (const i of opts.retired?.instances ?? []) this.instances.set(i.name, i);
    for (const g of opts.retired?.groups ?? []) this.groups.set(g.name, g);
    for (const i of config.vrrpInstances) this.instances.set(i.name, i);
    for (const g of config.vrrpSyncGroups) this.groups.set(g.name, g);
    this.routerId = opts.routerId ?? config.global.routerId;
    this.disabled = opts.disabled ?? new Set();
    this.lastMailed = opts.lastMailed ?? new Map();
  }

  /** Whether SMTP alerts can be sent at all (notification_email and smtp_server both set). */
  get mailConfigured(): boolean {
    const g = this.config.global;
    return g.notificationEmail.length > 0 && !!g.smtpServer;
  }

  private script(queue: string, s: ScriptSpec | undefined, extra: string[], stop: boolean): NotifyAction[] {
    if (!s || this.disabled.has(s) || s.argv.length === 0) return [];
    return [{ kind: 'script', queue, script: s, argv: [...s.argv, ...extra], stop }];
  }

  private fifos(data: string, which: FifoName[]): NotifyAction[] {
    const g = this.config.global;
    const have: Record<FifoName, boolean> = { notify: !!g.notifyFifo, vrrp: !!g.vrrpNotifyFifo,
      lvs: !!g.lvsNotifyFifo };
    return which.filter((f) => have[f]).map((fifo) => ({ kind: 'fifo', fifo, data }));
  }

  planVrrp(e: VrrpEvent): NotifyAction[] {
    const obj = e.kind === 'INSTANCE' ? this.instances.get(e.name) : this.groups.get(e.name);
    if (!obj) return [];
    const queue = `${e.kind}:${e.name}`;
    const out: NotifyAction[] = [];
    const g = this.config.global;

    if (e.state === 'MASTER_PRIORITY' || e.state === 'BACKUP_PRIORITY' || e.delivery === 'fifo') {
      return this.fifos(vrrpFifoLine(e), ['notify', 'vrrp']);
    }
    if (e.state === 'MASTER_RX_LOWER_PRI') {
      if (e.kind === 'INSTANCE') out.push(...this.script(queue, (obj as VrrpInstance).notifyMasterRxLowerPri, [], false));
      out.push(...this.fifos(vrrpFifoLine(e), ['notify', 'vrrp']));
      return out;
    }

    const specific: Record<string, ScriptSpec | undefined> = {
      MASTER: obj.notifyMaster, BACKUP: obj.notifyBackup, FAULT: obj.notifyFault, STOP: obj.notifyStop,
      // only with notify_deleted (without it the VRRP core reports a deleted instance as FAULT)
      DELETED: e.kind === 'INSTANCE' ? (obj as VrrpInstance).notifyDeleted?.script : undefined,
    };
    const stop = e.state === 'STOP';
    out.push(...this.script(queue, specific[e.state], [], stop));
    out.push(...this.script(queue, obj.notify, notifyExtraArgs(e), stop));
    out.push(...this.fifos(vrrpFifoLine(e), ['notify', 'vrrp']));

    const alert = obj.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false;
    if (this.mailConfigured && alert && !(g.noEmailFaults && e.state === 'FAULT') && this.lastMailed.get(queue) !== e.state) {
      const m = vrrpMail(this.routerId, e);
      if (m) {
        this.lastMailed.set(queue, e.state);
        out.push({ kind: 'mail', ...m });
      }
    }
    return out;
  }

  planChecker(e: CheckerEvent): NotifyAction[] {
    const queue = `VS:${e.vsText}`;
    const out: NotifyAction[] = [];
    switch (e.kind) {
      case 'rs-checker':
        if (this.mailConfigured && e.smtpAlert && (e.rsAliveChanged || !this.config.global.noCheckerEmails)) {
          out.push({ kind: 'mail', subject: rsMailSubject(this.routerId, e.rsText, e.vsText, e.rsAlive ? 'UP' : 'DOWN'), body: e.mailBody });
        }
        return out;
      case 'rs-state':
        out.push(...this.script(queue, e.script ?? (e.up ? e.rs.notifyUp : e.rs.notifyDown), [], false));
        out.push(...this.fifos(rsFifoLine(e.rsText, e.vsText, e.up), ['notify', 'lvs']));
        if (e.reason !== 'check' && e.mailBody && this.mailConfigured && e.smtpAlert) {
          out.push({ kind: 'mail', subject: rsMailSubject(this.routerId, e.rsText, e.vsText, 'DOWN'), body: e.mailBody });
        }
        return out;
      case 'vs-quorum':
        out.push(...this.script(queue, e.script ?? (e.up ? e.vs.quorumUp : e.vs.quorumDown), [], false));
        out.push(...this.fifos(vsFifoLine(e.vsText, e.up), ['notify', 'lvs']));
        if (this.mailConfigured && e.smtpAlert) {
          out.push({ kind: 'mail', subject: vsMailSubject(this.routerId, e.vsText, e.up), body: e.mailBody });
        }
        return out;
    }
  }
}
