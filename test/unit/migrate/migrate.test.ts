// Every migration case is converted; malformed inputs report the expected file:line problems, each
// with what was assumed, and the rest is still converted; converted outputs must parse with our own
// parser (no errors, as `keepalived -t` would see them) and the model must hold what the source meant.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, formatReport } from '../../../src/migrate/index.js';
import { migrateMain } from '../../../src/migrate/cli.js';
import { parseConfigFile } from '../../../src/config/load.js';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { CASES, CORPUS } from './cases.js';

const vsKey = (v: KeepalivedConfig['virtualServers'][number]): string =>
  v.vs.kind === 'ip' ? `${v.vs.address}:${v.vs.port}` : v.vs.kind === 'fwmark' ? `fwmark ${v.vs.fwmark}` : `group ${v.vs.group}`;

describe('migrate: cases from the seeds, the documented options and malformed inputs', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(c.name, () => {
      const r = migrate(c.from, path.join(CORPUS, c.input), c.opts);
      if (c.errors) {
        assert.equal(r.errors.length, c.errors.length, formatReport(r));
        for (const want of c.errors) {
          const [where, line, ...rest] = want.split(':');
          const text = rest.join(':').trim();
          assert.ok(r.errors.some((e) => e.at.endsWith(`${where}:${line}`) && e.message.includes(text)), `missing error ${want}\n${formatReport(r)}`);
        }
        // each problem says what was assumed instead, and the report prints it at its place
        for (const e of r.errors) {
          assert.ok(e.assumed && !e.fatal, `no assumption for ${e.at}: ${e.message}`);
          assert.ok(formatReport(r).includes(`${e.at}: problem: ${e.message} -> assumed: ${e.assumed}`));
        }
      } else assert.deepEqual(r.errors, [], formatReport(r));
      const file = path.join(dir, `${c.input.replace(/\W/g, '_')}.conf`);
      writeFileSync(file, r.config);
      for (const id of c.configIds ?? ['anyhost']) {
        const { config, diagnostics } = parseConfigFile(file, { configId: id, checkInterfaces: false });
        const bad = diagnostics.filter((d) => d.severity !== 'info');
        assert.deepEqual(bad, [], `our parser found problems in the output for config id ${id}:\n${r.config}`);
        const e = c.expect ?? {};
        const inst = config.vrrpInstances[0];
        if (e.vips) assert.deepEqual(inst.virtualIpaddress.map((v) => (v.prefixLen === 32 ? v.address : `${v.address}/${v.prefixLen}`)), e.vips);
        if (e.interface) assert.equal(inst.interface, e.interface);
        if (e.priorities) assert.equal(inst.priority, e.priorities[id]);
        if (e.advertInt !== undefined) assert.equal(inst.advertInt, e.advertInt);
        if (e.nopreempt !== undefined) assert.equal(inst.nopreempt, e.nopreempt);
        if (e.authPass !== undefined) assert.equal(inst.authentication?.pass, e.authPass);
        if (e.unicastPeers) assert.deepEqual(inst.unicastPeer.map((p) => p.address), e.unicastPeers);
        if (e.trackScripts !== undefined) assert.equal(inst.trackScript.length, e.trackScripts);
        if (e.notifyMaster) assert.deepEqual(inst.notifyMaster?.argv, e.notifyMaster);
        if (e.emails) assert.deepEqual(config.global.notificationEmail, e.emails);
        for (const want of e.virtualServers ?? []) {
          const vs = config.virtualServers.find((v) => vsKey(v) === want.vs);
          assert.ok(vs, `virtual server ${want.vs} missing`);
          assert.equal(vs.lbAlgo, want.lbAlgo);
          assert.equal(vs.lbKind, want.lbKind);
          if (want.protocol) assert.equal(vs.protocol, want.protocol);
          assert.deepEqual(vs.realServers.map((rs) => `${rs.address}:${rs.port}`), want.reals);
          if (want.checker) for (const rs of vs.realServers) assert.equal(rs.checkers[0]?.type, want.checker);
          if (!want.checker) for (const rs of vs.realServers) assert.equal(rs.checkers.length, 0);
          if (want.sorry) assert.equal(`${vs.sorryServer?.address}:${vs.sorryServer?.port}`, want.sorry);
          if (want.inhibit !== undefined) assert.equal(vs.inhibitOnFailure, want.inhibit);
          if (want.persistence !== undefined) assert.equal(vs.persistenceTimeout, want.persistence);
          if (want.delayLoop !== undefined) assert.equal(vs.delayLoop, want.delayLoop);
          const ck = vs.realServers[0]?.checkers[0];
          if (want.path) assert.equal(ck && 'urls' in ck ? ck.urls[0]?.path : undefined, want.path);
          if (want.regex) assert.equal(ck && 'urls' in ck ? ck.urls[0]?.regex : undefined, want.regex);
          if (want.retry !== undefined) assert.equal(ck?.retry, want.retry);
        }
      }
    });
  }

  it('reports every ha.cf directive, including the ones with no equivalent', () => {
    const r = migrate('heartbeat', path.join(CORPUS, 'seed-000'));
    for (const line of [4, 5, 7, 8, 11, 14, 16, 17, 18, 19, 20, 21]) {
      assert.ok(r.report.some((e) => e.at.endsWith(`ha.cf:${line}`)), `ha.cf:${line} not in the report\n${formatReport(r)}`);
    }
    const auth = r.report.find((e) => e.at.endsWith('authkeys:4'));
    assert.match(auth?.note ?? '', /md5 has no VRRP equivalent/);
    assert.ok(!formatReport(r).includes('Hello!'), 'the report must not print the key');
  });

  it('the CLI prints the config on stdout and the report on stderr; usage errors exit 2', () => {
    let out = '', err = '';
    const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
    assert.equal(migrateMain(['--from', 'piranha', path.join(CORPUS, 'seed-003-lvs.cf')], io), 0);
    assert.match(out, /^virtual_server 192\.168\.12\.200 80 \{$/m);
    assert.match(err, /seed-003-lvs\.cf:10: network = direct -> lb_kind DR/);
    assert.equal(migrateMain(['--from', 'nonsense', 'x'], io), 2);
  });

  it('malformed input: converted as far as it goes, exit 0; --strict refuses it (exit 1, nothing written); no input exits 1', () => {
    let out = '', err = '';
    const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
    assert.equal(migrateMain(['--from', 'ldirectord', path.join(CORPUS, 'bad-ldirectord.cf')], io), 0);
    assert.match(err, /bad-ldirectord\.cf:5: problem: scheduler=fastest: unknown IPVS scheduler -> assumed: lb_algo wrr/);
    assert.match(err, /^5 problem\(s\) in the input: .* everything else was converted \(--strict refuses such input\)$/m);
    // its only virtual server lost all its real servers: left out, as keepalived would ignore it
    assert.match(err, /virtual server 10\.0\.0\.1:80 -> \(no equivalent\)  \[not written: it has no usable real server/);
    assert.doesNotMatch(out, /virtual_server/);
    out = ''; err = '';
    assert.equal(migrateMain(['--strict', '--from', 'ldirectord', path.join(CORPUS, 'bad-ldirectord.cf')], io), 1);
    assert.equal(out, '');
    assert.match(err, /5 problem\(s\) and --strict: no configuration written/);
    out = ''; err = '';
    assert.equal(migrateMain(['--from', 'heartbeat', path.join(CORPUS, 'seed-002-redacted')], io), 0);
    assert.match(err, /ha\.cf:6: problem: ucast: expected <interface> <IP> -> assumed: unicast_peer 192\.168\.2\.20/);
    assert.match(out, /^vrrp_script chk_ping \{$/m);
    assert.equal(migrateMain(['--from', 'ldirectord', path.join(CORPUS, 'no-such-file.cf')], io), 1);
  });
});
