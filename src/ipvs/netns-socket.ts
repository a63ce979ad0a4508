// net_namespace_ipvs: the IPVS socket is created in another network namespace, as keepalived
// 2.2.7's nl_ipvs_connect() does (keepalived/core/namespaces.c): the calling thread enters
// /var/run/netns/NAME (the initial namespace, /proc/1/ns/net, for an empty name), the socket is
// made, and the thread goes back. A netlink socket keeps the namespace it was created in, so every
// IPVS request on it acts there. setns() moves only the calling thread: this runs on the event
// loop's thread, which is the one that creates the socket. Failures are logged with 2.2.7's lines.
import type { Logger } from '../common/log.js';
import { isNativeError, loadKanet, type Kanet } from '../vrrp/io/native.js';
import { closeSync, constants, openSync } from 'node:fs';
// (node opens files close-on-exec)

const CLONE_NEWNET = 0x40000000;

type SetnsAddon = Kanet & { setns(fd: number, type: number): number };

/** The namespace file keepalived opens for a net_namespace_ipvs name. */
export function ipvsNamespacePath(name: string): string {
  return name ? `/var/run/netns/${name}` : '/proc/1/ns/net';
}

/** Runs `open` with this thread in namespace `name`; the errno when the namespace cannot be entered. */
export function inIpvsNamespace<T>(name: string, open: () => T,
    log: Logger): { ok: true; value: T } | { ok: false; errno: number } {
  const k = loadKanet();
  const fdOf = (path: string): number | { errno: number } => {
    try { return openSync(path, constants.O_RDONLY); }
    catch (e) { return { errno: -((e as NodeJS.ErrnoException).errno ?? -5) }; }
  };
  const text = (errno: number) => (isNativeError(k) ? `errno ${errno}` : k.strerror(errno));
  const target = fdOf(ipvsNamespacePath(name));
  const current = fdOf('/proc/thread-self/ns/net');
  if (typeof target !== 'number' || typeof current !== 'number') {
    const errno = typeof target !== 'number' ? target.errno : (current as { errno: number }).errno;
    for (const f of [target, current]) if (typeof f === 'number') closeSync(f);
    log.info(`Failed to open namespace fds, errno ${errno} (${text(errno)})`);
    return { ok: false, errno };
  }
  const a = isNativeError(k) ? undefined : (k as SetnsAddon);
  const r = a ? a.setns(target, CLONE_NEWNET) : -38;
  closeSync(target);
  if (r < 0) {
    closeSync(current);
    log.info(`Open socket - unable to set namespace, errno ${-r} (${text(-r)})`);
    return { ok: false, errno: -r };
  }
  try {
    return { ok: true, value: open() };
  } finally {
    const back = a!.setns(current, CLONE_NEWNET);
    closeSync(current);
    if (back < 0) log.info(`Open socket - unable to restore default namespace, errno ${-back} (${text(-back)})`);
  }
}
