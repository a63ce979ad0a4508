// The checker process's dump (/tmp/keepalived_check.data): each virtual server, its real servers
// and their checkers. Linear in the number of checkers (they are grouped by real server first).
import { weighLive, type RsState, type VsState } from './core/lvs-core.js';
import type { CheckerInst } from './checker-inst.js';

type DumpInst = Pick<CheckerInst, 'rs' | 'checker' | 'isUp' | 'hasRun' | 'params' | 'retryIt' | 'checks'>;

export function checkerDumpText(vss: readonly VsState[], insts: readonly DumpInst[]): string {
  const byRs = new Map<RsState, DumpInst[]>();
  for (const i of insts) {
    const l = byRs.get(i.rs);
    if (l) l.push(i); else byRs.set(i.rs, [i]);
  }
  const out: string[] = ['------< Health checkers >------'];
  for (const v of vss) {
    out.push(` VS = ${v.text}`);
    out.push(`   quorum = ${v.vs.quorum}, hysteresis = ${v.vs.hysteresis}, quorum state = ${v.quorumUp ? 'UP' : 'DOWN'}, alive weight = ${weighLive(v)}`);
    if (v.sorryText) out.push(`   sorry server = ${v.sorryText} (${v.sorryAlive ? 'in use' : 'idle'})`);
    for (const r of v.rss) {
      out.push(`   RS = ${r.text}`);
      out.push(`     alive = ${r.alive ? 'yes' : 'no'}, weight = ${r.iweight}, effective weight = ${r.effWeight}, failed checkers = ${r.numFailed}, ` +
        `inhibit = ${r.inhibit ? 'yes' : 'no'}`);
      for (const i of byRs.get(r) ?? []) {
        out.push(`     ${i.checker.type}: ${i.isUp ? 'UP' : 'DOWN'}, has_run = ${i.hasRun ? 'yes' : 'no'}, retry = ${i.params.retry}, ` +
          `retry_it = ${i.retryIt}, delay_loop = ${i.params.delayLoopMs / 1000}s, checks = ${i.checks}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
