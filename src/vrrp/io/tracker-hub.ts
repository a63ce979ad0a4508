// Runs the tracked objects a config uses: one ScriptRunner per referenced vrrp_script and one
// TrackFileWatcher per referenced track_file, reporting changes as tracker ids ('script:NAME',
// 'file:NAME') with their status, and answering the current status for start-up.
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig } from '../../config/model.js';
import type { TrackerStatus } from '../fsm-types.js';
import { scriptIds, systemUserDb, type UserDb } from '../../host/users.js';
import { resolveScriptFile } from '../../notify/script-security.js';
import { ScriptRunner } from './script-runner.js';
import { TrackFileWatcher } from './track-file.js';

export class TrackerHub {
  private readonly scripts = new Map<string, ScriptRunner>();
  private readonly files = new Map<string, TrackFileWatcher>();

  constructor(
    private readonly log: Logger, private readonly onChange: (id: string, status: TrackerStatus) => void,
    private readonly userDb: () => UserDb = () => systemUserDb(),
  ) {}

  start(config: KeepalivedConfig): void {
    const usedScripts = new Set<string>();
    const usedFiles = new Set<string>();
    for (const o of [...config.vrrpInstances, ...config.vrrpSyncGroups]) {
      o.trackScript.forEach((r) => usedScripts.add(r.name));
      o.trackFile.forEach((r) => usedFiles.add(r.name));
    }
    const db = this.userDb();
    for (const s of config.vrrpScripts) {
      if (!usedScripts.has(s.name) || s.insecure || this.scripts.has(s.name)) continue;
      // Its user (own `user`, else the default script user); the parser removed those that do not resolve.
      const ids = scriptIds(s.user ?? {}, config.global, db);
      if (!ids) continue;
      const file = resolveScriptFile(s.script.argv[0] ?? '', ids);
      const r = new ScriptRunner(s, ids, this.log, (ok) => this.onChange(`script:${s.name}`, { ok }), file);
      this.scripts.set(s.name, r);
      r.start();
    }
    for (const f of config.trackFiles) {
      if (!usedFiles.has(f.name) || this.files.has(f.name)) continue;
      this.files.set(f.name, new TrackFileWatcher(f.file, (value) => this.onChange(`file:${f.name}`, { value })));
    }
  }

  /** Current status of a script/file tracker, if known (scripts: after their first result). */
  status(id: string): TrackerStatus | undefined {
    if (id.startsWith('script:')) {
      const ok = this.scripts.get(id.slice(7))?.ok;
      return ok === undefined ? undefined : { ok };
    }
    if (id.startsWith('file:')) {
      const w = this.files.get(id.slice(5));
      return w ? { value: w.value } : undefined;
    }
    return undefined;
  }

  stop(): void {
    for (const s of this.scripts.values()) s.stop();
    for (const f of this.files.values()) f.close();
    this.scripts.clear();
    this.files.clear();
  }
}
