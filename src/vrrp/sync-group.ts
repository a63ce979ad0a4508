// vrrp_sync_group coordination (keepalived 2.2.7 vrrp_sync.c semantics, checked against the real
// binary in namespaces): members move together.
//   - a member whose Master_Down expires only *wants* MASTER (it logs the timeout and re-arms); when
//     every member wants MASTER, the last one goes MASTER and pulls the others (group line after it);
//   - a MASTER member falling back to BACKUP (higher-priority advert) pulls the other masters down;
//   - a VIP of a MASTER member deleted by someone else: every MASTER member goes BACKUP as that one
//     does (priority 0, VIPs removed, MASTER again after Skew_Time), the group becomes BACKUP without
//     a "Syncing" line or a group notify (2.2.7's set_vrrp_backup, measured);
//   - while any member has its own FAULT reason, every other member is held in FAULT; when the
//     last one clears, they return to BACKUP.
// Group notifies (scripts, FIFO "GROUP ..." lines) as 2.2.7 sends them (measured): BACKUP when the
// members start (no log line), MASTER / BACKUP / FAULT after the members followed (the "Syncing"
// line comes before them), STOP after the last member stopped.
// Wraps the members' FSMs: the runtime feeds member events here instead of to the FSM and gets
// back the actions of every member (tagged with the instance) plus the group's own log and notify.

import type { VrrpAction, VrrpEvent, VrrpState } from './fsm-types.js';
import type { VrrpFsm } from './fsm.js';

export type SyncGroupOutput =
  | { scope: 'instance'; instance: string; action: VrrpAction }
  | { scope: 'group'; group: string; action: Extract<VrrpAction, { kind: 'log' } | { kind: 'notify' }> };

type GroupNotify = Extract<VrrpAction, { kind: 'notify' }>;

export class SyncGroupCore {
  private readonly members = new Map<string, VrrpFsm>();
  private readonly held = new Set<string>();
  private groupState: VrrpState = 'INIT';

  constructor(readonly name: string, members: readonly VrrpFsm[]) {
    for (const m of members) this.members.set(m.params.name, m);
  }

  get state(): VrrpState { return this.groupState; }

  handle(instance: string, ev: VrrpEvent): SyncGroupOutput[] {
    const out: SyncGroupOutput[] = [];
    const m = this.members.get(instance);
    if (!m) return out;
    const pending: { from: string; action: VrrpAction }[] = [];
    const notifies: GroupNotify[] = [];
    const feed = (name: string, e: VrrpEvent): void => {
      const fsm = this.members.get(name)!;
      for (const a of fsm.handle(e)) {
        out.push({ scope: 'instance', instance: name, action: a });
        if (a.kind === 'stateChange') pending.push({ from: name, action: a });
      }
    };
    if (ev.type === 'startup' && this.groupState === 'INIT' && this.allIn('INIT') && ![...this.members.values()].some((f) => f.ownFaults().length > 0)) {
      // 2.2.7 settles the group's initial state first: its BACKUP notify precedes the members'
      this.groupState = 'BACKUP';
      out.push({ scope: 'group', group: this.name, action: { kind: 'notify', state: 'BACKUP', priority: 0 } });
    }
    if (ev.type === 'vipDeleted' && m.state === 'MASTER') return this.vipDeleted(instance, feed, out);
    feed(instance, ev);
    this.checkWantMaster(instance, feed);
    // settle: react to state changes until nothing moves (bounded by the member count)
    for (let guard = 0; guard < 4 * this.members.size + 4; guard++) {
      this.settleFaults(feed, out, notifies);
      const sc = pending.shift();
      if (!sc) break;
      if (sc.action.kind !== 'stateChange') continue;
      const { to, from } = sc.action;
      if (to === 'MASTER' && this.groupState !== 'MASTER') {
        this.setGroupState('MASTER', out, notifies);
        for (const [name, f] of this.members) if (name !== sc.from && f.state === 'BACKUP') feed(name, { type: 'sync', to: 'MASTER' });
      } else if (to === 'BACKUP' && from === 'MASTER' && this.groupState === 'MASTER') {
        this.setGroupState('BACKUP', out, notifies);
        for (const [name, f] of this.members) if (name !== sc.from && f.state === 'MASTER') feed(name, { type: 'sync', to: 'BACKUP' });
      } else if (to === 'BACKUP' && this.groupState !== 'BACKUP' && this.allIn('BACKUP')) {
        // start-up: the group notifies BACKUP without a sync line
        this.setGroupState('BACKUP', out, notifies, this.groupState !== 'INIT');
      } else if (to === 'STOP' && this.allIn('STOP')) {
        this.setGroupState('STOP', out, notifies);
      }
    }
    for (const n of notifies) out.push({ scope: 'group', group: this.name, action: n });
    return out;
  }

