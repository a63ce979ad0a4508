// A MASTER hearing a lower-priority master (r2 is made deaf to VRRP with an nftables drop in its own
// namespace, so it becomes MASTER at priority 100 while r1 stays MASTER at 150). r1 runs keepalived
// 2.2.7, then our daemon, on the same config (root; skipped otherwise; our daemon needs dist/).
// Measured with 2.2.7 first: per lower advert "(VI_1) Received advert from 10.199.0.2 with lower
// priority 100, ours 150, forcing new election", an immediate advert, notify_master_rx_lower_pri run
// and `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150` on the FIFO; with vrrp_lower_prio_no_advert the line
// has no ", forcing new election" and r1 sends only its one advert per second.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { configText, labPerTest, type Daemon, type VrrpLab } from './lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function conf(lab: VrrpLab, who: string, prio: number, globalExtra = ''): string {
  return configText([{ priority: prio, vips: ['10.199.0.100/24'], extra: ['garp_lower_prio_repeat 1', `notify_master_rx_lower_pri "${lab.dir}/rx.sh"`] }], '', who,
    ['enable_script_security', 'script_user root', `vrrp_notify_fifo ${lab.dir}/${who}.fifo`, globalExtra]);
}

interface Run { r1: Daemon; fifo: string[]; scriptRuns: number; answered: number; r1Adverts: number }

describe('vrrp MASTER receiving a lower-priority advert vs keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'kl');
  const readers: ChildProcess[] = [];
  afterEach(() => { for (const r of readers.splice(0)) if (r.pid) { try { process.kill(-r.pid, 'SIGKILL'); } catch { /* gone */ } } });

  async function run(kind: 'keepalived' | 'daemon', globalExtra: string): Promise<Run> {
    const lab = L();
    writeFileSync(`${lab.dir}/rx.sh`, `#!/bin/sh\necho rx >> ${lab.dir}/rx.log\n`);
    chmodSync(`${lab.dir}/rx.sh`, 0o755);
    execFileSync('mkfifo', [`${lab.dir}/r1.fifo`]);
    readers.push(spawn('sh', ['-c', `while :; do cat ${lab.dir}/r1.fifo; done > ${lab.dir}/r1.fifo.log`], { stdio: 'ignore', detached: true }));
    const dump = lab.lab.spawn(lab.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    // r2 hears nothing: it becomes MASTER at 100 next to r1. Both start at once (the test measures
    // nothing about start-up; each waits out its own Master_Down_Interval): the window below opens
    // once both are MASTER, whichever got there first.
    lab.lab.exec(lab.lab.ns('r2'), 'nft', ['add table inet deaf; add chain inet deaf in { type filter hook input priority 0; }; add rule inet deaf in meta l4proto 112 drop']);
    const r1 = lab.start(kind, 'r1', lab.writeConf('r1', conf(lab, 'r1', 150, globalExtra)));
    const r2 = lab.start('keepalived', 'r2', lab.writeConf('r2', conf(lab, 'r2', 100)));
    await r1.waitLine('(VI_1) Entering MASTER STATE', 25000);
    await r2.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const from = wire.length;
    await sleep(3200);
    // r1's adverts that answer one of r2's within 20 ms
    const secs = (l: string) => { const [h, m, sec] = l.split(' ')[0]!.split(':').map(Number); return h! * 3600 + m! * 60 + sec!; };
    const adv = wire.slice(from).split('\n').filter((l) => l.includes('> 224.0.0.18')).map((l) => ({ r1: l.includes('10.199.0.1 >'), t: secs(l) }));
    const r1Adverts = adv.filter((a) => a.r1).length;
    const answered = adv.filter((a, i) => a.r1 && i > 0 && !adv[i - 1]!.r1 && a.t - adv[i - 1]!.t < 0.02).length;
    r1.signal('SIGTERM');
    await r1.exit(8000);
    await sleep(300);
    const fifo = readFileSync(`${lab.dir}/r1.fifo.log`, 'utf8').split('\n').filter(Boolean);
    const scriptRuns = existsSync(`${lab.dir}/rx.log`) ? readFileSync(`${lab.dir}/rx.log`, 'utf8').split('\n').filter(Boolean).length : 0;
    return { r1, fifo, scriptRuns, answered, r1Adverts };
  }

  function check(r: Run, line: string, forcing: boolean): void {
    const n = r.r1.texts().filter((t) => t === line).length;
    assert.ok(n >= 2, `${r.r1.kind}: ${line}\n${r.r1.texts().join('\n')}`);
    assert.ok(r.scriptRuns >= 2 && Math.abs(r.scriptRuns - n) <= 1, `${r.r1.kind}: script runs ${r.scriptRuns}, lines ${n}`);
    assert.ok(Math.abs(r.fifo.filter((l) => l === 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150').length - n) <= 1, r.fifo.join('\n'));
    // forcing a new election: r1 answers each lower advert at once (and re-arms its timer)
    assert.ok(forcing ? r.answered >= 2 : r.answered === 0, `${r.r1.kind}: ${r.answered} of ${r.r1Adverts} adverts answer r2's`);
    assert.ok(!r.r1.has('(VI_1) Entering BACKUP STATE'), r.r1.texts().join('\n'));
  }

  for (const kind of ['keepalived', 'daemon'] as const) {
    it(`${kind}: "forcing new election", an advert back, notify_master_rx_lower_pri and its FIFO line`, async function () {
      if (kind === 'daemon' && !existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
      check(await run(kind, ''), '(VI_1) Received advert from 10.199.0.2 with lower priority 100, ours 150, forcing new election', true);
    });
    it(`${kind} with vrrp_lower_prio_no_advert: no "forcing new election", no advert back`, async function () {
      if (kind === 'daemon' && !existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
      check(await run(kind, 'vrrp_lower_prio_no_advert'), '(VI_1) Received advert from 10.199.0.2 with lower priority 100, ours 150', false);
    });
  }
});
