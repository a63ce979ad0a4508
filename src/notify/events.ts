// Events the notify subsystem consumes. VRRP events come from the VRRP runtime (instance and sync
// group transitions); checker events are the ones src/check/events.ts defines (re-exported here so
// callers import one module). The notify subsystem decides how to deliver them: scripts, FIFO
// lines, SMTP alerts (features doc §3.6, §5).
export type { CheckerEvent, RsCheckerEvent, RsStateEvent, VsQuorumEvent, CheckerType } from '../check/events.js';

/** States a VRRP notification can carry. *_PRIORITY are FIFO-only pseudo-states (notify_priority_changes);
 *  MASTER_RX_LOWER_PRI runs notify_master_rx_lower_pri and writes the FIFOs; DELETED is an instance removed
 *  by a reload with notify_deleted (without it the VRRP core reports FAULT). */
export type VrrpNotifyState =
  | 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED'
  | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

export interface VrrpEvent {
  /** INSTANCE = a vrrp_instance, GROUP = a vrrp_sync_group. */
  kind: 'INSTANCE' | 'GROUP';
  /** Instance or sync-group name as configured. */
  name: string;
  state: VrrpNotifyState;
  /** Effective priority for an instance; keepalived always reports 0 for a group. */
  priority: number;
  /** 'fifo': FIFO lines only (fifo_write_vrrp_states_on_reload re-announcing a state after a reload). */
  delivery?: 'all' | 'fifo';
}
