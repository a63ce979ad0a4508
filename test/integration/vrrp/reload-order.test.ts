// The order of a reload's lines and FIFO notifies across instances, keepalived 2.2.7 beside our daemon
// on the same config (root, netns prefix "kvro"; our daemon needs dist/). Each router: VI_1, VI_2 MASTER
// (150), VI_3 MASTER (100), VI_5 tracking trk (down: FAULT); the reload adds trk to VI_1 and VI_2,
// deletes VI_3 and adds VI_4 tracking trk, with fifo_write_vrrp_states_on_reload. Measured on 2.2.7,
// held for ours, line for line: the FAULT reasons of every instance, then "(VI) entering FAULT state"
// of those the reload puts there, the deleted MASTER's priority 0, the kept MASTERs' "setting VIPs.",
// their "removing VIPs.", the sockpool; FIFO: the new FAULTs (VI_1, VI_2, VI_4), the deleted VI_3, then
// every FAULT instance written again; STOP in file order. The start-up gives FAULT (VI_5) before the
// BACKUPs as well.
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isRoot } from '../../helpers/netns.js';
import { now, tail, VrrpLab, type Daemon } from './lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function inst(name: string, vrid: number, prio: number, track: boolean): string {
  return [`vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, `    priority ${prio}`, '    advert_int 1',
    ...(track ? ['    track_interface {', '        trk', '    }'] : []), '    virtual_ipaddress {', `        10.199.1.${vrid}/32`, '    }', '}'].join('\n');
}

function conf(fifo: string, base: number, after: boolean): string {
  const g = `global_defs {\n    router_id r\n    notify_fifo ${fifo}\n    fifo_write_vrrp_states_on_reload\n}`;
  const list = after
    ? [inst('VI_1', base + 1, 150, true), inst('VI_2', base + 2, 150, true), inst('VI_4', base + 4, 100, true), inst('VI_5', base + 5, 100, true)]
    : [inst('VI_1', base + 1, 150, false), inst('VI_2', base + 2, 150, false), inst('VI_3', base + 3, 100, false), inst('VI_5', base + 5, 100, true)];
  return [g, ...list].join('\n') + '\n';
}

describe('vrrp reload: order of lines and FIFO notifies across instances (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  const readers: ChildProcess[] = [];
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvro').up(); });
  after(async () => {
    for (const r of readers) if (r.pid) { try { process.kill(-r.pid, 'SIGKILL'); } catch { /* gone */ } }
    await L?.down();
  });

  it('the same lines from "Reloading" to the sockpool line, the same FIFO lines in the same order', async function () {
    if (!existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
    const sides = [{ who: 'r1', kind: 'keepalived' as const, base: 50 }, { who: 'r2', kind: 'daemon' as const, base: 70 }];
    const ds: Daemon[] = [];
    for (const s of sides) {
      const fifo = `${L.dir}/${s.who}.fifo`;
      execFileSync('mkfifo', [fifo]);
      // 2.2.7 closes and reopens its FIFO at a reload: a reader that stops at EOF would miss the rest
      readers.push(spawn('sh', ['-c', `while :; do cat ${fifo}; done > ${fifo}.log`], { stdio: 'ignore', detached: true }));
      L.addTrackIf(s.who, 'trk');
      L.lab.exec(L.lab.ns(s.who), 'ip', ['link', 'set', 'trk', 'down']);
      ds.push(L.start(s.kind, s.who, L.writeConf(s.who, conf(fifo, s.base, false))));
    }
    for (const d of ds) for (const vi of ['VI_1', 'VI_2', 'VI_3']) await d.waitLine(`(${vi}) Entering MASTER STATE`, 60000);
    await sleep(500);
    sides.forEach((s) => L.writeConf(s.who, conf(`${L.dir}/${s.who}.fifo`, s.base, true)));
    const t = now();
    for (const d of ds) d.signal('SIGHUP');
    for (const d of ds) await d.waitLine(/^VRRP sockpool/, 5000, t);
    await sleep(1500);
    for (const d of ds) d.signal('SIGTERM');
    for (const d of ds) await d.exit(10000);
    await sleep(300);
    // from the child's "Reloading" to the last sockpool line, the instances' lines and the sockpool lines
    const reloadLines = (d: Daemon): string[] => {
      const t = d.texts();
      const from = t.indexOf('Reloading');
      const to = t.length - 1 - [...t].reverse().findIndex((l) => l.startsWith('VRRP sockpool'));
      return t.slice(from, to + 1).filter((l) => /^\(VI_\d\)/.test(l) && !/gratuitous|Sending\/queueing/.test(l));
    };
    const [ka, ours] = ds.map(reloadLines) as [string[], string[]];
    assert.deepEqual(ka, [
      '(VI_1): entering FAULT state (interface trk down)', '(VI_2): entering FAULT state (interface trk down)',
      '(VI_4): entering FAULT state (interface trk down)', '(VI_5): entering FAULT state (interface trk down)',
      '(VI_1) entering FAULT state', '(VI_2) entering FAULT state', '(VI_4) entering FAULT state',
      '(VI_3) sent 0 priority', '(VI_3) removing VIPs.', '(VI_1) setting VIPs.', '(VI_2) setting VIPs.', '(VI_1) removing VIPs.', '(VI_2) removing VIPs.',
    ], tail(ds[0]!));
    assert.deepEqual(ours, ka, tail(ds[1]!));
    const [kaFifo, ourFifo] = sides.map((s) => readFileSync(`${L.dir}/${s.who}.fifo.log`, 'utf8').split('\n').filter(Boolean)) as [string[], string[]];
    assert.deepEqual(kaFifo, [
      'INSTANCE "VI_5" FAULT 100', 'INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_2" BACKUP 150', 'INSTANCE "VI_3" BACKUP 100',
      'INSTANCE "VI_1" MASTER 150', 'INSTANCE "VI_2" MASTER 150', 'INSTANCE "VI_3" MASTER 100',
      'INSTANCE "VI_1" FAULT 150', 'INSTANCE "VI_2" FAULT 150', 'INSTANCE "VI_4" FAULT 100', 'INSTANCE "VI_3" FAULT 100',
      'INSTANCE "VI_1" FAULT 150', 'INSTANCE "VI_2" FAULT 150', 'INSTANCE "VI_4" FAULT 100', 'INSTANCE "VI_5" FAULT 100',
      'INSTANCE "VI_1" STOP 150', 'INSTANCE "VI_2" STOP 150', 'INSTANCE "VI_4" STOP 100', 'INSTANCE "VI_5" STOP 100',
    ]);
    assert.deepEqual(ourFifo, kaFifo);
  });
});
