// reload_time_file's time parser and schedule core against keepalived 2.2.7's recorded lines
// (data/reload-2.2.7.md), on a UTC calendar and a fixed clock (2026-12-07 11:08:11 UTC, as recorded).
import assert from 'node:assert/strict';
import { formatReloadTime, parseReloadTime, type Calendar } from '../../../src/daemon/reload/time-parse.js';
import { ReloadSchedule } from '../../../src/daemon/reload/time-schedule.js';
import { reloadFilePath } from '../../../src/daemon/reload/reload-file.js';
import { checkArgs, checkOutcomeLines } from '../../../src/daemon/reload/check-config.js';
import { splitReloadTimePath } from '../../../src/daemon/reload/time-monitor.js';

const UTC: Calendar = {
  split(t) { const d = new Date(t * 1000); return { year: d.getUTCFullYear(), mon: d.getUTCMonth(),
    mday: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds() }; },
  join(tm) { return Math.floor(Date.UTC(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec) / 1000); },
};
const at = (s: string) => Math.floor(Date.parse(`${s}Z`) / 1000);
const NOW = at('2026-12-07T11:08:11');

describe('daemon/reload: reload_time_file as keepalived 2.2.7 reads it', () => {
  it('times of day, dates, UTC, and the recorded refusals', () => {
    const p = (t: string) => parseReloadTime(t, NOW, UTC);
    assert.deepEqual(p('11:08:14'), { ok: true, at: at('2026-12-07T11:08:14'), dateSpecified: false });
    // a time already past today is tomorrow's
    assert.deepEqual(p('11:08:11'), { ok: true, at: at('2026-12-08T11:08:11'), dateSpecified: false });
    assert.deepEqual(p('2026-12-07 11:08:25'), { ok: true, at: at('2026-12-07T11:08:25'), dateSpecified: true });
    assert.deepEqual(p('27-01-02 03:04:05'), { ok: true, at: at('2027-01-02T03:04:05'), dateSpecified: true });
    assert.deepEqual(p('11:08:30Z'), { ok: true, at: at('2026-12-07T11:08:30'), dateSpecified: false });
    assert.deepEqual(p('garbage'), { ok: false, lines: ['Reload time garbage format is incorrect - ignoring', "Invalid reload time 'garbage' specified - ignoring"] });
    assert.deepEqual(p('2020-01-01 00:00:00'), { ok: false, lines: ['Reload time 2020-01-01 00:00:00 is in the past - ignoring', 'Reload date/time is in the past - ignoring'] });
    assert.deepEqual(p('25:00:00'), { ok: false, lines: ['Reload date/time 25:00:00 invalid - ignoring', "Invalid reload time '25:00:00' specified - ignoring"] });
    assert.deepEqual(p('26-02-30 10:00:00'), { ok: false, lines: ['Reload time 26-02-30 10:00:00 is not valid - ignoring', "Invalid reload time '26-02-30 10:00:00' specified - ignoring"] });
    assert.deepEqual(p(''), { ok: false, lines: ['Reload time  format is incorrect - ignoring', "Invalid reload time '' specified - ignoring"] });
    assert.equal(formatReloadTime(at('2026-12-08T11:08:14'), UTC), '2026-12-08 11:08:14');
  });

  it('the schedule: scheduling, update, cancel on removal and on a bad time, as recorded', () => {
    const s = new ReloadSchedule(true, UTC);
    const lines = (acts: ReturnType<ReloadSchedule['read']>) => acts.map((a) => (a.kind === 'log' ? a.line : a.kind === 'arm' ? `arm ${a.at - NOW}` : a.kind));
    assert.deepEqual(lines(s.read('11:08:14', NOW)), ['Scheduling reload for 2026-12-07 11:08:14', 'arm 3']);
    // the same time again (the IN_CREATE and IN_CLOSE_WRITE of one write): nothing
    assert.deepEqual(lines(s.read('11:08:14', NOW)), []);
    assert.deepEqual(lines(s.read('12:08:16', NOW)), ['Reload time updated from 2026-12-07 11:08:14 to 2026-12-07 12:08:16', `arm ${3600 + 5}`]);
    assert.deepEqual(lines(s.read(undefined, NOW)), ['disarm', 'Cancelling reload scheduled for 2026-12-07 12:08:16']);
    // nothing scheduled: a bad time is only reported
    assert.deepEqual(lines(s.read('garbage', NOW)), ['Reload time garbage format is incorrect - ignoring', "Invalid reload time 'garbage' specified - ignoring"]);
    assert.deepEqual(lines(s.read('11:08:20', NOW)), ['Scheduling reload for 2026-12-07 11:08:20', 'arm 9']);
    assert.deepEqual(lines(s.read('25:00:00', NOW)), ['Reload date/time 25:00:00 invalid - ignoring', "Invalid reload time '25:00:00' specified - ignoring",
      'disarm', 'Cancelling reload scheduled for 2026-12-07 11:08:20']);
  });

  it('when the timer fires: the file goes unless reload_repeat with a time of day', () => {
    const once = new ReloadSchedule(false, UTC);
    once.read('11:08:14', NOW);
    assert.deepEqual(once.fire().map((a) => a.kind), ['unlink', 'reload']);
    const daily = new ReloadSchedule(true, UTC);
    daily.read('11:08:14', NOW);
    assert.deepEqual(daily.fire().map((a) => a.kind), ['reload']);
    const dated = new ReloadSchedule(true, UTC);
    dated.read('2026-12-07 11:08:25', NOW);
    assert.deepEqual(dated.fire().map((a) => a.kind), ['unlink', 'reload']);
  });

  it("the watched directory: the path's, or \"/\" for a bare name (2.2.7)", () => {
    assert.deepEqual(splitReloadTimePath('/tmp/d/reload_time'), { dir: '/tmp/d', name: 'reload_time' });
    assert.deepEqual(splitReloadTimePath('reload_time'), { dir: '/', name: 'reload_time' });
  });
});

describe('daemon/reload: reload_file and reload_check_config', () => {
  it('reload_file paths: as given, or named after the pid files', () => {
    assert.equal(reloadFilePath(undefined, {}), undefined);
    assert.equal(reloadFilePath('/tmp/x', { instance: 'i' }), '/tmp/x');
    assert.equal(reloadFilePath(true, {}), '/run/keepalived.reload');
    assert.equal(reloadFilePath(true, { usePidDir: true }), '/run/keepalived/keepalived.reload');
    assert.equal(reloadFilePath(true, { namespace: 'ns1' }), '/run/keepalived/keepalived.reload');
    assert.equal(reloadFilePath(true, { instance: 'i1' }), '/run/keepalived/keepalived_i1.reload');
  });

  it("the check's command line and 2.2.7's lines for its outcome", () => {
    assert.deepEqual(checkArgs(['/usr/sbin/keepalived', '-n', '-f', 'k.conf'], '/tmp/c.log'), ['-n', '-f', 'k.conf', '--config-test=/tmp/c.log']);
    assert.deepEqual(checkOutcomeLines({ kind: 'exited', code: 0 }, '/tmp/c.log'), []);
    assert.deepEqual(checkOutcomeLines({ kind: 'exited', code: 5 }, '/tmp/c.log'), ['New config failed validation, see /tmp/c.log for details']);
    assert.deepEqual(checkOutcomeLines({ kind: 'signalled', signal: 'SIGTERM' }, '/tmp/c.log'), ['reload_check exited due to signal 15 (Terminated)']);
  });
});
