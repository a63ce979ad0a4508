// VM tier, issue 14's IPVS items through real IPVS: one qemu boot runs test/vm/checkers14/lvs14-guest.sh
// for keepalived 2.2.7 and then for ours (bin/keepalived -C, from dist/), on the same configs:
// - each real server's own `lvs_method TUN type gre|gue port N csum|...` inside a `TUN type ipip`
//   virtual server: `ipvsadm -Ln --tun-info` identical (and the expected per-destination types);
// - lvs_timeouts at start, at reloads (changed, removed, another value) and after stop, and lvs_flush
//   on reload (2.2.7: at start only, a foreign service survives): `ipvsadm -L --timeout` identical;
// - PING_CHECK's ping_group_range "0 0" while running, "1 0" after stop;
// - FILE_CHECK: the RS weight plus value x the track_file's weight at start, after the file changes,
//   and a weight-0 FILE_CHECK keeping its server out while the value is not 0;
// - an SSL{} block whose certificate cannot be loaded: the same lines, and the daemon exits 1.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runInVm, vmUnavailable, type VmResult } from './helpers/vm.js';

let vm: VmResult | null = null;
const sections: Record<string, Record<string, string>> = { keepalived: {}, ours: {} };

describe('issue 14 IPVS items in a qemu VM: keepalived 2.2.7 and ours (-C) on the same configs', function () {
  this.timeout(1_500_000);

  before(async function () {
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    assert.ok(existsSync(join(REPO, 'dist/daemon/main.js')), 'dist/ is missing: run `flock /tmp/build.lock npm run build` first');
    const script = join(REPO, 'test/vm/checkers14/lvs14-guest.sh');
    vm = await runInVm(['/bin/sh', '-c', `bash ${script} keepalived ${REPO}; bash ${script} ours ${REPO}`],
      { timeoutS: 1200, modules: ['veth'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    let key: [string, string] | null = null;
    for (const l of vm.stdout.split('\n')) {
      const m = /^=== (ours|keepalived) (.*)$/.exec(l);
      if (m) { key = [m[1]!, m[2]!]; sections[m[1]!]![m[2]!] = ''; } else if (key) sections[key[0]]![key[1]] += `${l}\n`;
    }
  });

  const same = (name: string): string => {
    const a = sections.keepalived![name], b = sections.ours![name];
    assert.ok(a !== undefined, `keepalived: no section "${name}"\n${vm?.stdout.slice(-3000)}`);
    assert.equal(b, a, `section "${name}" differs`);
    return a;
  };

  it('both ran to the end', () => {
    assert.equal(vm?.code, 0, vm?.stderr.slice(-3000));
    assert.ok('end' in sections.keepalived! && 'end' in sections.ours!, vm?.stdout.slice(-3000));
  });

  it('per-real-server tunnel types: --tun-info identical, each destination its own type', () => {
    const t = same('tun-info');
    assert.match(t, /10\.79\.0\.2:25 +Tunnel +gre:-c +/);
    assert.match(t, /10\.79\.0\.3:25 +Tunnel +gue:6080:\+c +/);
    assert.match(t, /10\.79\.0\.4:25 +Tunnel +ipip/);
    assert.match(t, /10\.79\.0\.5:25 +Route/);
    assert.match(t, /10\.79\.0\.6:25 +Tunnel +ipip/);
  });

  it('lvs_timeouts: start, reloads and stop give the same kernel timeouts', () => {
    assert.match(same('timeouts after start'), /: 1000 120 500/);
    assert.match(same('timeouts after reload (tcp 2000)'), /: 2000 120 300/);
    assert.match(same('timeouts after reload without lvs_timeouts'), /: 900 120 300/);
    assert.match(same('timeouts after reload (udp 77)'), /: 900 120 77/);
    assert.match(same('timeouts after stop'), /: 900 120 300/);
  });

  it('lvs_flush acts at start only: a foreign service survives a reload', () => {
    assert.match(same('services after reload with lvs_flush'), /10\.9\.9\.9:80/);
  });

  it('FILE_CHECK: weight from the track_file (2) and weight 0, at start and as the file changes', () => {
    assert.equal(same('file weights at start (3)'), '10.79.0.7:25 16\n');
    assert.equal(same('file weights after -1'), '10.79.0.7:25 8\n');
    assert.equal(same('file weights after 0'), '10.79.0.7:25 10\n10.79.0.8:25 10\n');
  });

  it('SSL{} with a certificate that cannot be loaded: the same lines, the daemon exits', () => {
    const t = same('bad SSL{} files: exit code and lines');
    assert.match(t, /SSL error : Cant load certificate file\.\.\./);
    assert.match(t, /^exit 1$/m);
  });

  it('PING_CHECK: ping_group_range "0 0" while running, "1 0" after stop', () => {
    assert.equal(same('ping_group_range running').trim(), '0\t0');
    assert.equal(same('ping_group_range after stop').trim(), '1\t0');
  });
});
