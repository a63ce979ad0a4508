// Contract between the checker process and the IPVS layer: the checker computes, from the config and
// the checkers' results, which real servers each virtual server should have and with what weight;
// the IPVS reconciler turns that desired state into the smallest set of kernel operations.
import type { IpFamily, LbKind, VirtualServer } from '../config/model.js';

export interface DesiredDest {
  address: string;
  port: number;
  family: IpFamily;
  /** 0 with inhibit_on_failure for a failed server (kept in the table, takes no new connections). */
  weight: number;
  fwdMethod: LbKind;
  uthreshold?: number;
  lthreshold?: number;
  tunnel?: VirtualServer['tunnel'];
}

/**
 * The tunnel settings of a real (or sorry) server: its own `lvs_method TUN ...` when it has one,
 * else the virtual server's (keepalived 2.2.7 copies the VS's into each server, then a server's own
 * lvs_method replaces them). As a spread: `{ tunnel }` or nothing.
 */
export function tunnelOf(s: { lvsMethod?: LbKind; tunnel?: VirtualServer['tunnel'] }, vs: VirtualServer): { tunnel?: VirtualServer['tunnel'] } {
  const t = s.lvsMethod === 'TUN' && s.tunnel ? s.tunnel : vs.tunnel;
  return t ? { tunnel: t } : {};
}

export interface DesiredService {
  /** The virtual server from the model (groups are expanded by the IPVS layer using `groups`). */
  vs: VirtualServer;
  destinations: DesiredDest[];
}

export interface LvsDesiredState {
  services: DesiredService[];
  /** virtual_server_group definitions by name, for services with vs.kind === 'group'. */
  groups: Record<string, import('../config/model.js').VirtualServerGroup>;
}

/** Implemented by the IPVS layer; called by the checker after every change (and at start). */
export interface LvsSink {
  apply(state: LvsDesiredState): Promise<void>;
}
