// Does one process match one tracked-process spec? keepalived 2.2.7's rules (measured, see
// test/unit/vrrp/data/track-process-2.2.7.md): the name is compared exactly (no pattern) with the
// comm (at most 15 bytes: a longer program name only matches its first 15 bytes) or, with
// full_command, with argv[0] as it was given to exec; parameters are compared as NUL-separated bytes
// of the (possibly cut) command line that follow argv[0].
import type { ProcessSpec } from './spec.js';

/** What is known of a process: its comm and/or the first bytes of its command line. */
export interface ProcInfo {
  comm?: Buffer;
  cmdline?: Buffer;
}

/** argv[0]: the command line up to its first NUL (all of it when the read cut it before one). */
function argv0(cmdline: Buffer): Buffer {
  const nul = cmdline.indexOf(0);
  return nul < 0 ? cmdline : cmdline.subarray(0, nul);
}

function paramsMatch(s: ProcessSpec, params: Buffer): boolean {
  const want = s.params;
  if (s.paramMatch === 'exact' && !want && params.length === 0) return true;
  if (params.length < (want?.length ?? 0)) return false;
  if (s.paramMatch === 'exact') return params.length === (want?.length ?? 0) && (!want || params.equals(want));
  if (!want) return true;
  if (s.paramMatch === 'partial') return params.subarray(0, want.length).equals(want);
  // initial: the last configured parameter may be the start of the real one
  return want.length === 1 || params.subarray(0, want.length - 1).equals(want.subarray(0, want.length - 1));
}

export type MatchResult = 'match' | 'no-match' | 'param-mismatch';

/**
 * 'skip': the spec compares what `info` does not hold (a comm change event carries no command line,
 * so full_command specs are not considered then). 'param-mismatch' is a name match whose parameters
 * differ (keepalived then drops the process from that spec if it was counted there).
 */
export function matchProcess(s: ProcessSpec, info: ProcInfo): MatchResult | 'skip' {
  let name: Buffer;
  let cmdline: Buffer | undefined;
  if (s.fullCommand) {
    if (!info.cmdline) return 'skip';
    cmdline = info.cmdline;
    name = argv0(cmdline);
  } else {
    if (!info.comm) return 'skip';
    name = info.comm;
    cmdline = info.cmdline;
  }
  if (!name.equals(s.path)) return 'no-match';
  if (s.paramMatch === 'none') return 'match';
  // parameters follow argv[0]'s NUL; a comm-matched spec with parameters cannot be configured
  const rest = cmdline ? cmdline.subarray(Math.min(cmdline.length, name.length + 1)) : Buffer.alloc(0);
  return paramsMatch(s, rest) ? 'match' : 'param-mismatch';
}
