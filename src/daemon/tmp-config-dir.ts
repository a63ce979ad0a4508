// tmp_config_directory: keepalived 2.2.7 keeps the consolidated copy of the configuration, which
// its children read, in an unnamed file there (O_TMPFILE) instead of a memfd. keepalived-ts hands
// the children the parsed configuration instead, so nothing is kept there; what stays observable
// (measured: test/unit/daemon/data/config-save-2.2.7.md) is the start-up line when the directory
// cannot take such a file, the reload refused when the setting changes (reload/unsupported.ts) and
// the dump line. This is the start-up check: an O_TMPFILE opened there and closed at once.
import { closeSync, constants, openSync } from 'node:fs';
import type { KeepalivedConfig } from '../config/model.js';
import { strerror } from '../vrrp/io/native.js';

/** Linux's __O_TMPFILE (x86_64 and aarch64); O_TMPFILE is it with O_DIRECTORY. */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/** 2.2.7's line ("(Line N) Cannot open config directory ...") when the directory refuses a temporary file. */
export function tmpConfigDirProblem(cfg: KeepalivedConfig, mainFile: string): string | undefined {
  const dir = cfg.global.tmpConfigDirectory;
  if (dir === undefined) return undefined;
  try {
    closeSync(openSync(dir, constants.O_RDWR | constants.O_EXCL | O_TMPFILE, 0o600));
    return undefined;
  } catch (e) {
    const errno = -((e as NodeJS.ErrnoException).errno ?? -5);
    const pos = cfg.global.tmpConfigDirectoryPos;
    const where = pos ? (pos.file === mainFile ? `(Line ${pos.line}) ` : `(${pos.file}: Line ${pos.line}) `) : '';
    return `${where}Cannot open config directory ${dir} for writing, errno ${errno} - ${strerror(errno)}`;
  }
}
