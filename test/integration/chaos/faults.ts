// The chaos tier's network and process faults, each one fault + heal + the pass criterion
// (ChaosLab.assertHealed) + its own checks; shared by the all-ours files and the mixed pass with
// keepalived 2.2.7. Every function prints its figures and returns them.
import { assertWithin, MARGIN, upTo } from '../../helpers/bounds.js';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/netns.js';
import { now, type Line } from '../vrrp/lab.js';
import { ADVERT_S, INSTANCES, MARGIN_MS, masterDownMs, type ChaosLab, type Figures, type ImpairCounts, type Impairment, type Router } from './lab.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const instOf = (r: Router) => INSTANCES.find((i) => i.prio[r] === 150)!;
const addrOf = (r: Router) => `10.199.0.${r.slice(1)}`;

/** Loss, duplication and reordering on every frame toward a router for `ms`, then the heal. */
export async function impairFault(lab: ChaosLab, imp: Impairment, ms: number): Promise<{ rows: Figures[];
    counts: ImpairCounts }> {
  const t0 = now();
  lab.impair(imp);
  await sleep(ms);
  const counts = lab.impairCounts();
  lab.unimpair();
  const heal = now();
  console.log(`    nftables: ${counts.dropped} frames dropped, ${counts.duplicated} duplicated, ${counts.delayed} delayed (reordered)`);
  const name = `loss ${imp.lossPct ?? 0}% dup ${imp.dupPct ?? 0}% reorder ${imp.reorderPct ?? 0}%, ${ms / 1000} s`;
  const rows = await lab.assertHealed(name, t0, heal);
  // the impairment really happened (about 30 % of some 60 adverts and GARPs per router)
  if (imp.lossPct) assert.ok(counts.dropped > 0, 'frames dropped');
  if (imp.dupPct) assert.ok(counts.duplicated > 0, 'frames duplicated');
  if (imp.reorderPct) assert.ok(counts.delayed > 0, 'frames delayed');
  return { rows, counts };
}

/**
 * Router r (master of one instance) cut off from the segment for `holdMs` (its link stays up: it
 * stays MASTER on its side, the peer takes over after Master_Down_Interval), then the heal.
 */
export async function partitionFault(lab: ChaosLab, r: Router, holdMs: number): Promise<Figures[]> {
  const inst = instOf(r);
  const t0 = now();
  lab.cut(r);
  await sleep(holdMs);
  const heal = now();
  lab.uncut(r);
  // on its side of the cut the master kept the VIP: both held it (the classic split brain)
  const s = lab.monitor.summary(inst.vip, t0, heal);
  assert.ok(s.dualMs > 0, `${inst.name}: no dual master during the partition (${s.path.join(' > ')})`);
  return lab.assertHealed(`partition of ${r} (${holdMs / 1000} s)`, t0, heal);
}

/** `times` down/up cycles of router r's link within a second, then the heal (the last up). */
export async function flapFault(lab: ChaosLab, r: Router, times = 4, halfMs = 100): Promise<Figures[]> {
  const t0 = now();
  const heal = await lab.flap(r, times, halfMs);
  // the fault as described: the down/up cycles at their pace, each `ip link` maybe held up on this machine
  assertWithin(heal - t0, upTo(times * 2 * halfMs, MARGIN.busyLate, `${times} x 2 x ${halfMs} ms`), 'the flaps');
  return lab.assertHealed(`${times} link flaps of ${r} in ${Math.round(heal - t0)} ms`, t0, heal);
}

/**
 * SIGSTOP of router r's VRRP process for `ms` (r masters one instance), then SIGCONT: the peer takes
 * over within its Master_Down_Interval of r's last advert; when r wakes one master remains within one
 * advert interval, r (the winner) sends gratuitous ARPs again, both log 2.2.7's lines, and our
 * daemons count one master conflict each.
 */
