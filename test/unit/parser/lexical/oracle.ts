// Differential oracle: run the real keepalived 2.2.7 (`keepalived -t -f FILE -i ID`) on a config
// whose every logical line starts with an unknown top-level word, so that keepalived prints one
// "Unknown keyword '<first word>'" per line it produced; and predict the same output from our
// preprocessor. Only the parent process's messages are kept (children re-read a consolidated copy
// and always print "(FILE: Line N)").
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { PreprocessResult } from '../../../../src/parser/lines.js';

export const KEEPALIVED = ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived'].find((p) => fs.existsSync(p));

/** Codes keepalived logs with log_message(), which -t does not print. */
const NOT_PRINTED = new Set(['KA_CFG_RANDOM_PARAMS', 'KA_CFG_SUBST_TOO_LONG']);

export function runKeepalived(file: string, configId: string, multiFile = false): { lines: string[];
    rc: number; killed: boolean } {
  const r = spawnSync(KEEPALIVED!, ['-t', '-f', file, '-i', configId], { encoding: 'latin1', timeout: 5000, maxBuffer: 64 << 20 });
  const all = (r.stderr ?? '').split('\n').filter((l) => l !== '');
  const childPrefix = `(${file}: `;
  const lines: string[] = [];
  for (const l of all) {
    // children re-read the consolidated copy: they always name the file (sometimes wrongly, e.g.
    // a line that decomments to '#...' is taken as a file marker there), the parent never does
    // for a single-file configuration
    if (multiFile) {
      // the parent names included files too: stop where the first child starts (the test
      // configurations make line 1 of the main file produce a message)
      if (l.startsWith(childPrefix) || l.startsWith('(: ')) break;
    } else if (l.startsWith(childPrefix) || /^\(.*: Line \d+\) /.test(l)) continue;
    // the end-of-input message has no line prefix; the children repeat it
    if (l.startsWith('There are ') && lines.some((x) => x.startsWith('There are '))) continue;
    lines.push(Buffer.from(l, 'latin1').toString('utf8'));
  }
  return { lines, rc: r.status ?? -1, killed: r.signal !== null || r.error !== undefined };
}

export function predict(r: PreprocessResult): string[] {
  const out: string[] = [];
  const prefix = (line: number, file?: string, show?: boolean): string =>
    (show ? `(${file}: Line ${line}) ` : line > 0 ? `(Line ${line}) ` : '');
  let di = 0;
  const flush = (k: number): void => {
    while (di < r.diagnostics.length && r.diagnostics[di]!.before <= k) {
      const d = r.diagnostics[di]!;
      if ((d.code.startsWith('KA_CFG_') || d.code.startsWith('KA_INCLUDE_')) && !NOT_PRINTED.has(d.code)) {
        // keepalived prints the end-of-input message after line numbers are reset
        out.push((d.code === 'KA_CFG_MISSING_EOB' ? '' : prefix(d.pos?.line ?? 0, d.pos?.file, d.showFile)) + d.message);
      }
      di++;
    }
  };
  r.lines.forEach((l, k) => {
    flush(k);
    if (l.words.length === 0) return;
    const p = prefix(l.pos.line, l.pos.file, l.showFile);
    if (l.brace === '{') out.push(`${p}Unexpected '{' - ignoring`);
    else out.push(`${p}Unknown keyword '${l.words[0]!.text}'`);
  });
  flush(r.lines.length);
  return out;
}
