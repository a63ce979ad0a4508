// Dump files written on USR1 / USR2 / SIGRTMAX-1 / SIGRTMIN+2: default paths (KA_TMP_DIR /tmp),
// the *_dump_file overrides, and writing with keepalived's umask (files are 0600).
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { strerror } from '../../vrrp/io/native.js';
import type { DumpFailure } from './failure.js';
import type { GlobalDefs } from '../../config/model.js';

export * from './model.js';
export { formatStatsDump } from './stats.js';
export { dumpFailureLines, type DumpFailure } from './failure.js';
export { formatJsonDump } from './json.js';
export { dumpReloadFile, formatVrrpDataDump, formatParentDataDump, globalDefsLines } from './data.js';

export interface DumpPaths { data: string; stats: string; json: string; parentData: string; checkData: string }

/**
 * The dump files in KA_TMP_DIR. With data_use_instance (`names`), keepalived's open_dump_file puts the
 * namespace and instance names before the extension of the data dumps: keepalived.NS_INSTANCE.data.
 */
export function dumpPaths(g: Pick<GlobalDefs, 'stateDumpFile' | 'statsDumpFile' | 'jsonDumpFile'> | undefined, tmpDir = '/tmp', names?: { namespace?: string; instance?: string }): DumpPaths {
  const tag = names && (names.namespace !== undefined || names.instance !== undefined)
    ? `.${names.namespace ?? ''}${names.namespace !== undefined && names.instance !== undefined ? '_' : ''}${names.instance ?? ''}` : '';
  return {
    data: g?.stateDumpFile ?? `${tmpDir}/keepalived${tag}.data`,
    stats: g?.statsDumpFile ?? `${tmpDir}/keepalived.stats`,
    json: g?.jsonDumpFile ?? `${tmpDir}/keepalived.json`,
    parentData: `${tmpDir}/keepalived_parent${tag}.data`,
    checkData: `${tmpDir}/keepalived_check${tag}.data`,
  };
}

/**
 * Writes a dump file (mode 0600) atomically: a reader (keepalived-exporter, a test) that sees the
 * file never sees it half written. Never throws: the failed step (creating the temporary file, or
 * writing / renaming it) with its errno.
 */
export function writeDump(path: string, text: string): DumpFailure | undefined {
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o600);
  } catch (e) {
    return failure('open', e);
  }
  try {
    try { writeFileSync(fd, text); } finally { closeSync(fd); }
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    rmSync(tmp, { force: true });
    return failure('write', e);
  }
}

function failure(step: DumpFailure['step'], e: unknown): DumpFailure {
  const errno = Math.abs((e as NodeJS.ErrnoException).errno ?? 5);
  return { step, errno, text: strerror(errno) };
}
