// MISC_CHECK probe: run misc_path's argv without a shell as the checker's user (its `user U [G]`,
// else the default script user; src/host/users.ts) through src/host/spawn-as.ts. misc_timeout
// (default delay_loop) ends its process group with SIGTERM, then SIGKILL after 2 s (2.2.7).
// Reports the exit status, signal or timeout.
import { constants } from 'node:os';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { runAs, type RunIdentity } from '../../host/spawn-as.js';
import { scriptIds } from '../../host/users.js';
import { resolveScriptFile } from '../../host/script-security.js';
import { systemScriptHost, systemUserDb } from '../../host/system.js';

const KILL_GRACE_MS = 2000;

export async function runScript(argv: readonly string[], timeoutMs: number, ids: RunIdentity): Promise<Outcome> {
  const r = await runAs(argv, ids, { timeoutMs, killGraceMs: KILL_GRACE_MS });
  if (r.error) return { ok: false, why: 'exit', exitCode: 127 };
  if (r.timedOut) return { ok: false, why: 'timeout' };
  if (r.signal) return { ok: false, why: 'signal', signal: (constants.signals as Record<string, number>)[r.signal] ?? 0 };
  const exitCode = r.code ?? 0;
  return exitCode === 0 ? { ok: true, exitCode } : { ok: false, why: 'exit', exitCode };
}

export function miscProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'MISC_CHECK') throw new Error('miscProbe: wrong checker');
  const timeoutMs = Math.round((c.miscTimeout ?? spec.params.delayLoopMs / 1000) * 1000);
  const global = spec.config?.global ?? { enableScriptSecurity: false };
  // The parser drops a MISC_CHECK whose user (or default user) does not resolve, as 2.2.7 does;
  // one that stops resolving later (user deleted) fails its checks instead of running as root.
  const ids = scriptIds(c.user ?? {}, global, systemUserDb());
  const file = ids ? resolveScriptFile(c.miscPath.argv[0] ?? '', ids, systemScriptHost) : '';
  const argv = ids ? [file, ...c.miscPath.argv.slice(1)] : [];
  const key = `MISC|${JSON.stringify(argv)}|${ids ? `${ids.uid}:${ids.gid}` : '-'}|${timeoutMs}`;
  return {
    key: () => key,
    run: () => (ids && argv[0] ? runScript(argv, timeoutMs, ids) : Promise.resolve<Outcome>({ ok: false, why: 'exit', exitCode: 127 })),
  };
}
