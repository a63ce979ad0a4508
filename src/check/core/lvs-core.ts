// Pure RS/VS core (keepalived ipwrapper.c): which real servers are alive, each one's effective
// weight, each virtual server's quorum (with hysteresis) and sorry server, and the log lines and
// events those changes produce. Each step returns what it changed in its virtual server's IPVS
// table (LvsChange); log lines are output only. It derives the desired IPVS state; it never talks
// to the kernel.
import type { GlobalDefs, RealServer, VirtualServer } from '../../config/model.js';
import { tunnelOf, type LvsDesiredState, type DesiredDest, type DesiredService } from '../../common/lvs-desired.js';
import type { CheckerEvent } from '../events.js';
import { fmtRs, fmtVs, trio } from '../format.js';

export interface RsState {
  rs: RealServer;
  text: string;
  alive: boolean;
  /** In the IPVS table (alive, or kept with weight 0 by inhibit_on_failure). */
  set: boolean;
  numFailed: number;
  iweight: number;
  effWeight: number;
  inhibit: boolean;
  smtpAlert: boolean;
}

export interface VsState {
  vs: VirtualServer;
  text: string;
  quorumUp: boolean;
  sorryAlive: boolean;
  sorryText?: string;
  smtpAlert: boolean;
  rss: RsState[];
}

/** Where a core step's log lines and events go (output only: never read back to decide anything). */
export interface CoreOut {
  log(msg: string): void;
  event(e: CheckerEvent): void;
}

/**
 * What a core step changed in its virtual server's desired IPVS table (the engine rebuilds that
 * service's table for it): a real server went in or out of the pool (`alive`), was set in or taken
 * out of the table (`set`, inhibit_on_failure keeps a dead one at weight 0), got a new weight as
 * IPVS sees it, or the quorum (and with it the sorry server) changed.
 */
export type LvsChange =
  | { kind: 'rs-alive'; rs: RsState; alive: boolean }
  | { kind: 'rs-set'; rs: RsState; set: boolean }
  | { kind: 'rs-weight'; rs: RsState; from: number; to: number }
  | { kind: 'quorum'; up: boolean; sorryActive: boolean };

/** No change (shared: most steps change nothing). */
export const NO_CHANGE: readonly LvsChange[] = Object.freeze([]);

const join = (a: readonly LvsChange[], b: readonly LvsChange[]): readonly LvsChange[] =>
  (a.length === 0 ? b : b.length === 0 ? a : [...a, ...b]);

/** IPVS_WEIGHT_LIMIT of 2.2.7 (check_data.h real_weight): the kernel takes any non-negative int. */
export const IPVS_WEIGHT_MAX = 2147483647;
export function realWeight(w: number): number { return w <= 0 ? 0 : w > IPVS_WEIGHT_MAX ? IPVS_WEIGHT_MAX : w; }

export function rsSmtpAlert(rs: RealServer, g?: Partial<GlobalDefs>): boolean {
  return rs.smtpAlert ?? g?.smtpAlertChecker ?? g?.smtpAlert ?? true;
}
export function vsSmtpAlert(vs: VirtualServer, g?: Partial<GlobalDefs>): boolean {
  return vs.smtpAlert ?? g?.smtpAlertChecker ?? g?.smtpAlert ?? false;
}

export function newVsState(vs: VirtualServer, g?: Partial<GlobalDefs>): VsState {
  const text = fmtVs(vs);
  return {
    vs, text, quorumUp: false, sorryAlive: false, smtpAlert: vsSmtpAlert(vs, g),
    sorryText: vs.sorryServer ? trio(vs.sorryServer.address, vs.protocol, vs.sorryServer.port) : undefined,
    rss: vs.realServers.map((rs) => newRsState(rs, vs, g)),
  };
}

export function newRsState(rs: RealServer, vs: VirtualServer, g?: Partial<GlobalDefs>): RsState {
  return {
    rs, text: fmtRs(rs, vs), alive: false, set: false, numFailed: 0, iweight: rs.weight, effWeight: rs.weight,
    inhibit: rs.inhibitOnFailure ?? vs.inhibitOnFailure ?? false, smtpAlert: rsSmtpAlert(rs, g),
  };
}

export function weighLive(v: VsState): number {
  let w = 0;
  for (const r of v.rss) if (r.alive) w += realWeight(r.effWeight);
  return w;
}