export async function stallFault(lab: ChaosLab, r: Router, ms = 5000): Promise<Figures[]> {
  const inst = instOf(r);
  const peer = (Object.keys(inst.prio) as Router[]).find((x) => inst.prio[x] === 100)!;
  const pid = lab.pids(r).vrrp!;
  const before = new Map<Router, number>();
  for (const x of [r, peer]) if (lab.kinds.get(x) === 'daemon') before.set(x, (await conflicts(lab, x, inst.name)).count);
  const t0 = now();
  process.kill(pid, 'SIGSTOP');
  // the time of the wake-up is taken before SIGCONT: the woken process may run (and send its
  // gratuitous ARPs) before this one is scheduled again
  let cont = now();
  try { await sleep(ms); } finally { cont = now(); process.kill(pid, 'SIGCONT'); }
  const rows = await lab.assertHealed(`SIGSTOP ${ms / 1000} s of ${r}'s VRRP child`, t0, cont, { boundMs: ADVERT_S * 1000 });
  // the takeover while r was stalled, timed from r's last advert the client saw
  const last = lab.monitor.adverts.filter((a) => a.vrid === inst.vrid && a.src === addrOf(r) && a.t <= t0).at(-1)!;
  const took = lab.monitor.timeline(inst.vip, t0, cont).find((s) => s.owners.includes(peer));
  assert.ok(took, `${peer} never took ${inst.vip} while ${r} was stalled`);
  const bound = masterDownMs(100) + MARGIN_MS;
  console.log(`    takeover by ${peer}: ${Math.round(took.t - last.t)} ms after ${r}'s last advert (bound ${bound} ms)`);
  assert.ok(took.t - last.t <= bound, `takeover ${Math.round(took.t - last.t)} ms after the last advert, bound ${bound}`);
  // the winner re-announces the VIP after waking
  const mac = lab.vl.mac(r);
  const garps = lab.monitor.garps.filter((g) => g.ip === inst.vip && g.mac === mac && g.t > cont);
  assert.ok(garps.length > 0 && garps[0]!.t - cont <= ADVERT_S * 1000 + MARGIN_MS,
    `${r} sent no gratuitous ARP for ${inst.vip} within an advert interval of waking; seen since the stop: ${
      lab.monitor.garps.filter((g) => g.t > t0).map((g) => `${Math.round(g.t - cont)} ${g.mac} ${g.ip}`).join(', ')}; ${r}'s mac ${mac}; log:\n${
      lab.daemon(r).lines.filter((l) => l.t > t0).map((l) => `${Math.round(l.t - cont)} ${l.text}`).join('\n')}`);
  console.log(`    ${r} woke: first gratuitous ARP after ${Math.round(garps[0]!.t - cont)} ms, ${garps.length} since`);
  // 2.2.7's lines, on both sides
  await lab.daemon(r).waitLine(`(${inst.name}) Received advert from ${addrOf(peer)} with lower priority 100, ours 150, forcing new election`, 2000, cont);
  await lab.daemon(peer).waitLine(`(${inst.name}) Master received advert from ${addrOf(r)} with higher priority 150, ours 100`, 2000, cont);
  // the counter (ours only): one more episode on each side
  for (const x of [r, peer]) {
    if (lab.kinds.get(x) !== 'daemon') continue;
    const after = await conflicts(lab, x, inst.name);
    assert.equal(after.count, before.get(x)! + 1, `${x}'s master conflicts went from ${before.get(x)} to ${after.count}; stats dump:\n${after.dump}`);
  }
  return rows;
}

/** An instance's master-conflict count in router r's USR2 stats dump (ours; no line = 0). */
async function conflicts(lab: ChaosLab, r: Router, inst: string): Promise<{ count: number; dump: string }> {
  const dump = await lab.statsDump(r);
  assert.ok(dump, `${r}: no stats dump`);
  const block = dump.split('VRRP Instance: ').find((b) => b.startsWith(`${inst}\n`)) ?? '';
  return { count: Number(/\n {2}Master conflicts: (\d+)\n/.exec(block)?.[1] ?? 0), dump };
}

/**
 * SIGKILL of one child of router r: the parent's lines as 2.2.7's (`pid P exited due to signal 9`,
 * `<Name> child process(P) died: Respawning`, `Restart of <Name> process delayed N seconds ...`), then,
 * after that delay, a new child with a new pid in its pid file. Returns its "Starting ..." line and pid.
 */
async function killAndRespawn(lab: ChaosLab, r: Router, role: 'vrrp' | 'checker', delayS = 0): Promise<{ start: Line; fresh: number }> {
  const d = lab.daemon(r);
  const name = role === 'vrrp' ? 'VRRP' : 'Healthcheck';
  const old = lab.pids(r)[role]!;
  const t0 = now();
  process.kill(old, 'SIGKILL');
  await d.waitLine(new RegExp(`^pid ${old} exited due to signal 9 \\(Killed\\)`), 5000, t0);
  await d.waitLine(`${name} child process(${old}) died: Respawning`, 1000, t0);
  const delayed = await d.waitLine(`Restart of ${name} process delayed ${delayS} seconds to limit respawn rate`, 1000, t0);
  const start = await d.waitLine(new RegExp(`^Starting ${name} child process, pid=\\d+$`), 5000 + delayS * 1000, t0);
  // 2.2.7's rate limit: the new child comes no earlier than the delay (timers may fire ~2 ms early)
  assert.ok(start.t - delayed.t >= delayS * 1000 - 5, `restarted ${Math.round(start.t - delayed.t)} ms after "delayed ${delayS} seconds"`);
  const fresh = Number(start.text.split('=')[1]);
  assert.notEqual(fresh, old);
  await waitFor(() => lab.pids(r)[role] === fresh, 5000);
  return { start, fresh };
}

