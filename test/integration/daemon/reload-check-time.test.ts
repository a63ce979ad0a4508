// reload_check_config, reload_file, reload_time_file and reload_repeat: our daemon and keepalived
// 2.2.7 side by side (each in a namespace of its own, same config but for its directory), fed the
// same edits at the same moment (recorded by hand: test/unit/daemon/data/reload-2.2.7.md). A bad
// file is refused after the check process ("New config failed validation, see LOG ..."), its log
// holds the -t lines, the reload file exists only while the check runs; then a reload scheduled
// from reload_time_file fires, repeats the next day (reload_repeat), is moved, cancelled, refused,
// and a dated one fires and takes the file with it. Both daemons must log the same lines. With
// config_save_dir, the parent writes its copy at start only and each check process its own.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../helpers/netns.js';
import { daemonArgs, SideBySide, type Kind, type NsDaemon } from './side-by-side.js';

/** The lines this test compares (the reload story). */
const STORY = /^(Scheduling reload|Reload time|Cancelling reload|Invalid reload time|Reload date\/time|validate conf before Reload|New config failed validation|Reloading \.\.\.|Reload complete|truncate of config check log)/;

const conf = (dir: string, bad = false) => `global_defs {
  router_id rld
  reload_check_config ${dir}/check.log
  reload_file ${dir}/reloading
  reload_time_file ${dir}/rt/reload_time
  reload_repeat
  config_save_dir ${dir}/save
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 83
  priority ${bad ? '100x' : '100'}
  advert_int 1
${bad ? '  bogus_keyword 1\n' : ''}  virtual_ipaddress {
    10.198.0.83/24
  }
}
`;

/** A daemon of this test: its directory holds k.conf, rt/ (the time file) and save/; fs.watch counts the reload file's
 *  events. */
class Daemon {
  readonly d: NsDaemon;
  /** Events fs.watch saw for the reload file (create and delete are both 'rename'). */
  reloadFileEvents = 0;
  private watcher?: FSWatcher;
  constructor(sbs: SideBySide, readonly kind: Kind) {
    this.d = sbs.start(kind, (dir) => {
      mkdirSync(join(dir, 'rt'), { recursive: true });
      mkdirSync(join(dir, 'save'));
      writeFileSync(join(dir, 'k.conf'), conf(dir));
      this.watcher = watch(dir, (ev, name) => { if (name === 'reloading') this.reloadFileEvents++; });
      return daemonArgs(dir, join(dir, 'k.conf'), true);
    });
  }
  get dir(): string { return this.d.dir; }
  get lines(): string[] { return this.d.lines; }
  get proc() { return this.d.proc; }
  get conf(): string { return join(this.dir, 'k.conf'); }
  /** config_save_dir's consolidated copies: the parent's (its pid) and the check processes' (other pids), each .0. */
  copies(): { parent: string[]; checks: string[] } {
    const all = readdirSync(join(this.dir, 'save')).filter((f) => f.startsWith('keepalived.conf.')).sort();
    const mine = `keepalived.conf.${this.proc.pid}.`;
    return { parent: all.filter((f) => f.startsWith(mine)), checks: all.filter((f) => !f.startsWith(mine)) };
  }
  readSaved(f: string): string { return readFileSync(join(this.dir, 'save', f), 'utf8').split(this.dir).join('<DIR>'); }
  get timeFile(): string { return join(this.dir, 'rt/reload_time'); }
  story(): string[] { return this.lines.filter((l) => STORY.test(l)).map((l) => l.split(this.dir).join('<DIR>')); }
  async waitStory(n: number, ms: number): Promise<void> {
    await waitFor(() => this.story().length >= n, ms, 20).catch(() => { throw new Error(`${this.kind}: fewer than ${n} story lines in ${ms} ms:\n  ${this.lines.join('\n  ')}`); });
  }
  async stop(): Promise<void> {
    this.watcher?.close();
    await this.d.stop();
  }
}

const hms = (t: Date) => t.toTimeString().slice(0, 8);
const ymdhms = (t: Date) => `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')} ${hms(t)}`;

