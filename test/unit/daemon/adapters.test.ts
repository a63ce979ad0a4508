// The daemon's adapters to other subsystems: the VRRP runtime snapshot -> dump data, and the
// parser's parseConfigFile -> config loader (missing file, aborted parse, formatted lines).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocksStart, configLoader, diagKey, diagnosticLine, parserLoader, reloadProblems } from '../../../src/daemon/config-source.js';
import { toDumpSnapshot } from '../../../src/daemon/dumps/from-vrrp.js';
import { zeroStats } from '../../../src/daemon/dumps/model.js';

describe('daemon/adapters', () => {
  it('turns the VRRP runtime snapshot into dump data', () => {
    const snap = toDumpSnapshot({
      instances: [{
        name: 'VI_1', interface: 'eth0', vrid: 51, family: 'inet', version: 2, vips: [], lastTransitionMs: 1795454313427.881,
        view: { name: 'VI_1', state: 'BACKUP', basePriority: 100, effectivePriority: 90, masterAdverIntCs: 100, masterAddress: '10.0.0.2', faultReasons: [] },
        stats: { advert_rcvd: 7, advert_sent: 0, become_master: 1, release_master: 1, pri_zero_rcvd: 2,
          auth_failure: 3, version_err: 9 },
      }],
      groups: [],
    });
    assert.ok(snap);
    const i = snap.instances[0];
    assert.deepEqual({ state: i.state, want: i.wantState, eff: i.effectivePriority, master: i.masterRouter, set: i.vipsSet }, { state: 'BACKUP', want: 'BACKUP', eff: 90, master: '10.0.0.2', set: false });
    assert.ok(Math.abs(i.lastTransition - 1795454313.427881) < 1e-6);
    assert.deepEqual(i.stats,
      { ...zeroStats(), advert_rcvd: 7, become_master: 1, release_master: 1, pri_zero_rcvd: 2, auth_failure: 3 });
    const own = { instances: [{ name: 'X', state: 'MASTER', wantState: 'MASTER', effectivePriority: 1, lastTransition: 0, vipsSet: true, stats: zeroStats() }] };
    assert.equal(toDumpSnapshot(own), own);
    assert.equal(toDumpSnapshot('nope'), undefined);
  });

  describe('config loader over the parser', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'kd-loader-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('loads a valid file; a missing file gives no config; an aborted parse blocks start and reload', async () => {
      const load = parserLoader;
      const ok = join(dir, 'ok.conf');
      writeFileSync(ok, 'global_defs {\n  router_id r1\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
      const r = await load(ok, { allConfig: false });
      assert.equal(r.config?.global.routerId, 'r1');
      assert.equal(r.config?.vrrpInstances[0].virtualRouterId, 5);
      assert.ok(!r.diagnostics.some(blocksStart));
      const missing = await load(join(dir, 'nope.conf'), { allConfig: false });
      assert.equal(missing.config, undefined);
      const bad = join(dir, 'bad.conf');
      writeFileSync(bad, 'vrrp_instance VI_1 {\n  virtual_router_id\n}\n');
      const b = await load(bad, { allConfig: false });
      assert.ok(b.diagnostics.some(blocksStart));
      assert.ok(reloadProblems(b.diagnostics, new Set()).length > 0);
      assert.ok(b.diagnostics.map(diagnosticLine).some((l) => l.includes('missing a parameter')));
      const warn = join(dir, 'warn.conf');
      writeFileSync(warn, 'global_defs {\n  foo_global 1\n}\n');
      const w = await load(warn, { allConfig: false });
      assert.ok(w.config && !w.diagnostics.some(blocksStart), 'unknown keyword still starts');
      assert.ok(reloadProblems(w.diagnostics, new Set()).length > 0, 'a reload that introduces it is refused');
      assert.deepEqual(reloadProblems(w.diagnostics, new Set(w.diagnostics.map(diagKey))), [], 'a standing warning does not block reloads');
      assert.ok(w.diagnostics.map(diagnosticLine).includes("(Line 2) Unknown keyword 'foo_global'"));
    });

    it('KEEPALIVED_TS_CONFIG_LOADER: the loadConfig of the module it names, or an error value', async () => {
      assert.equal(await configLoader({}), parserLoader);
      const json = new URL('../../integration/daemon/fixtures/json-loader.mjs', import.meta.url).pathname;
      const load = await configLoader({ KEEPALIVED_TS_CONFIG_LOADER: json });
      assert.ok(typeof load === 'function');
      const cfg = join(dir, 'c.json');
      writeFileSync(cfg, JSON.stringify({ global: { routerId: 'j1' } }));
      assert.equal((await load(cfg, { allConfig: false })).config?.global.routerId, 'j1');
      const none = join(dir, 'none.mjs');
      writeFileSync(none, 'export const x = 1;\n');
      assert.deepEqual(await configLoader({ KEEPALIVED_TS_CONFIG_LOADER: none }), { error: `KEEPALIVED_TS_CONFIG_LOADER ${none} does not export loadConfig` });
      const missing = await configLoader({ KEEPALIVED_TS_CONFIG_LOADER: join(dir, 'missing.mjs') });
      assert.ok('error' in missing && missing.error.startsWith(`KEEPALIVED_TS_CONFIG_LOADER ${join(dir, 'missing.mjs')}: `));
    });
  });
});
