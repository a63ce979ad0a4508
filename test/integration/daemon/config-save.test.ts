// config_save_dir: our daemon and keepalived 2.2.7 side by side (a namespace each, the same config
// but for its directory), started, reloaded once (SIGHUP) and stopped (recorded by hand:
// test/unit/daemon/data/config-save-2.2.7.md). Both must leave the same files: the parent's
// consolidated copies keepalived.conf.PARENT.0 (start) and .1 (the reload), byte for byte alike,
// and the VRRP child's data dumps keepalived_vrrp.VRRP.1.pre / .post (same sections, same global
// definitions), all mode 0600.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../helpers/netns.js';
import { daemonArgs, SideBySide, type Kind, type NsDaemon } from './side-by-side.js';

const conf = (dir: string, extra = '') => `! config_save_dir beside keepalived 2.2.7
global_defs {
  router_id   cfgsave    # a comment
  config_save_dir ${dir}/save
${extra}}
include ${dir}/inc/*.conf

vrrp_instance VI_1 {
\tstate BACKUP
  interface eth0
  virtual_router_id 84
  priority 100
  advert_int 1
  track_script {
    chk
  }
  virtual_ipaddress {
    10.199.0.84/24
  }
}
`;

/** A daemon of this test: its directory holds k.conf, inc/chk.conf and save/. */
class Daemon {
  readonly d: NsDaemon;
  constructor(sbs: SideBySide, kind: Kind, extra = '', sub = '') {
    this.d = sbs.start(kind, (dir) => {
      mkdirSync(join(dir, 'inc'), { recursive: true });
      mkdirSync(join(dir, 'save'));
      writeFileSync(join(dir, 'k.conf'), conf(dir, extra));
      writeFileSync(join(dir, 'inc/chk.conf'), 'vrrp_script chk {\n  script "/bin/true"\n  interval 5\n}\n');
      return daemonArgs(dir, join(dir, 'k.conf'));
    }, sub);
  }
  get kind(): Kind { return this.d.kind; }
  get dir(): string { return this.d.dir; }
  get log(): string { return this.d.log; }
  get proc() { return this.d.proc; }
  get vrrpPid(): number { return Number(/Starting VRRP child process, pid=(\d+)/.exec(this.log)?.[1]); }
  /** A save directory file name with the pids as PARENT / VRRP, and back. */
  private real(name: string): string { return join(this.dir, 'save', name.replace('PARENT', String(this.proc.pid)).replace('VRRP', String(this.vrrpPid))); }
  /** The files in the save directory, with the pids as PARENT / VRRP. */
  files(): string[] {
    return readdirSync(join(this.dir, 'save')).map((f) => f.replace(`.${this.proc.pid}.`, '.PARENT.').replace(`.${this.vrrpPid}.`, '.VRRP.')).sort();
  }
  read(name: string): string { return readFileSync(this.real(name), 'utf8').split(this.dir).join('<DIR>'); }
  mode(name: string): number { return statSync(this.real(name)).mode & 0o777; }
  stop(): Promise<void> { return this.d.stop(); }
}

/** The section headers of a data dump (keepalived's VRRP Sockpool section is not produced by ours). */
const sections = (t: string) => t.split('\n').filter((l) => /^------< .* >------$/.test(l) && l !== '------< VRRP Sockpool >------');
/** The global definitions section without the nftables library lines. */
const globals = (t: string) => t.split('------< VRRP Topology >------')[0]!.split('\n').filter((l) => l !== ' nftables without counters' && !l.startsWith(' libnftnl version'));

