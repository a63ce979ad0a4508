// What a reload loses when an include no longer reads its file (keepalived 2.2.7 drops it silently,
// test/unit/daemon/data/reload-include-2.2.7.md): the include, the file and what went with it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigFile } from '../../../src/config/load.js';
import { lostIncludeLine, lostIncludes } from '../../../src/daemon/reload-includes.js';

const vi = (name: string, vrid: number, vip: string) =>
  `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${vrid}\n  priority 100\n  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;

describe('daemon: reload with an include that lost its file', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kd-relinc-')); mkdirSync(join(dir, 'inc')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the include, the file and the instances (with VIPs) and virtual servers that went', () => {
    const main = join(dir, 'main.conf');
    writeFileSync(main, `${vi('VI_1', 1, '10.0.0.1/24')}include ${dir}/inc/vi2.conf\ninclude ${dir}/inc/more*.conf\n`);
    writeFileSync(join(dir, 'inc/vi2.conf'), vi('VI_2', 2, '10.0.0.2/24'));
    writeFileSync(join(dir, 'inc/more1.conf'), `${vi('VI_3', 3, '10.0.0.3/24')}virtual_server 10.0.0.9 80 {\n  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n    }\n  }\n}\n`);
    const before = parseConfigFile(main, {}).config!;
    assert.deepEqual(lostIncludes(before, before), []);
    renameSync(join(dir, 'inc/vi2.conf'), join(dir, 'inc/vi2.off'));
    renameSync(join(dir, 'inc/more1.conf'), join(dir, 'inc/more1.off'));
    const after = parseConfigFile(main, {}).config!;
    assert.deepEqual(lostIncludes(before, after).map(lostIncludeLine), [
      `WARNING - reload: include '${dir}/inc/vi2.conf' (${main}:10) no longer reads '${dir}/inc/vi2.conf' (missing file, or the pattern matches nothing) - removed: vrrp_instance VI_2 (VIPs 10.0.0.2/24 dropped)`,
      `WARNING - reload: include '${dir}/inc/more*.conf' (${main}:11) no longer reads '${dir}/inc/more1.conf' (missing file, or the pattern matches nothing) - removed: vrrp_instance VI_3 (VIPs 10.0.0.3/24 dropped), virtual_server 10.0.0.9 80`,
    ]);
  });

  it('an instance that moved to another file is not reported as removed', () => {
    const main = join(dir, 'm2.conf');
    writeFileSync(main, `include ${dir}/inc/a*.conf\n`);
    writeFileSync(join(dir, 'inc/a1.conf'), vi('VI_A', 4, '10.0.0.4/24'));
    const before = parseConfigFile(main, {}).config!;
    renameSync(join(dir, 'inc/a1.conf'), join(dir, 'inc/a2.conf'));
    const after = parseConfigFile(main, {}).config!;
    assert.deepEqual(lostIncludes(before, after).map((l) => [l.file, l.removed]), [[`${dir}/inc/a1.conf`, []]]);
  });
});
