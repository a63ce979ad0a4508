// config_save_dir as keepalived 2.2.7 fills it (measured: test/unit/daemon/data/config-save-2.2.7.md):
// every process that reads the configuration files (the parent at start and at each plain reload,
// a `-t` / reload_check_config check) writes its consolidated copy as keepalived.conf.PID.N (N
// from 0 per process), and at each reload the VRRP and checker children write their data dump
// before and after it as keepalived_vrrp.PID.N.pre / .post and keepalived_check.PID.N.pre / .post
// (N from 1). Once set, the directory stays in use for the life of the process (2.2.7 never
// clears it). Files get the daemon's umask (0600 by default).
import { writeFileSync } from 'node:fs';
import type { Logger } from '../common/log.js';
import type { KeepalivedConfig } from '../config/model.js';
import { configCopy } from '../config/load.js';

/** The directory a process keeps writing to: the last one configured (2.2.7's static config_save_dir). */
export function stickySaveDir(prev: string | undefined,
    cfg: { global: Pick<KeepalivedConfig['global'], 'configSaveDir'> } | undefined): string | undefined {
  return cfg?.global.configSaveDir ?? prev;
}

/** Writes keepalived.conf.PID.N, the consolidated copy of `file` (read with the same options as the parse). */
export function saveConfigCopy(dir: string, n: number, file: string, opts: { configId?: string; allConfig?: boolean },
    pid = process.pid): void {
  try {
    writeFileSync(`${dir}/keepalived.conf.${pid}.${n}`, configCopy(file, opts));
  } catch {
    // 2.2.7 runs `cp` and ignores its failure
  }
}

/** One of a child's reload dumps: keepalived_PROCESS.PID.N.pre / .post; 2.2.7's line when it cannot be written. */
export class ReloadDumps {
  private n = 0;
  constructor(private readonly proc: 'vrrp' | 'check', private readonly log: Logger, private readonly pid = process.pid) {}

  /** Before a reload (`post` false: the next number) or after it. */
  save(dir: string | undefined, post: boolean, text: () => string): void {
    if (!dir) return;
    if (!post) this.n++;
    const path = `${dir}/keepalived_${this.proc}.${this.pid}.${this.n}.${post ? 'post' : 'pre'}`;
    let body: string;
    try { body = text(); } catch (e) { body = `dump failed: ${(e as Error).message}\n`; }
    try { writeFileSync(path, body); } catch { this.log.info(`Failed to open config_save file ${path}`); }
  }
}
