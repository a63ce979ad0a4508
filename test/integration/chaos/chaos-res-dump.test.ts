// Chaos tier, resource fault: the dump directory (/tmp) read-only, then full, when dumps are asked
// (SIGUSR1 data, SIGUSR2 stats, SIGRTMIN+2 JSON), keepalived 2.2.7 first, then ours (root, netns
// prefix "kcrt"). /tmp is a 64 KiB tmpfs mounted for the test inside the daemon's own mount
// namespace (the one `ip netns exec` made; the test checks it is not its own), never the real /tmp.
// Recorded from 2.2.7 (this test, 2026-12): read-only -> per dump fopen_safe's
// "Unable to open '/tmp/F' - errno 30 (Read-only file system)" and "Can't open dump file F (30: ...)"
// (data dumps) / "Can't open /tmp/F (30: ...)" (stats, JSON); full -> no line at all, and each dump
// file is left empty. Pass: the daemon keeps running, adverts stay on time, ours logs 2.2.7's lines
// when the file cannot be created and a line of its own when it cannot be written (the previous
// file kept), and after the heal the dumps are written whole.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { isRoot } from '../../helpers/netns.js';
import { ADVERT_BOUND_MS, globalDefs, report, runEpisode, VI_A, type EpisodeResult } from './res-episode.js';
import { IMPLS, ResLab, sleep } from './res-lab.js';

const SIGRTMIN_2 = 36;
const DUMPS = ['keepalived_parent.data', 'keepalived.data', 'keepalived.stats', 'keepalived.json'];
/** The log lines of one phase, pids taken out. */
const norm = (lines: string[]): string[] => lines.map((l) => l.replace(/process\(\d+\)/, 'process(PID)'));

describe('chaos: /tmp read-only or full when a dump is asked, beside keepalived 2.2.7 (netns)', function () {
  this.timeout(120_000);
  let L: ResLab;
  before(function () { if (!isRoot()) this.skip(); L = new ResLab('kcrt').up(); });
  after(async () => { if (L) await L.down(); });

  it('dumps on a read-only and on a full /tmp: a logged error per dump, the daemon runs on, adverts on time; whole dumps after the heal', async () => {
    const res: EpisodeResult[] = [];
    for (const impl of IMPLS) {
      const r = await runEpisode(L, impl, `${globalDefs()}\n${VI_A}\n`, {
        episodeMs: 0,
        fault: async ({ daemon, pids }) => {
          const pid = pids.parent;
          // never the test's own mount namespace: the tmpfs must hide /tmp from the daemon only
          assert.notEqual(readlinkSync(`/proc/${pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
          const inNs = (...a: string[]): string => execFileSync('nsenter', ['-t', String(pid), '-m', ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          // /tmp of the daemon's own mount namespace: a 64 KiB tmpfs of this run, not the host's /tmp
          const NS_TMP = '/tmp';
          inNs('mount', '-t', 'tmpfs', '-o', 'size=64k,mode=1777', `kcrt${process.pid}`, NS_TMP);
          const phase = async (): Promise<string[]> => {
            const from = daemon.lines.length;
            daemon.signal('SIGUSR1'); await sleep(600);
            daemon.signal('SIGUSR2'); await sleep(600);
            process.kill(pid, SIGRTMIN_2); await sleep(600);
            return norm(daemon.lines.slice(from).map((l) => l.text).filter((t) => !/gratuitous ARP/.test(t)));
          };
          const sizes = (): string => DUMPS.map((f) => { try { return `${f}=${inNs('stat', '-c', '%s', `${NS_TMP}/${f}`).trim()}`; } catch { return `${f}=none`; } }).join(' ');
          inNs('mount', '-o', 'remount,ro', '/tmp');
          const ro = await phase();
          inNs('mount', '-o', 'remount,rw', '/tmp');
          try { inNs('dd', 'if=/dev/zero', `of=${NS_TMP}/fill`, 'bs=4k'); } catch { /* ENOSPC: full */ }
          const full = await phase();
          const fullSizes = sizes();
          inNs('rm', '-f', `${NS_TMP}/fill`);
          const healed = await phase();
          const healedSizes = sizes();
          inNs('umount', '/tmp');
          return { ro, full, fullSizes, healed, healedSizes };
        },
      });
      res.push(r);
      report('dump dir read-only / full', r, `read-only: ${(r.extra.ro as string[]).length} lines; full: ${(r.extra.full as string[]).length} lines, files ${String(r.extra.fullSizes)}; healed: ${String(r.extra.healedSizes)}`);
      for (const k of ['ro', 'full', 'healed']) console.log(`        ${r.impl} ${k}:\n          ${(r.extra[k] as string[]).join('\n          ')}`);
    }
    const [ka, ours] = res as [EpisodeResult, EpisodeResult];
    for (const r of res) {
      assert.equal(r.exit?.code, 0, `${r.impl} stopped with ${JSON.stringify(r.exit)} (it must run through the episode)`);
      // adverts: the bound is asserted for ours; 2.2.7's figures are printed beside them
      if (r.impl === 'ours') assert.ok(r.adverts.max < ADVERT_BOUND_MS, `${r.impl}: advert interval max ${r.adverts.max.toFixed(1)} ms`);
    }
    // read-only: the same lines as 2.2.7 (the parent's and the VRRP child's interleave as they may)
    const sorted = (x: unknown): string[] => [...(x as string[])].sort();
    assert.deepEqual(sorted(ours.extra.ro), sorted(ka.extra.ro));
    assert.equal((ka.extra.ro as string[]).filter((l) => l.startsWith('Unable to open')).length, 4);
    // full: 2.2.7 says nothing and leaves empty files; ours logs each failed write and writes nothing
    assert.deepEqual((ka.extra.full as string[]).filter((l) => /open|writ/i.test(l)), []);
    const writes = (ours.extra.full as string[]).filter((l) => l.startsWith("Can't write dump file /tmp/"));
    assert.equal(writes.length, 4, (ours.extra.full as string[]).join('\n'));
    assert.match(String(ours.extra.fullSizes), /^(\S+=none ?){4}$/);
    // healed: every dump written, whole
    for (const r of res) {
      for (const f of DUMPS) assert.match(String(r.extra.healedSizes), new RegExp(`${f.replace('.', '\\.')}=[1-9]`), `${r.impl}: ${String(r.extra.healedSizes)}`);
    }
  });
});
