// The desired state keepalived programs at start-up before any checker has reported: every real
// server up unless one of its checkers is `alpha` (checker, RS or VS keyword); down servers kept at weight 0 when
// inhibit_on_failure; the sorry_server alone when quorum is not met. Pure.
import { tunnelOf, type DesiredDest, type DesiredService, type LvsDesiredState } from '../common/lvs-desired.js';
import type { KeepalivedConfig, RealServer, VirtualServer } from '../config/model.js';

function dest(vs: VirtualServer, rs: RealServer, weight: number): DesiredDest {
  return {
    address: rs.address, port: rs.port, family: rs.family, weight,
    fwdMethod: rs.lvsMethod ?? vs.lbKind,
    ...(rs.uthreshold !== undefined ? { uthreshold: rs.uthreshold } : {}),
    ...(rs.lthreshold !== undefined ? { lthreshold: rs.lthreshold } : {}),
    ...tunnelOf(rs, vs),
  };
}

/** The destinations of one virtual server given which real servers are up (by index). */
export function destinationsFor(vs: VirtualServer, up: (rs: RealServer, i: number) => boolean): DesiredDest[] {
  const alive = vs.realServers.map((rs, i) => up(rs, i));
  const upWeight = vs.realServers.reduce((s, rs, i) => s + (alive[i] ? rs.weight : 0), 0);
  const quorumOk = upWeight >= (vs.quorum ?? 1);
  if (!quorumOk && vs.sorryServer) {
    const s = vs.sorryServer;
    return [{ address: s.address, port: s.port, family: s.family, weight: 1,
      fwdMethod: s.lvsMethod ?? vs.lbKind, ...tunnelOf(s, vs) }];
  }
  const out: DesiredDest[] = [];
  vs.realServers.forEach((rs, i) => {
    if (alive[i]) out.push(dest(vs, rs, rs.weight));
    else if (rs.inhibitOnFailure ?? vs.inhibitOnFailure) out.push(dest(vs, rs, 0));
  });
  return out;
}

/** keepalived: a real server starts with one failed check per `alpha` checker; none means up. */
export function startsDown(vs: VirtualServer, rs: RealServer): boolean {
  return rs.checkers.some((c) => c.alpha ?? rs.alpha ?? vs.alpha);
}

export function initialDesiredState(cfg: Pick<KeepalivedConfig, 'virtualServers' | 'virtualServerGroups'>): LvsDesiredState {
  const services: DesiredService[] = cfg.virtualServers.map((vs) => ({
    vs,
    destinations: destinationsFor(vs, (rs) => !startsDown(vs, rs)),
  }));
  return { services, groups: Object.fromEntries(cfg.virtualServerGroups.map((g) => [g.name, g])) };
}
