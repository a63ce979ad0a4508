// The parent's startup_script (run before the children start, which wait for it) and
// shutdown_script (run after the children have stopped), as keepalived 2.2.7 runs them
// (main.c; measured: test/unit/daemon/data/start-stop-script-2.2.7.md): as the default script
// user, in its own process group; at the timeout "<kind> script timed out", SIGTERM to the group,
// SIGKILL 2 s later; a non-zero exit "<kind> script script failed, status N" (sic); with -D
// "Running <kind> script <resolved path>" before and "<kind> script script succeeded" after.
import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../common/log.js';
import type { GlobalDefs, ScriptSpec } from '../../config/model.js';
import { runAs, type RunResult } from '../../host/spawn-as.js';
import { defaultScriptUser, scriptIds, type UserDb } from '../../host/users.js';
import { resolveScriptFile } from '../../host/script-security.js';
import { systemScriptHost, systemUserDb } from '../../host/system.js';

export type ScriptPhase = 'startup' | 'shutdown';

export interface StartStopDeps {
  log: Logger;
  detail: boolean;
  /** Log "Script user 'keepalived_script' does not exist" (once per daemon: the first script run). */
  announceDefaultUser?: boolean;
  db?: UserDb;
  run?: typeof runAs;
}

/** The file keepalived names in "Running ... script": argv[0] found on PATH, its directory's symlinks resolved (/bin/sh
 *  -> /usr/bin/sh). */
function shownPath(file: string, ids: { uid: number; gid: number }): string {
  const p = resolveScriptFile(file, ids, systemScriptHost);
  try { return `${realpathSync(dirname(p))}/${basename(p)}`; } catch { return p; }
}

/** Runs the phase's script if one is configured; resolves when it has ended (or was given up). */
export async function runStartStopScript(phase: ScriptPhase, g: GlobalDefs,
    d: StartStopDeps): Promise<RunResult | undefined> {
  const spec: ScriptSpec | undefined = phase === 'startup' ? g.startupScript : g.shutdownScript;
  if (!spec?.argv.length) return undefined;
  const timeout = (phase === 'startup' ? g.startupScriptTimeout : g.shutdownScriptTimeout) ?? 10;
  const db = d.db ?? systemUserDb();
  if (spec.user === undefined && d.announceDefaultUser) {
    const def = defaultScriptUser(g, db);
    if (def.ok && def.message) d.log.info(def.message);
  }
  const ids = scriptIds(spec, g, db);
  const what = `${phase} script`;
  if (!ids) { d.log.info(`Call of ${what} ${spec.argv[0]} failed`); return undefined; }
  if (d.detail) d.log.info(`Running ${what} ${shownPath(spec.argv[0]!, ids)}`);
  const r = await (d.run ?? runAs)(spec.argv, ids, { timeoutMs: timeout * 1000, killGraceMs: 2000, onTimeout: () => d.log.info(`${what} timed out`) });
  if (r.error) d.log.info(`Call of ${what} ${spec.argv[0]} failed`);
  else if (r.code !== null && r.code !== 0) d.log.info(`${what} script failed, status ${r.code}`);
  else if (r.code === 0 && d.detail) d.log.info(`${what} script succeeded`);
  return r;
}
