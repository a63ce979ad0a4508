// reload_file as keepalived 2.2.7 handles it (keepalived/core/main.c, measured in
// test/unit/daemon/data/reload-2.2.7.md): with reload_check_config the parent creates the file
// (rw-r--r--, whatever the umask) when the check process starts and removes it when the check
// ends; a plain reload only removes it once the new file is read. Without a path the name follows
// the pid files: /run/keepalived.reload, /run/keepalived/keepalived.reload with use_pid_dir (and
// net_namespace), /run/keepalived/keepalived_INSTANCE.reload with an instance.
import { closeSync, openSync, unlinkSync } from 'node:fs';
import type { Logger } from '../../common/log.js';
import { pidPaths } from '../pidfile.js';
import { strerror } from '../../vrrp/io/native.js';

/** The file's path for a reload_file setting (`true`: the default name), or undefined without one. */
export function reloadFilePath(setting: string | true | undefined,
    ctx: { instance?: string; namespace?: string; usePidDir?: boolean }): string | undefined {
  if (setting === undefined) return undefined;
  if (setting !== true) return setting;
  return pidPaths({ instance: ctx.instance, namespace: ctx.namespace, usePidDir: ctx.usePidDir }).parent.replace(/\.pid$/, '.reload');
}

/** creat(path, 0644) with the group and other read bits taken out of the umask for the call. */
export function createReloadFile(path: string, log: Logger): void {
  const mask = process.umask();
  if (mask & 0o044) process.umask(mask & ~0o044);
  try {
    closeSync(openSync(path, 'w', 0o644));
  } catch (e) {
    const errno = -((e as NodeJS.ErrnoException).errno ?? -5);
    log.info(`Failed to create reload file (${path}) ${errno} - ${strerror(errno)}`);
  } finally {
    if (mask & 0o044) process.umask(mask);
  }
}

export function removeReloadFile(path: string): void {
  try { unlinkSync(path); } catch { /* not there */ }
}

