// The track_process table (src/vrrp/process-track/core.ts) against keepalived 2.2.7's behaviour,
// as scenario tables: each row is an event and the "Quorum gained|lost for tracked process NAME"
// results keepalived logged for it. The scenarios replay the measurements recorded in
// test/unit/vrrp/data/track-process-2.2.7.md (same configurations, same event sequences).
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/common/clock.js';
import type { VrrpTrackProcess } from '../../../../src/config/model.js';
import { ProcessTable } from '../../../../src/vrrp/process-track/core.js';
import type { ProcInfo } from '../../../../src/vrrp/process-track/match.js';
import { specOf } from '../../../../src/vrrp/process-track/spec.js';

/** A process as /proc shows it: its comm (default: basename of argv[0], cut to 15 bytes) and argv. */
interface P { argv: string[]; comm?: string }
const info = (p: P): ProcInfo => ({
  comm: Buffer.from(p.comm ?? p.argv[0]!.split('/').pop()!.slice(0, 15)),
  cmdline: Buffer.from(p.argv.map((a) => `${a}\0`).join('')),
});

type Step =
  | { scan: Record<number, P> }
  | { exec: number; as: P | 'gone' }
  | { fork: number; child: number }
  | { exit: number }
  | { comm: number; name: string }
  | { wait: number };

interface Row { step: Step; want?: string[]; status?: Record<string, boolean> }
interface Scenario { name: string; blocks: (Partial<VrrpTrackProcess> & { name: string;
  process: string[] })[]; rows: Row[] }

const block = (b: Scenario['blocks'][number]): VrrpTrackProcess => ({ weight: 0, reverse: false, quorum: 1, fullCommand: false, ...b });

const SLEEP = { argv: ['/tmp/d/tpsleep', '100'] };

