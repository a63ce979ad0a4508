// Chaos tier, peer fault of the alert path: an SMTP server that accepts and never answers (no
// greeting), keepalived 2.2.7 first, then ours, same config (root, netns prefix "kcrs"). An instance
// VI_B with smtp_alert flaps (track_file written every 500 ms) so every transition queues a mail;
// smtp_connect_timeout 2. The steady VI_A (advert_int 0.1 s) must keep its adverts on time, nothing
// may leak (descriptors, memory), and each timeout must be logged as 2.2.7 logs it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { isRoot } from '../../helpers/netns.js';
import { ADVERT_BOUND_MS, figures, flap, flappingInstance, globalDefs, report, runEpisode, VI_A, VI_A_INT_MS, type EpisodeResult } from './res-episode.js';
import { IMPLS, ResLab, SERVICE_IP } from './res-lab.js';

const EPISODE_MS = 6000;
const FLAP_MS = 500;
const SMTP_PORT = 2525;
const TIMEOUT_LINE = `Timeout reading data to remote SMTP server [${SERVICE_IP}]:${SMTP_PORT}.`;

function conf(dir: string): string {
  return `${globalDefs(['smtp_server 10.199.0.10 2525', 'smtp_connect_timeout 2', 'notification_email {', '    ops@example.test', '}',
    'notification_email_from kd@example.test'])}
${VI_A}
${flappingInstance(dir, ['smtp_alert'])}
`;
}

describe('chaos: an SMTP server that accepts and never answers, beside keepalived 2.2.7 (netns)', function () {
  this.timeout(120_000);
  let L: ResLab;
  let accepted: () => number;
  before(async function () {
    if (!isRoot()) this.skip();
    L = new ResLab('kcrs').up();
    ({ accepted } = await L.blackHole([SMTP_PORT]));
  });
  after(async () => { if (L) await L.down(); });

  it('VI_A\'s adverts stay on time, no descriptor or memory growth, each timeout logged as 2.2.7 logs it', async () => {
    const res: EpisodeResult[] = [];
    for (const impl of IMPLS) {
      writeFileSync(`${L.dir}/flap`, '0\n');
      const conns0 = accepted();
      const r = await runEpisode(L, impl, conf(L.dir), {
        episodeMs: EPISODE_MS, ready: ['(VI_B) Entering MASTER STATE'], settleMs: 2500,
        fault: ({ until }) => flap(L.dir, until, FLAP_MS),
      });
      const timeouts = r.lines.filter((l) => l.text === TIMEOUT_LINE).length;
      const other = [...new Set(r.lines.map((l) => l.text).filter((t) => /SMTP/.test(t) && t !== TIMEOUT_LINE))];
      r.extra = { ...r.extra, timeouts, conns: accepted() - conns0, other };
      res.push(r);
    }
    for (const r of res) report('SMTP server accepts, never answers', r, `SMTP connections ${String(r.extra.conns)}, timeout lines ${String(r.extra.timeouts)}; other SMTP lines: ${(r.extra.other as string[]).join(' | ') || 'none'}`);
    for (const r of res) {
      const ctx = figures('smtp', r);
      assert.equal(r.exit?.code, 0, ctx);
      assert.ok(r.adverts.adverts >= (EPISODE_MS / VI_A_INT_MS) * 0.9, ctx);
      // adverts: the bound is asserted for ours; 2.2.7's figures are printed beside them
      if (r.impl === 'ours') assert.ok(r.adverts.max < ADVERT_BOUND_MS, ctx);
      for (const k of ['parent', 'vrrp'] as const) {
        assert.ok(r.after.procs[k]!.rssKb - r.before.procs[k]!.rssKb < 16 * 1024, `${k} RSS; ${ctx}`);
      }
      // each timed-out session logged with 2.2.7's line, at least one during the episode
      assert.ok((r.extra.timeouts as number) >= 1, ctx);
    }
  });
});
