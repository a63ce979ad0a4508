// net_namespace / -s for the parent, as keepalived 2.2.7 does it (measured: see
// test/unit/vrrp/data/track-process-2.2.7.md): before switching, open the process-event connector
// (it only answers in the initial network namespace; the VRRP child inherits it); then setns() into
// /run/netns/NAME; then a private mount namespace whose /run/keepalived/ is a bind mount of
// /run/keepalived/NAME, so each namespace's daemon has its own pid files there. At exit: unmount and
// remove the directories. setns() and unshare() act on the calling thread only: called from the
// event-loop thread before any child is forked, every child starts wholly inside both namespaces.
// The system calls sit behind NsSys (the addon and node:fs in production; a fake in unit tests).
import { closeSync, mkdirSync, chmodSync, openSync, rmdirSync } from 'node:fs';
import type { Logger } from '../common/log.js';
import { isNativeError, loadKanet, type Kanet } from '../vrrp/io/native.js';
import { openConnectorFd } from '../vrrp/process-track/connector-port.js';

export const PID_DIR = '/run/keepalived/';
const NETNS_DIR = '/run/netns/';
const CLONE_NEWNET = 0x40000000;
const CLONE_NEWNS = 0x00020000;
const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SLAVE = 0x80000;

/** The calls namespace switching makes; each returns an errno on failure. */
export interface NsSys {
  /** A process-event connector socket in the current network namespace. */
  openConnector(): { fd: number } | { errno: number; op: 'socket' | 'bind' };
  open(path: string): { fd: number } | { errno: number };
  close(fd: number): void;
  setns(fd: number, type: number): number | undefined;
  /** mkdir with exactly this mode (whatever the umask); EEXIST is not an error. */
  mkdir(path: string, mode: number): number | undefined;
  rmdir(path: string): number | undefined;
  unshare(flags: number): number | undefined;
  mount(src: string, target: string, flags: number): number | undefined;
  umount(target: string): number | undefined;
  strerror(errno: number): string;
}

const errnoOf = (e: unknown): number => Math.abs((e as NodeJS.ErrnoException).errno ?? 0);

type NsAddon = Kanet & {
  setns(fd: number, type: number): number; unshare(flags: number): number;
  mount(src: string, target: string, type: string | null, flags: number): number; umount(target: string): number;
};

/** The real calls (the project's addon for setns / unshare / mount). */
export function realNsSys(): NsSys {
  const k = loadKanet();
  const a = isNativeError(k) ? undefined : (k as NsAddon);
  const r = (n: number | undefined) => (n === undefined || n >= 0 ? undefined : -n);
  const missing = 38; // ENOSYS: the addon is not built
  return {
    openConnector: openConnectorFd,
    open: (path) => { try { return { fd: openSync(path, 'r') }; } catch (e) { return { errno: errnoOf(e) }; } },
    close: (fd) => { try { closeSync(fd); } catch { /* gone */ } },
    setns: (fd, type) => (a ? r(a.setns(fd, type)) : missing),
    mkdir: (path, mode) => {
      try { mkdirSync(path, mode); } catch (e) { const n = errnoOf(e); if (n !== 17) return n; return undefined; }
      try { chmodSync(path, mode); } catch { /* keep what mkdir made */ }
      return undefined;
    },
    rmdir: (path) => { try { rmdirSync(path); return undefined; } catch (e) { return errnoOf(e); } },
    unshare: (flags) => (a ? r(a.unshare(flags)) : missing),
    mount: (src, target, flags) => (a ? r(a.mount(src, target, null, flags)) : missing),
    umount: (target) => (a ? r(a.umount(target)) : missing),
    strerror: (n) => (a ? a.strerror(n) : `errno ${n}`),
  };
}

/** What entering a namespace left to undo, and the connector for the VRRP child. */
export interface NamespaceState {
  name: string;
  connectorFd?: number;
  /** /run/keepalived/NAME, when the private /run/keepalived/ is mounted. */
  mountDir?: string;
  runMounted: boolean;
}

