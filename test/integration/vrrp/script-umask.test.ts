// Script security line, script umask and FIFO modes, keepalived 2.2.7 then our daemon on the same
// config (root, netns prefix "kvsu"; our daemon needs dist/). Measured on 2.2.7 and held for both:
// "SECURITY VIOLATION - scripts are being executed but script_security not enabled." is logged once,
// by the VRRP process, after "Registering Kernel netlink command channel"; scripts (vrrp_script and
// notify) run with the daemon's umask (0177, or -u MASK: 0022); notify FIFOs are created 0666 less
// that umask (0600; 0644 with -u 0022).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, tail, VrrpLab } from './lab.js';

describe('vrrp scripts: SECURITY VIOLATION once, -u umask, FIFO mode (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvsu').up(); });
  after(async () => { await L?.down(); });

  for (const kind of ['keepalived', 'daemon'] as const) {
    for (const [args, mask, fifoMode] of [[[], '0177', 0o600], [['-u', '0022'], '0022', 0o644]] as const) {
      it(`${kind}${args.length ? ` ${args.join(' ')}` : ''}: one SECURITY VIOLATION line from the VRRP process, scripts with umask ${mask}, FIFOs ${fifoMode.toString(8)}`, async function () {
        if (kind === 'daemon' && !existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
        const d0 = L.dir;
        for (const f of ['umask.chk', 'umask.notify', 'fifo', 'vfifo']) rmSync(`${d0}/${f}`, { force: true });
        writeFileSync(`${d0}/n.sh`, `#!/bin/sh\numask > ${d0}/umask.$1\n`);
        chmodSync(`${d0}/n.sh`, 0o755);
        const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'], extra: ['track_script {', '    chk', '}', `notify "${d0}/n.sh notify"`] }],
          `vrrp_script chk {\n    script "${d0}/n.sh chk"\n    interval 1\n}`, 'lab', [`notify_fifo ${d0}/fifo`, `vrrp_notify_fifo ${d0}/vfifo`]);
        const d = L.start(kind, 'r1', L.writeConf('r1', conf), [...args]);
        try {
          await d.waitLine(/^\(VI_1\) Entering BACKUP STATE/, 60000);
          await waitFor(() => existsSync(`${d0}/umask.chk`) && existsSync(`${d0}/umask.notify`), 5000);
          const sec = d.texts().filter((l) => l === 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.');
          assert.equal(sec.length, 1, tail(d));
          assert.ok(d.texts().indexOf(sec[0]!) > d.texts().indexOf('Registering Kernel netlink command channel'), tail(d));
          assert.equal(readFileSync(`${d0}/umask.chk`, 'utf8').trim(), mask);
          assert.equal(readFileSync(`${d0}/umask.notify`, 'utf8').trim(), mask);
          for (const f of ['fifo', 'vfifo']) assert.equal(statSync(`${d0}/${f}`).mode & 0o777, fifoMode, f);
        } finally {
          d.signal('SIGTERM');
          await d.exit(10000).catch(() => undefined);
        }
      });
    }
  }
});