  /**
   * fifo_write_vrrp_states_on_reload: the group's state, unchanged by a reload, written to the FIFOs
   * again (2.2.7 writes the groups' lines before the instances'). Call once per reload, before the
   * members' reconfigure events.
   */
  reannounce(): SyncGroupOutput[] {
    if (this.groupState !== 'MASTER' && this.groupState !== 'BACKUP' && this.groupState !== 'FAULT') return [];
    return [{ scope: 'group', group: this.name, action: { kind: 'notify', state: this.groupState, priority: 0, delivery: 'fifo' } }];
  }

  /**
   * set_vrrp_backup(): the member, then each other MASTER member, leave MASTER as for a deleted VIP;
   * the group is BACKUP, silently. The member's Master_Down (Skew_Time) is armed after the others'
   * (2.2.7 arms it last: the others time out first, measured).
   */
  private vipDeleted(instance: string, feed: (name: string, e: VrrpEvent) => void,
      out: SyncGroupOutput[]): SyncGroupOutput[] {
    feed(instance, { type: 'vipDeleted' });
    for (const [name, f] of this.members) if (name !== instance && f.state === 'MASTER') feed(name, { type: 'vipDeleted' });
    if (this.groupState === 'MASTER') this.groupState = 'BACKUP';
    const own = out.findIndex((o) => o.scope === 'instance' && o.instance === instance && o.action.kind === 'setTimer' && o.action.timer === 'masterDown');
    if (own >= 0) out.push(...out.splice(own, 1));
    return out;
  }

  /** keepalived vrrp_sync_can_goto_master(): the member that completes the set goes first. */
  private checkWantMaster(first: string, feed: (name: string, e: VrrpEvent) => void): void {
    const order = [first, ...[...this.members.keys()].filter((k) => k !== first)];
    for (const name of order) {
      const f = this.members.get(name)!;
      if (!f.wantsMaster || f.state !== 'BACKUP') continue;
      const all = [...this.members.values()].every((o) => o === f || o.wantsMaster || o.state === 'MASTER');
      if (!all) continue;
      feed(name, { type: 'sync', to: 'MASTER' });
      return;
    }
  }

  private allIn(s: VrrpState): boolean {
    for (const f of this.members.values()) if (f.state !== s) return false;
    return true;
  }

  /** The sync line goes out now; the group's notify once the members have followed (`notifies`). */
  private setGroupState(s: VrrpState, out: SyncGroupOutput[], notifies: GroupNotify[], syncLine = true): void {
    if (this.groupState === s) return;
    this.groupState = s;
    if (s === 'MASTER' || s === 'BACKUP' || s === 'FAULT' || s === 'STOP') {
      if (syncLine && s !== 'STOP') out.push({ scope: 'group', group: this.name, action: { kind: 'log', level: 'info', msg: `VRRP_Group(${this.name}) Syncing instances to ${s} state` } });
      notifies.push({ kind: 'notify', state: s, priority: 0 });
    }
  }

  private settleFaults(feed: (name: string, e: VrrpEvent) => void, out: SyncGroupOutput[],
      notifies: GroupNotify[]): void {
    const own = new Map<string, boolean>();
    for (const [name, f] of this.members) own.set(name, f.state !== 'INIT' && f.state !== 'STOP' && f.ownFaults().length > 0);
    const anyFault = [...own.values()].some(Boolean);
    if (anyFault && this.groupState !== 'FAULT') this.setGroupState('FAULT', out, notifies);
    if (!anyFault && this.groupState === 'FAULT' && this.held.size > 0) this.setGroupState('BACKUP', out, notifies);
    for (const [name, f] of this.members) {
      if (f.state === 'INIT' || f.state === 'STOP') continue;
      const otherFault = [...own].some(([k, v]) => k !== name && v);
      if (otherFault && !this.held.has(name)) { this.held.add(name); feed(name, { type: 'sync', to: 'FAULT' }); }
      else if (!otherFault && this.held.has(name)) { this.held.delete(name); feed(name, { type: 'sync', to: 'CLEAR_FAULT' }); }
    }
    if (!anyFault && this.groupState === 'FAULT') {
      let allBackup = true;
      for (const f of this.members.values()) if (f.state === 'FAULT') allBackup = false;
      if (allBackup) this.setGroupState('BACKUP', out, notifies);
    }
  }
}
