// config_save_dir's file names and numbering (src/daemon/config-save.ts), as keepalived 2.2.7 names
// them (test/unit/daemon/data/config-save-2.2.7.md): keepalived_vrrp.PID.N.pre/.post and
// keepalived_check.PID.N.pre/.post with N counted from 1 per process, the directory kept once set.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReloadDumps, stickySaveDir } from '../../../src/daemon/config-save.js';
import { memoryLogger } from '../../../src/common/log.js';

describe('daemon/config-save: the reload dumps of config_save_dir', () => {
  it('pre and post per reload, numbered from 1, for the VRRP and the checker process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-csave-'));
    try {
      const log = memoryLogger(1);
      const vrrp = new ReloadDumps('vrrp', log, 4242);
      const check = new ReloadDumps('check', log, 4343);
      for (let i = 0; i < 2; i++) {
        vrrp.save(dir, false, () => `vrrp before ${i}\n`);
        vrrp.save(dir, true, () => `vrrp after ${i}\n`);
        check.save(dir, false, () => 'check before\n');
        check.save(dir, true, () => 'check after\n');
      }
      assert.deepEqual(readdirSync(dir).sort(), [
        'keepalived_check.4343.1.post', 'keepalived_check.4343.1.pre', 'keepalived_check.4343.2.post', 'keepalived_check.4343.2.pre',
        'keepalived_vrrp.4242.1.post', 'keepalived_vrrp.4242.1.pre', 'keepalived_vrrp.4242.2.post', 'keepalived_vrrp.4242.2.pre',
      ]);
      assert.equal(readFileSync(join(dir, 'keepalived_vrrp.4242.2.pre'), 'utf8'), 'vrrp before 1\n');
      vrrp.save(join(dir, 'gone'), false, () => 'x');
      assert.deepEqual(log.lines(), [`Failed to open config_save file ${dir}/gone/keepalived_vrrp.4242.3.pre`]);
      vrrp.save(undefined, false, () => 'x');
      assert.equal(log.lines().length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a directory once configured stays in use (2.2.7 never clears it)', () => {
    const cfg = (d?: string) => ({ global: d === undefined ? {} : { configSaveDir: d } });
    assert.equal(stickySaveDir(undefined, cfg()), undefined);
    assert.equal(stickySaveDir(undefined, cfg('/a')), '/a');
    assert.equal(stickySaveDir('/a', cfg()), '/a');
    assert.equal(stickySaveDir('/a', cfg('/b')), '/b');
  });
});
