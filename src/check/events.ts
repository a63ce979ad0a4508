// Transition events the checker process emits for notify scripts, FIFOs and SMTP alerts.
// The checker decides *that* something happened (with keepalived's mail bodies); the notify
// subsystem decides how to deliver it (subjects: features doc §5.3).
import type { Checker, RealServer, ScriptSpec, VirtualServer } from '../config/model.js';

export type CheckerType = Checker['type'];

/** A checker of a real server changed state (keepalived sends one RS mail per such change). */
export interface RsCheckerEvent {
  kind: 'rs-checker';
  up: boolean;
  checkerType: CheckerType;
  vs: VirtualServer;
  rs: RealServer;
  /** `[ip]:tcp:port` texts as keepalived formats them. */
  vsText: string;
  rsText: string;
  /** The RS alive state after the change (the subject's UP|DOWN). */
  rsAlive: boolean;
  /** Whether the RS alive state changed with this checker change. */
  rsAliveChanged: boolean;
  /** Mail body, e.g. `=> TCP CHECK failed on service <=`. */
  mailBody: string;
  /** smtp_alert resolved for this RS (RS default on unless a global switch is set). */
  smtpAlert: boolean;
}

/** The real server as a whole went up or down (notify_up / notify_down, FIFO `RS` lines). */
export interface RsStateEvent {
  kind: 'rs-state';
  up: boolean;
  vs: VirtualServer;
  rs: RealServer;
  vsText: string;
  rsText: string;
  script?: ScriptSpec;
  /** 'check' = by a checker; 'init' = started alive (rs_init_notifies); 'removed' = deleted at reload; 'shutdown' = at
   *  stop (omega). */
  reason: 'check' | 'init' | 'removed' | 'shutdown';
  /** Mail body for removed/shutdown (`=> Removing <=` / `=> Shutting down <=`). */
  mailBody?: string;
  smtpAlert: boolean;
}

/** Virtual server quorum gained or lost: body `=> Gained quorum Q+H=T <= W <=` etc. */
export interface VsQuorumEvent {
  kind: 'vs-quorum';
  up: boolean;
  init: boolean;
  vs: VirtualServer;
  vsText: string;
  quorum: number;
  hysteresis: number;
  /** T = quorum ± hysteresis as used for the decision. */
  threshold: number;
  /** W = sum of the weights of the alive real servers. */
  weight: number;
  /** `Gained quorum` | `Lost quorum` | `Starting with quorum down` (as in the log line) | `Shutting down` */
  what: string;
  mailBody: string;
  script?: ScriptSpec;
  smtpAlert: boolean;
}

export type CheckerEvent = RsCheckerEvent | RsStateEvent | VsQuorumEvent;