describe('daemon (integration): reload_check_config, reload_file, reload_time_file, reload_repeat beside keepalived 2.2.7', function () {
  this.timeout(90_000);
  const sbs = new SideBySide('kd-rl', '10.198.0.1/24');
  const daemons: Daemon[] = [];
  before(function () { if (!sbs.setup()) this.skip(); });
  after(async () => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    sbs.teardown();
  });

  it('the check refuses a bad file; scheduled reloads fire, repeat, move, cancel and refuse as in 2.2.7', async () => {
    const ours = new Daemon(sbs, 'ours');
    const ka = new Daemon(sbs, 'keepalived');
    daemons.push(ours, ka);
    const both = [ours, ka];
    for (const d of both) await waitFor(() => d.lines.some((l) => /\(VI_1\) Entering BACKUP STATE/.test(l)), 30_000, 50);
    const step = async (edit: (d: Daemon) => void, lines: number, ms = 10_000) => {
      for (const d of both) edit(d);
      for (const d of both) await d.waitStory(lines, ms);
    };

    // a bad file: the check fails, nothing is reloaded, the reload file came and went
    await step((d) => { writeFileSync(d.conf, conf(d.dir, true)); process.kill(d.proc.pid!, 'SIGHUP'); }, 2);
    for (const d of both) {
      assert.deepEqual(d.story(), ['validate conf before Reload', 'New config failed validation, see <DIR>/check.log for details'], d.kind);
      assert.ok(d.reloadFileEvents >= 2, `${d.kind}: reload file created and removed (${d.reloadFileEvents} events)`);
      assert.equal(existsSync(join(d.dir, 'reloading')), false);
    }
    // the check's log: keepalived's -t lines (ours add a tab and the position)
    const checkLog = (d: Daemon) => readFileSync(join(d.dir, 'check.log'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t[')[0]!.split(d.dir).join('<DIR>'));
    assert.deepEqual(checkLog(ours), checkLog(ka));
    // config_save_dir: the parent's copy at start, and the check process's copy of what it read
    for (const d of both) {
      const c = d.copies();
      assert.deepEqual(c.parent, [`keepalived.conf.${d.proc.pid}.0`], d.kind);
      assert.equal(c.checks.length, 1, `${d.kind}: ${c.checks.join(' ')}`);
      assert.match(c.checks[0]!, /^keepalived\.conf\.\d+\.0$/);
    }
    assert.equal(ours.readSaved(ours.copies().checks[0]!), ka.readSaved(ka.copies().checks[0]!));
    assert.ok(checkLog(ka).includes("(<DIR>/k.conf: Line 15) Unknown keyword 'bogus_keyword'"), checkLog(ka).join('\n'));

    // a reload at a time of day, repeated: the file stays and tomorrow's reload is scheduled
    const soon = new Date(Date.now() + 3000);
    const tomorrow = new Date(soon.getTime() + 86_400_000);
    await step((d) => { writeFileSync(d.conf, conf(d.dir)); writeFileSync(d.timeFile, `${hms(soon)}\n`); }, 7);
    for (const d of both) {
      assert.deepEqual(d.story().slice(2), [`Scheduling reload for ${ymdhms(soon)}`, 'validate conf before Reload', 'Reloading ...',
        `Scheduling reload for ${ymdhms(tomorrow)}`, 'Reload complete'].slice(0, 5), d.kind);
      assert.ok(existsSync(d.timeFile), `${d.kind}: the time file stays (reload_repeat)`);
    }
    // moved, cancelled, refused
    const later = new Date(Date.now() + 3_600_000);
    await step((d) => writeFileSync(d.timeFile, `${hms(later)}\n`), 8);
    await step((d) => unlinkSync(d.timeFile), 9);
    await step((d) => writeFileSync(d.timeFile, 'garbage\n'), 11);
    await step((d) => writeFileSync(d.timeFile, '2020-01-01 00:00:00\n'), 13);
    // a dated reload: not repeated, the file goes
    const dated = new Date(Date.now() + 3000);
    await step((d) => writeFileSync(d.timeFile, `${ymdhms(dated)}\n`), 17);
    for (const d of both) await waitFor(() => !existsSync(d.timeFile), 5000, 20);
    assert.deepEqual(ours.story(), ka.story());
    // two checked reloads later: no copy from the parent (the check read the file), one per check
    for (const d of both) assert.deepEqual([d.copies().parent.length, d.copies().checks.length], [1, 3], d.kind);
    assert.deepEqual(ka.story().slice(7, 13), [
      `Reload time updated from ${ymdhms(tomorrow)} to ${ymdhms(later)}`,
      `Cancelling reload scheduled for ${ymdhms(later)}`,
      'Reload time garbage format is incorrect - ignoring', "Invalid reload time 'garbage' specified - ignoring",
      'Reload time 2020-01-01 00:00:00 is in the past - ignoring', 'Reload date/time is in the past - ignoring',
    ]);
  });
});