/**
 * SIGKILL of router r's VRRP child: 2.2.7's respawn lines, a new child, r master again. `delayS`: the
 * restart delay 2.2.7's rate limit gives this death (0 for a first one; 1 for a second death within a
 * minute of the previous start).
 */
export async function killVrrpChild(lab: ChaosLab, r: Router, delayS = 0): Promise<Figures[]> {
  const d = lab.daemon(r);
  const t0 = now();
  const { start, fresh } = await killAndRespawn(lab, r, 'vrrp', delayS);
  // the new child removes the VIPs, starts as BACKUP and, hearing only lower adverts (the peer may
  // have taken over meanwhile), becomes master at its own Master_Down_Interval: the bound counts from
  // its "Entering BACKUP STATE (init)" (Node's start-up under load is not VRRP's)
  const inst = instOf(r);
  const init = await d.waitLine(`(${inst.name}) Entering BACKUP STATE (init)`, 15_000, start.t);
  console.log(`    new VRRP child ${fresh}: started ${Math.round(start.t - t0)} ms after the kill, BACKUP (init) ${Math.round(init.t - start.t)} ms later`);
  return lab.assertHealed(`SIGKILL ${r}'s VRRP child${delayS ? ' again (restart delayed)' : ''}`, t0, init.t, { boundMs: masterDownMs(150) });
}

/** SIGKILL of router r's checker child (ours: a MISC_CHECK virtual server): respawned, VRRP untouched. */
export async function killCheckerChild(lab: ChaosLab, r: Router): Promise<Figures[]> {
  const d = lab.daemon(r);
  const t0 = now();
  const { start } = await killAndRespawn(lab, r, 'checker');
  await d.waitLine(/^Misc check for .* succeeded\.$/, 5000, start.t);
  const rows = await lab.assertHealed(`SIGKILL ${r}'s checker child`, t0, t0, { boundMs: 0 });
  for (const row of rows) assert.equal(row.path, lab.monitor.owners(INSTANCES.find((i) => i.name === row.vip)!.vip).join('+'), `${row.vip}: VIP moved (${row.path})`);
  assert.ok(!d.has(/Entering \w+ STATE/, t0), 'a VRRP transition on the checker\'s death');
  return rows;
}

/**
 * SIGKILL of router r's parent: its children stop by themselves (2.2.7: PR_SET_PDEATHSIG(SIGTERM);
 * ours: the IPC channel closes), a MASTER sends priority 0 and removes its VIPs (no orphan holds a
 * VIP), the backup takes over after Skew_Time. With `stallChild`, the VRRP child is stopped when the
 * parent dies and continued 1 s later: it must still go.
 */
export async function killParent(lab: ChaosLab, r: Router, stallChild = false): Promise<Figures[]> {
  const inst = instOf(r);
  const pids = lab.pids(r);
  const kids = [pids.vrrp, pids.checker].filter((p): p is number => p !== undefined);
  const alive = (p: number) => { try { process.kill(p, 0); return true; } catch { return false; } };
  const t0 = now();
  if (stallChild) process.kill(pids.vrrp!, 'SIGSTOP');
  process.kill(pids.parent!, 'SIGKILL');
  let heal = t0;
  if (stallChild) { await sleep(1000); heal = now(); process.kill(pids.vrrp!, 'SIGCONT'); }
  await lab.daemon(r).exit(5000);
  try { await waitFor(() => kids.every((p) => !alive(p)), 5000); } catch { assert.fail(`${r}: children ${kids.filter(alive).join(', ')} outlived their parent`); }
  assert.ok(lab.daemon(r).has(`(${inst.name}) sent 0 priority`, t0), `${r}: no priority-0 advert from the orphaned child`);
  const up = (['r1', 'r2', 'r3'] as Router[]).filter((x) => x !== r && lab.daemons.has(x) && !lab.daemon(x).exited);
  // priority 0 seen: the backup takes over after Skew_Time (< 1 advert interval)
  const rows = await lab.assertHealed(`SIGKILL ${r}'s parent${stallChild ? ' (VRRP child stopped)' : ''}`, t0, heal, { up, boundMs: ADVERT_S * 1000, mayExit: (['r1', 'r2', 'r3'] as Router[]).filter((x) => !up.includes(x)) });
  assert.deepEqual(lab.monitor.owners(inst.vip).filter((x) => x === r), [], `${r} still holds ${inst.vip}`);
  return rows;
}
