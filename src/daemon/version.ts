// Version strings of the daemon: keepalived's layout ("Keepalived v<ver> (<build>)") with the
// keepalived version we are compatible with and our own package version in the parentheses, so
// log-based monitoring that greps "Starting Keepalived v" keeps working.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The keepalived release whose behaviour we reproduce. */
export const KEEPALIVED_COMPAT_VERSION = '2.2.7';
/** Our own version (package.json). */
export const PACKAGE_VERSION = '0.1.0';
export const PACKAGE_NAME = 'keepalived-ts';

/** "Keepalived v2.2.7 (keepalived-ts 0.1.0)": used by Starting/Stopped lines and -v. */
export const VERSION_STRING = `Keepalived v${KEEPALIVED_COMPAT_VERSION} (${PACKAGE_NAME} ${PACKAGE_VERSION})`;

function distro(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : '';
  } catch { return ''; }
}

/** `Running on Linux 6.1.0 #1 SMP ... (built for Node.js v20.x)` as in keepalived's start-up line. */
export function runningOnLine(): string {
  return `Running on ${os.type()} ${os.release()} ${os.version()} (built for Node.js ${process.version})`;
}

/** The text `keepalived -v` prints (to stderr), in keepalived's layout. */
export function versionText(): string {
  const d = distro();
  return [
    VERSION_STRING,
    '',
    'Copyright(C) 2001-2022 Alexandre Cassen, <acassen@gmail.com>',
    `${PACKAGE_NAME} ${PACKAGE_VERSION}: TypeScript reimplementation compatible with keepalived ${KEEPALIVED_COMPAT_VERSION}`,
    '',
    `Built with Node.js ${process.version}`,
    `Running on ${os.type()} ${os.release()} ${os.version()}`,
    ...(d ? [`Distro: ${d}`] : []),
    '',
    'Config options:  LVS VRRP VRRP_AUTH JSON',
    '',
  ].join('\n');
}
