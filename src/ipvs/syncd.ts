// lvs_sync_daemon as keepalived 2.2.7 runs it: which process owns the IPVS sync daemon and which
// start / stop commands it sends, when (vrrp/vrrp.c become/leave master, vrrp_scheduler.c
// vrrp_init_state, vrrp_daemon.c stop and reload; check/check_daemon.c start_check and stop;
// check/ipvswrapper.c ipvs_syncd_*). Recorded in the guest: test/vm/syncd/keepalived-2.2.7.txt.
// - Named VRRP instance: the VRRP process follows it. At start the backup daemon (whatever the
//   instance's first state); becoming MASTER: stop backup, start master; leaving MASTER: stop master,
//   start backup; at stop: the daemon of its current state; a reload restarts it when its settings
//   changed, and asks for it again in any case (an unchanged one logs "Daemon has already run").
// - No instance: the checker process runs master and backup daemons both, from start to stop.
// Pure: configuration and state changes in, SyncdCmd out; syncd-runner.ts sends them.
import { constants } from 'node:os';
import type { KeepalivedConfig, LvsSyncDaemon } from '../config/model.js';
import type { NotifyState } from '../vrrp/fsm-types.js';
import { strerror } from './transport.js';
import type { IpvsDaemon } from './types.js';

export type SyncdState = IpvsDaemon['state'];
export type SyncdParams = Omit<IpvsDaemon, 'state'>;

/** One request to the kernel; `quiet`: 2.2.7 ignores its error (ipvs_syncd_cmd's ignore_error). */
export type SyncdCmd =
  | { op: 'start'; daemon: IpvsDaemon; quiet: boolean }
  | { op: 'stop'; state: SyncdState; quiet: boolean };

const other = (s: SyncdState): SyncdState => (s === 'master' ? 'backup' : 'master');
const start = (state: SyncdState, p: SyncdParams, quiet = false): SyncdCmd => ({ op: 'start', daemon: { state, ...p }, quiet });
const stop = (state: SyncdState, quiet = false): SyncdCmd => ({ op: 'stop', state, quiet });

/** The process that runs it: the VRRP one when it follows an instance, else the checker one. */
export function syncdOwner(sd: LvsSyncDaemon | undefined): 'vrrp' | 'checker' | null {
  if (!sd) return null;
  return sd.instance !== undefined ? 'vrrp' : 'checker';
}

/** What the kernel gets, with the syncid to use when none is configured. */
export function syncdParams(sd: LvsSyncDaemon, defaultSyncId: number): SyncdParams {
  return {
    ifname: sd.interface, syncId: sd.syncId ?? defaultSyncId,
    ...(sd.maxlen !== undefined ? { maxlen: sd.maxlen } : {}),
    ...(sd.port !== undefined ? { port: sd.port } : {}),
    ...(sd.ttl !== undefined ? { ttl: sd.ttl } : {}),
    ...(sd.group !== undefined ? { group: sd.group } : {}),
  };
}

/** ipvs_syncd_changed: any setting differs. */
export function syncdChanged(a: SyncdParams, b: SyncdParams): boolean {
  return a.ifname !== b.ifname || a.syncId !== b.syncId || a.maxlen !== b.maxlen || a.port !== b.port
    || a.ttl !== b.ttl || a.group !== b.group;
}

// ------------------------------------------------------------------ the VRRP process

export interface VrrpSyncd { instance: string; params: SyncdParams }

/**
 * The VRRP process's view (vrrp_complete_init): the instance must exist, else 2.2.7 logs
 * "Unable to find vrrp instance X for lvs_syncd - clearing lvs_syncd config" and runs none; the
 * syncid defaults to the instance's VRID (0 for the deprecated lvs_sync_daemon_interface).
 */
export function vrrpSyncdFor(cfg: Pick<KeepalivedConfig, 'global' | 'vrrpInstances'>): { syncd: VrrpSyncd } | { missing: string } | null {
  const sd = cfg.global.lvsSyncDaemon;
  if (syncdOwner(sd) !== 'vrrp') return null;
  const name = sd!.instance!;
  const vi = cfg.vrrpInstances.find((v) => v.name === name);
  if (!vi) return { missing: name };
  return { syncd: { instance: name, params: syncdParams(sd!, sd!.fromInstance ? 0 : vi.virtualRouterId ?? 0) } };
}