function vsNotify(v: VsState, out: CoreOut, init: boolean, threshold: number, weight: number): void {
  const up = v.quorumUp;
  // The mail names the change as the log line does (2.2.7 logs "Gained quorum" at start too).
  const what = up ? 'Gained quorum' : (init ? 'Starting with quorum down' : 'Lost quorum');
  const body = up
    ? `=> ${what} ${v.vs.quorum}+${v.vs.hysteresis}=${threshold} <= ${weight} <=`
    : `=> ${what} ${v.vs.quorum}-${v.vs.hysteresis}=${threshold} > ${weight} <=`;
  out.event({ kind: 'vs-quorum', up, init, vs: v.vs, vsText: v.text, quorum: v.vs.quorum, hysteresis: v.vs.hysteresis,
    threshold, weight, what, mailBody: body, script: up ? v.vs.quorumUp : v.vs.quorumDown, smtpAlert: v.smtpAlert });
}

/** update_quorum_state(). */
export function updateQuorum(v: VsState, out: CoreOut, init: boolean): readonly LvsChange[] {
  const w = weighLive(v);
  const q = v.vs.quorum, h = v.vs.hysteresis;
  const threshold = q + (v.quorumUp ? -1 : 1) * h;
  if (!v.quorumUp && w >= threshold) {
    v.quorumUp = true;
    out.log(`Gained quorum ${q}+${h}=${threshold} <= ${w} for VS ${v.text}`);
    if (v.vs.sorryServer && v.sorryAlive) {
      out.log(`${v.vs.sorryServer.inhibit ? 'Disabling' : 'Removing'} sorry server ${v.sorryText} from VS ${v.text}`);
      v.sorryAlive = false;
      out.log(`Adding alive servers to the pool for VS ${v.text}`);
    }
    vsNotify(v, out, init, threshold, w);
    return [{ kind: 'quorum', up: true, sorryActive: false }];
  } else if ((v.quorumUp && (!w || w < threshold)) || (init && !v.quorumUp && v.vs.sorryServer && !v.sorryAlive)) {
    v.quorumUp = false;
    out.log(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${q}-${h}=${threshold} > ${w} for VS ${v.text}`);
    if (v.vs.sorryServer && !v.sorryAlive) {
      out.log(`${v.vs.sorryServer.inhibit ? 'Enabling' : 'Adding'} sorry server ${v.sorryText} to VS ${v.text}`);
      out.log(`Removing alive servers from the pool for VS ${v.text}`);
      v.sorryAlive = true;
    }
    vsNotify(v, out, init, threshold, w);
    return [{ kind: 'quorum', up: false, sorryActive: !!v.vs.sorryServer && v.sorryAlive }];
  }
  return NO_CHANGE;
}

/**
 * init_service_rs() for one real server (at start, or new at a reload): in the pool when no
 * checker failed (or kept at weight 0 by inhibit_on_failure); one that starts alive gets its
 * notify_up and FIFO line with rs_init_notifies (keepalived 2.2.7's do_rs_notifies: no mail).
 */
export function initRs(v: VsState, r: RsState, out: CoreOut, initNotifies = false): readonly LvsChange[] {
  if ((!r.numFailed && !r.alive) || (r.inhibit && !r.set)) {
    r.set = true;
    if (!r.numFailed) {
      r.alive = true;
      if (initNotifies) rsStateEvent(v, r, out, 'init');
    }
    return [{ kind: 'rs-set', rs: r, set: true }];
  }
  return NO_CHANGE;
}

/** init_service_rs() + update_quorum_state(init): RS without failed checkers start alive. */
export function initVs(v: VsState, out: CoreOut, initNotifies = false): readonly LvsChange[] {
  let ch = NO_CHANGE;
  for (const r of v.rss) ch = join(ch, initRs(v, r, out, initNotifies));
  return join(ch, updateQuorum(v, out, true));
}

type RsStateReason = 'check' | 'init' | 'removed' | 'shutdown';

function rsStateEvent(v: VsState, r: RsState, out: CoreOut, reason: RsStateReason, mailBody?: string): void {
  out.event({ kind: 'rs-state', up: r.alive, vs: v.vs, rs: r.rs, vsText: v.text, rsText: r.text,
    script: r.alive ? r.rs.notifyUp : r.rs.notifyDown, reason, mailBody, smtpAlert: r.smtpAlert });
}

/** perform_svr_state(). */
function performSvrState(v: VsState, r: RsState, alive: boolean, out: CoreOut): readonly LvsChange[] {
  if (r.alive === alive) return NO_CHANGE;
  const verb = alive ? (r.inhibit ? 'Enabl' : 'Add') : (r.inhibit ? 'Disabl' : 'Remov');
  const prep = r.inhibit ? 'of' : alive ? 'to' : 'from';
  out.log(`${verb}ing service ${r.text} ${prep} VS ${v.text}`);
  r.alive = alive;
  r.set = alive || r.inhibit;
  rsStateEvent(v, r, out, 'check');
  return join([{ kind: 'rs-alive', rs: r, alive }], updateQuorum(v, out, false));
}

/**
 * update_svr_checker_state() for a checker whose up state changed (wasUp -> up). Its real server's
 * alive state changed when the result holds an 'rs-alive' change.
 */
export function checkerChanged(v: VsState, r: RsState, up: boolean, out: CoreOut): readonly LvsChange[] {
  let ch = NO_CHANGE;
  if (up) {
    if (r.numFailed <= 1) ch = performSvrState(v, r, true, out);
    if (r.numFailed) r.numFailed--;
  } else {
    if (r.numFailed === 0) ch = performSvrState(v, r, false, out);
    r.numFailed++;
  }
  return ch;
}

/** update_svr_wgt(): a new effective weight (misc_dynamic, FILE_CHECK). */
export function setWeight(v: VsState, r: RsState, weight: number, out: CoreOut): readonly LvsChange[] {
  const nw = realWeight(weight), ow = realWeight(r.effWeight);
  r.effWeight = weight;
  if (nw === ow) return NO_CHANGE;
  out.log(`Changing weight from ${ow} to ${nw} for ${r.alive ? '' : 'in'}active service ${r.text} of VS ${v.text}`);
  return join([{ kind: 'rs-weight', rs: r, from: ow, to: nw }], updateQuorum(v, out, false));
}

/** clear_service_rs() at reload (stopping=false) or shutdown (stopping=true). */
export function clearRs(v: VsState, r: RsState, out: CoreOut, stopping: boolean): readonly LvsChange[] {
  if (r.set || stopping) {
    out.log(`${stopping ? 'Shutting down' : 'Removing'} ${r.inhibit && !r.alive ? '(inhibited) ' : ''}service ${r.text} from VS ${v.text}`);
  }
  if (!r.set) return NO_CHANGE;
  r.set = false;
  const changes: readonly LvsChange[] = [{ kind: 'rs-set', rs: r, set: false }];
  if (!r.alive) return changes;
  r.alive = false;
  if (v.vs.omega || !stopping) rsStateEvent(v, r, out, stopping ? 'shutdown' : 'removed', stopping ? '=> Shutting down <=' : '=> Removing <=');
  return changes;
}

/** The IPVS table this VS should have now. */
export function desiredService(v: VsState): DesiredService {
  const dests: DesiredDest[] = [];
  const vs = v.vs;
  const sorryActive = !!vs.sorryServer && v.sorryAlive && !v.quorumUp;
  for (const r of v.rss) {
    const active = r.alive && !sorryActive;
    if (!active && !(r.inhibit && r.set)) continue;
    dests.push({
      address: r.rs.address, port: r.rs.port, family: r.rs.family,
      weight: active ? realWeight(r.effWeight) : 0,
      fwdMethod: r.rs.lvsMethod ?? vs.lbKind,
      ...(r.rs.uthreshold !== undefined ? { uthreshold: r.rs.uthreshold } : {}),
      ...(r.rs.lthreshold !== undefined ? { lthreshold: r.rs.lthreshold } : {}),
      ...tunnelOf(r.rs, vs),
    });
  }
  const ss = vs.sorryServer;
  if (ss && (sorryActive || ss.inhibit)) {
    dests.push({
      address: ss.address, port: ss.port, family: ss.family, weight: sorryActive ? 1 : 0,
      fwdMethod: ss.lvsMethod ?? vs.lbKind, ...tunnelOf(ss, vs),
    });
  }
  return { vs, destinations: dests };
}

export function desiredState(vss: VsState[], groups: LvsDesiredState['groups']): LvsDesiredState {
  return { services: vss.map(desiredService), groups };
}