const scenarios: Scenario[] = [
  {
    name: 'without weight: the process dies and comes back (e1)',
    blocks: [{ name: 'P1', process: ['tpsleep'] }],
    rows: [
      { step: { scan: { 100: SLEEP } }, status: { P1: true } },
      { step: { exit: 100 }, want: ['P1 lost'] },
      { step: { exec: 101, as: SLEEP }, want: ['P1 gained'] },
      { step: { exit: 101 }, want: ['P1 lost'] },
    ],
  },
  {
    name: 'absent at start: no quorum, nothing reported until it starts (e2 with events)',
    blocks: [{ name: 'P1', process: ['tpsleep'] }],
    rows: [
      { step: { scan: {} }, want: [], status: { P1: false } },
      { step: { exec: 7, as: SLEEP }, want: ['P1 gained'] },
    ],
  },
  {
    name: 'quorum 2, quorum_max 3 (sc/quorum)',
    blocks: [{ name: 'P1', process: ['tpsleep'], quorum: 2, quorumMax: 3, weight: -10 }],
    rows: [
      { step: { scan: {} }, status: { P1: false } },
      { step: { exec: 1, as: SLEEP }, want: [] },
      { step: { exec: 2, as: SLEEP }, want: ['P1 gained'] },
      { step: { exec: 3, as: SLEEP }, want: [] },
      { step: { exec: 4, as: SLEEP }, want: ['P1 lost'] },
      { step: { exit: 4 }, want: ['P1 gained'] },
      { step: { exit: 3 }, want: [] },
      { step: { exit: 2 }, want: ['P1 lost'] },
      { step: { exit: 1 }, want: [] },
    ],
  },
  {
    name: 'delay 1.5: a restart within the delay is not seen, an exit is seen 1.5 s later (sc/delay)',
    blocks: [{ name: 'P2', process: ['tpsleep'], terminateDelay: 1.5, forkDelay: 1.5 }],
    rows: [
      { step: { scan: {} } },
      { step: { exec: 1, as: SLEEP }, want: ['P2 gained'] },
      { step: { exit: 1 }, want: [] },
      { step: { wait: 1000 }, want: [] },
      { step: { exec: 2, as: SLEEP }, want: [] },
      { step: { wait: 3000 }, want: [], status: { P2: true } },
      { step: { exit: 2 }, want: [] },
      { step: { wait: 1499 }, want: [] },
      { step: { wait: 1 }, want: ['P2 lost'] },
    ],
  },
  {
    name: 'fork_delay 1 / terminate_delay 2, quorum 2: a counted process forks (sc/delay)',
    blocks: [{ name: 'P1', process: ['tpbash'], terminateDelay: 2, forkDelay: 1, quorum: 2 }],
    rows: [
      { step: { scan: {} } },
      { step: { exec: 10, as: { argv: ['/tmp/d/tpbash', '-c', 'x'] } }, want: [] },
      // `sleep 0.5`: a fork that execs another program at once cancels its pending fork_delay
      { step: { fork: 10, child: 11 }, want: [] },
      { step: { exec: 11, as: { argv: ['sleep', '0.5'] } }, want: [], status: { P1: false } },
      { step: { exit: 11 }, want: [] },
      // the subshell stays a tpbash: quorum after fork_delay
      { step: { fork: 10, child: 12 }, want: [] },
      { step: { wait: 999 }, want: [] },
      { step: { wait: 1 }, want: ['P1 gained'] },
      // both killed: below quorum once, after terminate_delay
      { step: { exit: 12 }, want: [] },
      { step: { exit: 10 }, want: [] },
      { step: { wait: 2000 }, want: ['P1 lost'] },
    ],
  },
  {
    name: 'an exit while a fork_delay runs cancels it and takes effect at once',
    blocks: [{ name: 'P1', process: ['tpbash'], forkDelay: 5, terminateDelay: 5, quorum: 2 }],
    rows: [
      { step: { scan: { 10: { argv: ['tpbash'] } } }, status: { P1: false } },
      { step: { fork: 10, child: 11 }, want: [] },
      { step: { exit: 11 }, want: [] },
      { step: { wait: 6000 }, want: [], status: { P1: false } },
    ],
  },
  {
    name: 'names and parameters (sc/match)',
    blocks: [
      { name: 'T1', process: ['tpsleep_very_long_name'] },
      { name: 'T2', process: ['tpsleep_very_lo'] },
      { name: 'T3', process: ['/tmp/d/tpsleep_very_long_name'], fullCommand: true },
      { name: 'T4', process: ['tpsleep', '1000'], paramMatch: 'exact', fullCommand: true },
      { name: 'T5', process: ['tpsleep', '10'], paramMatch: 'initial', fullCommand: true },
      { name: 'T6', process: ['tpsleep', '10'], paramMatch: 'partial', fullCommand: true },
      { name: 'T7', process: ['tpcat'], paramMatch: 'exact', fullCommand: true },
      { name: 'T8', process: ['tpsleep'], fullCommand: true },
      { name: 'T9', process: ['tpsleep'] },
    ],
    rows: [
      { step: { scan: {} } },
      { step: { exec: 1, as: { argv: ['/tmp/d/tpsleep_very_long_name', '100'] } }, want: ['T2 gained', 'T3 gained'] },
      { step: { exit: 1 }, want: ['T2 lost', 'T3 lost'] },
      { step: { exec: 2, as: { argv: ['tpsleep', '1000'] } }, want: ['T4 gained', 'T5 gained', 'T8 gained', 'T9 gained'] },
      { step: { exit: 2 }, want: ['T4 lost', 'T5 lost', 'T8 lost', 'T9 lost'] },
      { step: { exec: 3, as: { argv: ['tpsleep', '10', '20'] } }, want: ['T5 gained', 'T6 gained', 'T8 gained', 'T9 gained'] },
      { step: { exit: 3 }, want: ['T5 lost', 'T6 lost', 'T8 lost', 'T9 lost'] },
      { step: { exec: 4, as: { argv: ['/tmp/d/tpsleep', '1000'] } }, want: ['T9 gained'] },
      { step: { exit: 4 }, want: ['T9 lost'] },
      { step: { exec: 5, as: { argv: ['tpcat'] } }, want: ['T7 gained'] },
      { step: { exit: 5 }, want: ['T7 lost'] },
      { step: { exec: 6, as: { argv: ['tpcat', '-u'] } }, want: [] },
    ],
  },
  {
    name: 'a process renames itself (sc/comm): exit order follows the order it was counted in',
    blocks: [
      { name: 'P1', process: ['tpbash'] },
      { name: 'P2', process: ['renamed'] },
      { name: 'P3', process: ['/tmp/d/tpbash'], fullCommand: true },
    ],
    rows: [
      { step: { scan: {} } },
      { step: { exec: 5, as: { argv: ['/tmp/d/tpbash', '-c', 'x'] } }, want: ['P1 gained', 'P3 gained'] },
      { step: { comm: 5, name: 'renamed' }, want: ['P1 lost', 'P2 gained'] },
      { step: { comm: 5, name: 'tpbash' }, want: ['P2 lost', 'P1 gained'] },
      { step: { comm: 5, name: 'tpbash' }, want: [] },
      { step: { exit: 5 }, want: ['P3 lost', 'P1 lost'] },
    ],
  },
  {
    name: 'a process that execs the same program again counts twice until it exits (sc/reexec)',
    blocks: [{ name: 'P1', process: ['tpbash'], quorumMax: 1 }],
    rows: [
      { step: { scan: {} } },
      { step: { exec: 5, as: { argv: ['tpbash', '-c', 'a'] } }, want: ['P1 gained'] },
      { step: { exec: 5, as: { argv: ['tpbash', '-c', 'b'] } }, want: ['P1 lost'] },
      { step: { exit: 5 }, want: ['P1 gained', 'P1 lost'] },
    ],
  },
  {
    name: 'one process, several blocks: results in block order (sc/multi)',
    blocks: [{ name: 'P1', process: ['tpsleep'] }, { name: 'P2', process: ['tpsleep'], weight: -30 }],
    rows: [
      { step: { scan: {} }, status: { P1: false, P2: false } },
      { step: { exec: 9, as: SLEEP }, want: ['P1 gained', 'P2 gained'] },
      { step: { exit: 9 }, want: ['P1 lost', 'P2 lost'] },
    ],
  },
  {
    name: 'quorum_max 0: quorum while the process does not run',
    blocks: [{ name: 'N', process: ['tpsleep'], quorum: 0, quorumMax: 0 }],
    rows: [
      { step: { scan: {} }, status: { N: true } },
      { step: { exec: 1, as: SLEEP }, want: ['N lost'] },
      { step: { exit: 1 }, want: ['N gained'] },
    ],
  },
  {
    name: 'an exec into other parameters leaves a parameter-matched block; a vanished process changes nothing',
    blocks: [{ name: 'A', process: ['tpsleep', '100'], paramMatch: 'exact', fullCommand: true }],
    rows: [
      { step: { scan: { 4: { argv: ['tpsleep', '100'] } } }, status: { A: true } },
      { step: { exec: 4, as: 'gone' }, want: [] },
      { step: { exec: 4, as: { argv: ['tpsleep', '200'] } }, want: ['A lost'] },
      { step: { exit: 4 }, want: [] },
    ],
  },
  {
    name: 'start-up skips processes that do not match; forks of untracked processes are ignored',
    blocks: [{ name: 'P1', process: ['tpsleep'], quorum: 2 }],
    rows: [
      { step: { scan: { 1: { argv: ['init'] }, 2: SLEEP } }, status: { P1: false } },
      { step: { fork: 1, child: 3 }, want: [] },
      { step: { fork: 2, child: 4 }, want: ['P1 gained'] },
    ],
  },
];