export const missingInstanceLine = (name: string): string => `Unable to find vrrp instance ${name} for lvs_syncd - clearing lvs_syncd config`;

/** The VRRP process's decisions: the followed instance's states in, commands out. */
export class SyncdFollower {
  /** The daemon this process runs for the instance (its view of the instance's state). */
  private running: SyncdState = 'backup';
  private stopped = false;
  constructor(private cur: VrrpSyncd | null) {}

  get instance(): string | undefined { return this.cur?.instance; }

  /** vrrp_init_state at start: the backup daemon, whatever the instance's first state. */
  start(): SyncdCmd[] {
    if (!this.cur) return [];
    this.running = 'backup';
    return [start('backup', this.cur.params)];
  }

  /** An instance's new state (its notify): becoming MASTER and leaving it switch the daemon. */
  stateChanged(instance: string, state: NotifyState): SyncdCmd[] {
    if (this.stopped || !this.cur || instance !== this.cur.instance) return [];
    if (state === 'MASTER' && this.running !== 'master') {
      this.running = 'master';
      return [stop('backup'), start('master', this.cur.params)];
    }
    if ((state === 'BACKUP' || state === 'FAULT') && this.running === 'master') {
      this.running = 'backup';
      return [stop('master'), start('backup', this.cur.params)];
    }
    return [];
  }

  /**
   * A reload (reload_vrrp_thread, then vrrp_init_state): `next` null when the new file has none
   * (2.2.7 then leaves the kernel as it is); `isMaster` the instance's state after the reload.
   */
  reload(next: VrrpSyncd | null, isMaster: (instance: string) => boolean): SyncdCmd[] {
    const prev = this.cur;
    this.cur = next;
    if (!next || this.stopped) return [];
    const want: SyncdState = isMaster(next.instance) ? 'master' : 'backup';
    const cmds: SyncdCmd[] = [];
    if (!prev || syncdChanged(prev.params, next.params)) cmds.push(stop(want, true));
    // 2.2.7 also starts `want` here without any settings: the kernel always refuses that (no
    // interface) and the error is ignored, so it is left out.
    cmds.push(stop(other(want), true));
    cmds.push(start(want, next.params));
    this.running = want;
    return cmds;
  }

  /** Stop (vrrp_terminate_phase1, before the priority-0 adverts): the daemon of the current state. */
  stop(): SyncdCmd[] {
    if (this.stopped || !this.cur) return [];
    this.stopped = true;
    return [stop(this.running)];
  }
}

// ------------------------------------------------------------------ the checker process

/** syncid of a checker-run daemon: 0 when none is configured (start_check). */
const checkerParams = (sd: LvsSyncDaemon): SyncdParams => syncdParams(sd, 0);

/**
 * The checker process (no instance named): at start both daemons are stopped (quietly, in case an
 * earlier run died) and started; at reload they are restarted when the settings changed (2.2.7
 * compares the running syncid with the new file's unset one, so without `id` every reload
 * restarts them) and started again in any case; at stop both are stopped quietly.
 */
export function checkerSyncdCmds(phase: 'start' | 'reload' | 'stop', prev: LvsSyncDaemon | undefined, next: LvsSyncDaemon | undefined): SyncdCmd[] {
  if (phase === 'stop') return syncdOwner(prev) === 'checker' ? [stop('master', true), stop('backup', true)] : [];
  if (syncdOwner(next) !== 'checker') return [];
  const p = checkerParams(next!);
  const restart = phase === 'start' || syncdOwner(prev) !== 'checker' || next!.syncId === undefined || syncdChanged(checkerParams(prev!), p);
  return [...(restart ? [stop('master', true), stop('backup', true)] : []), start('master', p), start('backup', p)];
}

// ------------------------------------------------------------------ the USR1 data dump

/** PARAMETER_UNSET as 2.2.7 prints an unconfigured syncid (%u of UINT_MAX). */
const UNSET = 4294967295;

