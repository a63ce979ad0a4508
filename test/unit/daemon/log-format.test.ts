// Log line formats: syslog datagrams, console prefix, and the wrapped "Command line:" lines,
// compared with keepalived 2.2.7's captured output.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { childrenUsage } from '../../../src/daemon/rusage.js';
import { commandLineLines, consoleTimestamp, cpuUsageLine, formatConsole, formatSyslog, stoppedUsageLine, syslogIdent, syslogTimestamp } from '../../../src/daemon/log-format.js';

// shared/ sits beside the repository (CI) or at /work/shared (development machines).
const CAPTURES = [new URL('../../../../shared/reference/keepalived-2.2.7-captures/logs', import.meta.url).pathname, '/work/shared/reference/keepalived-2.2.7-captures/logs']
  .find((d) => existsSync(d)) ?? '/nonexistent';
const here = new URL('./fixtures/', import.meta.url);

/** Pairs of (argv, logged lines) recovered from the captured logs' "=== start" headers. */
function capturedCommandLines(): { argv: string[]; lines: string[] }[] {
  const out: { argv: string[]; lines: string[] }[] = [];
  const files: string[] = [];
  try { for (const f of readdirSync(CAPTURES)) if (f.endsWith('.log')) files.push(`${CAPTURES}/${f}`); } catch { /* no shared captures */ }
  files.push(new URL('ka-2.2.7/log.txt', here).pathname, new URL('ka-2.2.7-b/log.txt', here).pathname);
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''));
    const i = lines.findIndex((l) => l.startsWith('Command line:'));
    if (i < 0) continue;
    const block = [lines[i]];
    for (let k = i + 1; lines[k]?.startsWith('              '); k++) block.push(lines[k]);
    const argv = [...block.join(' ').matchAll(/'([^']*)'/g)].map((m) => m[1]);
    out.push({ argv, lines: block });
  }
  return out;
}

describe('daemon/log-format', () => {
  it('wraps "Command line:" exactly like every captured keepalived 2.2.7 start-up', () => {
    const caps = capturedCommandLines();
    assert.ok(caps.length >= 2, 'captures found');
    for (const c of caps) assert.deepEqual(commandLineLines(c.argv), c.lines);
  });

  it('formats syslog datagrams as glibc syslog() with LOG_PID does', () => {
    const at = new Date(2026, 10, 23, 15, 27, 52);
    assert.equal(formatSyslog(3, 'info', 'Keepalived_vrrp', 9137, '(VI_1) Entering BACKUP STATE (init)', at),
      '<30>Nov 23 15:27:52 Keepalived_vrrp[9137]: (VI_1) Entering BACKUP STATE (init)');
    assert.equal(formatSyslog(3, 'debug', 'Keepalived_healthcheckers', 9136, 'Initializing ipvs', at),
      '<31>Nov 23 15:27:52 Keepalived_healthcheckers[9136]: Initializing ipvs');
    assert.equal(formatSyslog(19, 'err', 'Keepalived', 1, 'x', at), '<155>Nov 23 15:27:52 Keepalived[1]: x');
    assert.equal(syslogTimestamp(new Date(2026, 0, 5, 1, 2, 3)), 'Jan  5 01:02:03');
  });

  it('formats console lines as ctime-style "%c: msg"', () => {
    assert.equal(formatConsole('Stopping', new Date(2026, 10, 23, 14, 30, 4)), 'Mon Nov 23 14:30:04 2026: Stopping');
    assert.equal(consoleTimestamp(new Date(2026, 2, 1, 0, 0, 0)), 'Sun Mar  1 00:00:00 2026');
  });

  it('names the processes as keepalived does', () => {
    assert.equal(syslogIdent('parent'), 'Keepalived');
    assert.equal(syslogIdent('vrrp'), 'Keepalived_vrrp');
    assert.equal(syslogIdent('checker'), 'Keepalived_healthcheckers');
    assert.equal(syslogIdent('vrrp', { namespace: 'blue', instance: 'i1' }), 'Keepalived_vrrp_blue_i1');
  });

  it('prints CPU usage lines with 6 decimals', () => {
    assert.equal(stoppedUsageLine({ user: 2262, system: 0 }), 'Stopped - used 0.002262 user time, 0.000000 system time');
    assert.equal(stoppedUsageLine({ user: 2262, system: 0 }, { user: 0, system: 0 }), 'Stopped - used 0.002262 user time, 0.000000 system time');
    // scripts ran: keepalived 2.2.7's checker after MISC_CHECKs (seen in the qemu guest)
    assert.equal(stoppedUsageLine({ user: 1974938, system: 17564095 }, { user: 857526, system: 14240363 }),
      'Stopped - used (self/children) 1.974938/0.857526 user time, 17.564095/14.240363 system time');
    // stat(5): cutime and cstime are fields 16 and 17, after a comm that may hold ') '
    const stat = '4242 (node (x) y) S 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20';
    assert.deepEqual(childrenUsage('/x', () => stat), { user: 160000, system: 170000 });
    assert.deepEqual(childrenUsage('/nonexistent'), { user: 0, system: 0 });
    assert.equal(cpuUsageLine({ user: 6306, system: 15565 }, { user: 5336, system: 2513 }),
      'CPU usage (self/children) user: 0.006306/0.005336 system: 0.015565/0.002513');
  });
});