describe('vrrp/process-track: the process table (keepalived 2.2.7 scenarios)', () => {
  for (const sc of scenarios) {
    it(sc.name, () => {
      const clock = new FakeClock(1000);
      const t = new ProcessTable(sc.blocks.map((b) => specOf(block(b))), clock);
      sc.rows.forEach((row, i) => {
        const s = row.step;
        let got: { name: string; up: boolean }[] = [];
        if ('scan' in s) t.scan(Object.entries(s.scan).map(([pid, p]) => ({ pid: Number(pid), info: info(p) })));
        else if ('exec' in s) got = t.exec(s.exec, s.as === 'gone' ? undefined : info(s.as));
        else if ('fork' in s) got = t.fork(s.fork, s.child);
        else if ('exit' in s) got = t.exit(s.exit);
        else if ('comm' in s) got = t.comm(s.comm, Buffer.from(s.name));
        else {
          // the adapter's timer: expire whenever a delay comes due within the wait
          const end = clock.now() + s.wait;
          for (let due = t.nextDue(); due !== undefined && due <= end; due = t.nextDue()) { clock.set(due);
            got.push(...t.expire()); }
          clock.set(end);
        }
        const where = `row ${i} ${JSON.stringify(s)}`;
        if (row.want) assert.deepEqual(got.map((c) => `${c.name} ${c.up ? 'gained' : 'lost'}`), row.want, where);
        for (const [name, up] of Object.entries(row.status ?? {})) assert.equal(t.haveQuorum(name), up, `${where}: ${name}`);
      });
    });
  }
});

describe('vrrp/process-track: recount after lost events', () => {
  it('reports the blocks whose count changed and their quorum changes; a loss waits for terminate_delay', () => {
    const clock = new FakeClock(0);
    const t = new ProcessTable([
      specOf(block({ name: 'A', process: ['tpsleep'] })),
      specOf(block({ name: 'B', process: ['tpbash'], terminateDelay: 2 })),
      specOf(block({ name: 'C', process: ['tpcat'], quorum: 1 })),
    ], clock);
    t.scan([{ pid: 1, info: info({ argv: ['tpbash'] }) }, { pid: 2, info: info({ argv: ['tpcat'] }) }, { pid: 3, info: info({ argv: ['tpcat'] }) }]);
    const r = t.rescan([{ pid: 5, info: info({ argv: ['tpsleep'] }) }, { pid: 2, info: info({ argv: ['tpcat'] }) }]);
    assert.deepEqual(r, [
      { name: 'A', from: 0, to: 1, quorum: 'up', change: { name: 'A', up: true } },
      { name: 'B', from: 1, to: 0, quorum: 'down' },
      { name: 'C', from: 2, to: 1 },
    ]);
    clock.set(2000);
    assert.deepEqual(t.expire(), [{ name: 'B', up: false }]);
    // the table was rebuilt from the recount: pid 3 is no longer counted
    assert.deepEqual(t.exit(3), []);
    assert.deepEqual(t.exit(2), [{ name: 'C', up: false }]);
  });
});