/**
 * dump_global_data's LVS syncd lines in each process (recorded: H and I of keepalived-2.2.7.txt):
 * the VRRP one after resolving the instance (syncid the VRID, or 0 without an instance or for
 * lvs_sync_daemon_interface; none when the instance does not exist), the checker and the parent as
 * written ("vrrp name", unset syncid printed as UINT_MAX; the checker's own daemons 0). The instance
 * form is a VRRP keyword the other processes do not read.
 */
export function syncdDumpLines(cfg: Pick<KeepalivedConfig, 'global' | 'vrrpInstances'>, proc: 'parent' | 'vrrp' | 'checker'): string[] {
  const sd = cfg.global.lvsSyncDaemon;
  if (!sd || (sd.fromInstance && proc !== 'vrrp')) return [];
  const L: string[] = [];
  let syncId: number;
  if (proc === 'vrrp' && sd.instance !== undefined) {
    const r = vrrpSyncdFor(cfg);
    if (!r || 'missing' in r) return [];
    L.push(` LVS syncd vrrp instance = ${sd.instance}`);
    syncId = r.syncd.params.syncId;
  } else {
    if (sd.instance !== undefined) L.push(` LVS syncd vrrp name = ${sd.instance}`);
    syncId = sd.syncId ?? (proc === 'parent' || sd.instance !== undefined ? UNSET : 0);
  }
  L.push(` LVS syncd interface = ${sd.interface}`, ` LVS syncd syncid = ${syncId}`);
  if (sd.maxlen !== undefined) L.push(` LVS syncd maxlen = ${sd.maxlen}`);
  if (sd.group !== undefined) L.push(` LVS mcast group ${sd.group}`);
  if (sd.port !== undefined) L.push(` LVS syncd mcast port = ${sd.port}`);
  if (sd.ttl !== undefined) L.push(` LVS syncd mcast ttl = ${sd.ttl}`);
  return L;
}

// ------------------------------------------------------------------ 2.2.7's error line

const SOCKOPT = { start: ['IP_VS_SO_SET_STARTDAEMON', 1163], stop: ['IP_VS_SO_SET_STOPDAEMON', 1164] } as const;

/**
 * The errno 2.2.7 ends up with: libnl turns the kernel's errno into its own code and keepalived's
 * libipvs turns that back (nl_syserr2nlerr, nlerr2syserr), so ESRCH comes back as ENOENT, ENOBUFS as
 * ENOMEM, and one libnl does not know as 1.
 */
const VIA_LIBNL: Record<string, string> = {
  ESRCH: 'ENOENT', ENOENT: 'ENOENT', EEXIST: 'EEXIST', EADDRINUSE: 'EEXIST', ENODEV: 'ENODEV', EINVAL: 'EINVAL',
  ENOPROTOOPT: 'EINVAL', EFAULT: 'EINVAL', EPERM: 'EPERM', EACCES: 'EACCES', ENOMEM: 'ENOMEM', ENOBUFS: 'ENOMEM',
  EBUSY: 'EBUSY', EAGAIN: 'EAGAIN', EINTR: 'EINTR', EBADF: 'EBADF', ENOTSOCK: 'EBADF', EADDRNOTAVAIL: 'EADDRNOTAVAIL',
  EAFNOSUPPORT: 'EAFNOSUPPORT', EPROTONOSUPPORT: 'EPROTONOSUPPORT', EOPNOTSUPP: 'EOPNOTSUPP', ERANGE: 'ERANGE',
};
/** libipvs's ipvs_strerror texts that apply to the daemon commands. */
const IPVS_TEXT: Record<string, string> = {
  EPERM: 'Permission denied (you must be root)', EINVAL: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
  ENOMEM: 'Memory allocation problem', EOPNOTSUPP: 'Operation not supported with IPv6',
  EAFNOSUPPORT: 'Operation not supported with specified address family',
};

/** `IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: Daemon has already run(17)` for a kernel errno name. */
export function syncdErrorLine(op: SyncdCmd['op'], kernelErrno: string): string {
  const errno = VIA_LIBNL[kernelErrno] ?? 'EPERM';
  const text = op === 'start' && errno === 'EEXIST' ? 'Daemon has already run' : IPVS_TEXT[errno] ?? strerror(errno);
  const [name, num] = SOCKOPT[op];
  return `IPVS cmd ${name}(${num}) error: ${text}(${constants.errno[errno as keyof typeof constants.errno] ?? 0})`;
}