describe('daemon (integration): config_save_dir beside keepalived 2.2.7', function () {
  this.timeout(60_000);
  const sbs = new SideBySide('kd-cs', '10.199.0.1/24');
  before(function () { if (!sbs.setup()) this.skip(); });
  after(() => sbs.teardown());

  it('the parent\'s consolidated copies at start and reload, the VRRP child\'s dumps before and after the reload', async () => {
    const both = [new Daemon(sbs, 'ours'), new Daemon(sbs, 'keepalived')];
    for (const d of both) await waitFor(() => /\(VI_1\) Entering BACKUP STATE/.test(d.log), 30_000, 50).catch(() => { throw new Error(`${d.kind}:\n${d.log}`); });
    for (const d of both) process.kill(d.proc.pid!, 'SIGHUP');
    for (const d of both) await waitFor(() => /Reload complete/.test(d.log), 30_000, 50).catch(() => { throw new Error(`${d.kind}:\n${d.log}`); });
    for (const d of both) await waitFor(() => d.files().length >= 4, 5000, 20);
    for (const d of both) await d.stop();
    const [ours, ka] = both as [Daemon, Daemon];

    const want = ['keepalived.conf.PARENT.0', 'keepalived.conf.PARENT.1', 'keepalived_vrrp.VRRP.1.post', 'keepalived_vrrp.VRRP.1.pre'];
    assert.deepEqual(ka.files(), want);
    assert.deepEqual(ours.files(), want);
    for (const f of want) assert.equal(ours.mode(f), ka.mode(f), f);
    for (const f of want.slice(0, 2)) assert.equal(ours.read(f), ka.read(f), f);
    assert.match(ka.read('keepalived.conf.PARENT.0'), /^# <DIR>\/k\.conf\n\nglobal_defs \{\nrouter_id   cfgsave\n/);
    for (const f of want.slice(2)) {
      assert.deepEqual(sections(ours.read(f)), sections(ka.read(f)), f);
      assert.deepEqual(globals(ours.read(f)), globals(ka.read(f)), f);
    }
  });

  it('tmp_config_directory: a directory that cannot hold a temporary file is reported at start; a reload that changes it is abandoned', async () => {
    const bad = `/nonexistent-kd-${process.pid}`;
    const both = [new Daemon(sbs, 'ours', `  tmp_config_directory ${bad}\n`, '-tmp'), new Daemon(sbs, 'keepalived', `  tmp_config_directory ${bad}\n`, '-tmp')];
    for (const d of both) await waitFor(() => /\(VI_1\) Entering BACKUP STATE/.test(d.log), 30_000, 50).catch(() => { throw new Error(`${d.kind}:\n${d.log}`); });
    const lines = (d: Daemon) => d.d.lines.filter((l) => /config directory|config_directory|Reload|^Reloading/.test(l));
    for (const d of both) assert.deepEqual(lines(d), [`(Line 5) Cannot open config directory ${bad} for writing, errno 2 - No such file or directory`], d.kind);
    // changed at a reload: refused as a whole; the next reload (setting as it was) goes through
    for (const d of both) { writeFileSync(join(d.dir, 'k.conf'), conf(d.dir, '  tmp_config_directory /tmp\n')); process.kill(d.proc.pid!, 'SIGHUP'); }
    for (const d of both) await waitFor(() => /Cannot change config_directory/.test(d.log), 20_000, 50);
    for (const d of both) { writeFileSync(join(d.dir, 'k.conf'), conf(d.dir, `  tmp_config_directory ${bad}\n`)); process.kill(d.proc.pid!, 'SIGHUP'); }
    for (const d of both) await waitFor(() => /Reload complete/.test(d.log), 20_000, 50).catch(() => { throw new Error(`${d.kind}:\n${d.log}`); });
    for (const d of both) {
      // 2.2.7 checks the directory at each read of the file by the parent: the bad one again at the second reload
      assert.deepEqual(lines(d).slice(1), ['Reloading ...', 'Cannot change config_directory at a reload - please restart keepalived', 'Reloading ...',
        `(Line 5) Cannot open config directory ${bad} for writing, errno 2 - No such file or directory`, 'Reloading', 'Reload complete'], d.kind);
      await d.stop();
    }
  });
});