/** create_pid_dir: /run/keepalived/ with mode 0755. False (and logged) when it cannot be made. */
export function createPidDir(sys: NsSys, log: Logger): boolean {
  if (sys.mkdir(PID_DIR, 0o755) === undefined) return true;
  log.info(`Unable to create directory ${PID_DIR}`);
  return false;
}

/** remove_pid_dir: at exit, when it was created (a directory still in use stays). */
export function removePidDir(sys: NsSys, log: Logger): void {
  const e = sys.rmdir(PID_DIR);
  if (e !== undefined && e !== 39 && e !== 16) log.info(`unlink of ${PID_DIR} failed - error (${e}) '${sys.strerror(e)}'`);
}

/**
 * Opens the connector (not for -t), then enters /run/netns/NAME and sets up the private
 * /run/keepalived/. Undefined when the namespace cannot be entered (the caller then logs
 * "Unable to set network namespace NAME - exiting" and stops).
 */
export function enterNamespace(name: string, sys: NsSys, log: Logger,
    opts: { configTest?: boolean } = {}): NamespaceState | undefined {
  const st: NamespaceState = { name, runMounted: false };
  if (!opts.configTest) {
    const c = sys.openConnector();
    if ('fd' in c) st.connectorFd = c.fd;
    else if (c.op === 'bind') log.info(`Failed to bind to process monitoring socket - errno ${c.errno} - ${sys.strerror(c.errno)}`);
    else if (c.errno === 93) log.detail('track_process not available - is CONFIG_PROC_EVENTS enabled in kernel config?');
    else log.info(`Failed to open process monitoring socket - errno ${c.errno} - ${sys.strerror(c.errno)}`);
  }
  const path = NETNS_DIR + name;
  const f = sys.open(path);
  if ('errno' in f) { log.info(`Failed to open ${path}`); return undefined; }
  const e = sys.setns(f.fd, CLONE_NEWNET);
  sys.close(f.fd);
  if (e !== undefined) { log.info(`setns() failed with error ${e}`); return undefined; }
  if (!opts.configTest) setRunMount(st, sys, log);
  return st;
}

/** keepalived's set_run_mount: /run/keepalived/NAME bind-mounted on /run/keepalived/ in a private mount namespace. */
function setRunMount(st: NamespaceState, sys: NsSys, log: Logger): void {
  const dir = PID_DIR + st.name;
  if (sys.mkdir(dir, 0o755) !== undefined) { log.info(`Unable to create directory ${dir}`); return; }
  st.mountDir = dir;
  let e = sys.unshare(CLONE_NEWNS);
  if (e !== undefined) { log.info(`mount unshare failed (${e}) '${sys.strerror(e)}'`); return; }
  // systemd makes mounts shared by default: ours must not leak out
  e = sys.mount('', '/', MS_REC | MS_SLAVE);
  if (e !== undefined) log.info(`Mount slave failed, error (${e}) '${sys.strerror(e)}'`);
  e = sys.mount(dir, PID_DIR, MS_BIND);
  if (e !== undefined) log.info(`Mount failed, error (${e}) '${sys.strerror(e)}'`);
  st.runMounted = true;
}

/** clear_namespaces: unmount /run/keepalived/ and remove /run/keepalived/NAME. */
export function leaveNamespace(st: NamespaceState, sys: NsSys, log: Logger): void {
  if (!st.runMounted) return;
  const e = sys.umount(PID_DIR);
  if (e !== undefined) log.info(`unmount of ${PID_DIR} failed - errno ${e}`);
  if (st.mountDir) {
    const r = sys.rmdir(st.mountDir);
    if (r !== undefined && r !== 39 && r !== 16) log.info(`unlink of ${st.mountDir} failed - error (${r}) '${sys.strerror(r)}'`);
  }
}
