// unicast_ttl and vrrp_script interval, keepalived 2.2.7 then ours on the same config (root, netns
// prefix "kvti"). Measured on 2.2.7 and held for both: with `unicast_ttl 7` every unicast advert
// leaves with TTL 7 (tcpdump -v); a vrrp_script with `interval 2` runs every 2 s (2.2.7: runs at
// 0, 1.99, 3.99, 5.99 s).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, now, VrrpLab, type Line } from './lab.js';

describe('vrrp unicast_ttl and vrrp_script interval (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  const wire: Line[] = [];
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvti').up();
    L.collect('r2', 'tcpdump', ['--immediate-mode', '-l', '-n', '-v', '-i', 'eth0', 'proto 112'], wire);
  });
  after(async () => { await L?.down(); });

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: unicast adverts with TTL 7, the script every 2 s`, async () => {
      const runs = `${L.dir}/runs.txt`;
      rmSync(runs, { force: true });
      writeFileSync(`${L.dir}/s.sh`, `#!/bin/sh\ndate +%s.%N >> ${runs}\n`);
      chmodSync(`${L.dir}/s.sh`, 0o755);
      const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'], unicastSrc: '10.199.0.1', unicastPeers: ['10.199.0.2'],
        extra: ['unicast_ttl 7', 'track_script {', '    chk', '}'] }], `vrrp_script chk {\n    script ${L.dir}/s.sh\n    interval 2\n}`, 'lab',
      ['enable_script_security', 'script_user root']);
      const t = now();
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('(VI_1) Entering MASTER STATE', 60000);
        await waitFor(() => existsSync(runs) && readFileSync(runs, 'utf8').trim().split('\n').length >= 3, 8000, 50);
        const at = readFileSync(runs, 'utf8').trim().split('\n').map(Number);
        const gaps = at.slice(1).map((x, i) => x - at[i]!);
        assert.ok(gaps.every((g) => g > 1.7 && g < 2.3), `script run gaps ${gaps.map((g) => g.toFixed(2)).join(', ')}`);
        const ttls = (): (string | undefined)[] => wire.filter((l) => l.t >= t && /^\S+ IP \(tos/.test(l.text)).map((l) => /ttl (\d+)/.exec(l.text)?.[1]);
        await waitFor(() => ttls().length >= 3, 5000, 50);
        assert.ok(ttls().every((x) => x === '7'), `TTLs: ${ttls().join(', ')}`);
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
    });
  }
});
