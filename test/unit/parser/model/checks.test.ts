// Cross-object checks (keepalived's messages plus our notes that name both places), the -t notes
// option, the dump, and the printer on a clean config.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printConfig, dumpConfig } from '../../../../src/parser/index.js';
import { parseConfigText, runConfigTest } from '../../../../src/config/load.js';

const IFS = new Set(['eth0', 'eth1']);
const parse = (text: string) => parseConfigText(text, 't.conf', { interfaces: IFS, configId: 'x', skipScriptSecurity: true, hostname: 'h' });
const vi = (name: string, vrid: number, ifname = 'eth0', vip = '10.0.0.1') =>
  `vrrp_instance ${name} {\n    interface ${ifname}\n    virtual_router_id ${vrid}\n    virtual_ipaddress {\n        ${vip}\n    }\n}\n`;

describe('parser: cross-object checks', () => {
  it('duplicate VRID on one interface: keepalived message, both positions, and our note naming both', () => {
    const r = parse(vi('A', 10) + vi('B', 10));
    const d = r.diagnostics.find((x) => x.code === 'KA_DUP_VRID')!;
    assert.equal(d.message, 'A and B both use VRID 10 with IPv4 on interface eth0');
    assert.deepEqual(d.pos, { file: 't.conf', line: 8, col: 1 });
    assert.deepEqual(d.related, [{ file: 't.conf', line: 1, col: 1 }]);
    const n = r.diagnostics.find((x) => x.code === 'KPB_DUP_VRID')!;
    assert.match(n.message, /B \(t\.conf:8:1\).*A \(t\.conf:1:1\)/);
    assert.equal(r.exitCode, 5);
  });
  it('same VRID on another interface, or another family, is fine', () => {
    assert.equal(parse(vi('A', 10) + vi('B', 10, 'eth1')).exitCode, 0);
    assert.equal(parse(vi('A', 10) + vi('B', 10, 'eth0', 'fd00::1')).exitCode, 0);
  });
  it('sync group naming a missing instance: message, and a note with a did-you-mean', () => {
    const r = parse(`vrrp_sync_group G {\n    group {\n        A\n        b\n    }\n}\n${vi('A', 1)}${vi('B', 2)}`);
    assert.ok(r.diagnostics.some((x) => x.message === "Virtual router b specified in sync group G doesn't exist - ignoring"));
    const n = r.diagnostics.find((x) => x.code === 'KPB_SYNC_MISSING')!;
    assert.match(n.message, /vrrp_sync_group G \(t\.conf:1:1\) names b.*did you mean B at t\.conf:14:1/);
    assert.deepEqual(r.config.vrrpSyncGroups[0]!.group, ['A']);
  });
  it('track_script naming an undefined script: keepalived message at the reference, note listing what is defined', () => {
    const r = parse(`vrrp_script chk {\n    script /bin/true\n}\nvrrp_instance A {\n    interface eth0\n    virtual_router_id 3\n    virtual_ipaddress {\n        10.0.0.1\n    }\n    track_script {\n        chq\n    }\n}\n`);
    const d = r.diagnostics.find((x) => x.code === 'KA_TRACK_NOT_FOUND')!;
    assert.equal(d.message, '(A) track script chq not found, ignoring...');
    assert.equal(d.pos!.line, 11);
    assert.match(r.diagnostics.find((x) => x.code === 'KPB_TRACK_UNDEFINED')!.message, /chq in A \(t\.conf:11:\d+\).*defined: chk \(t\.conf:1:1\)/);
    assert.deepEqual(r.config.vrrpInstances[0]!.trackScript, []);
  });
  it('VRRP v2 with IPv6 VIPs: keepalived uses v3 silently; our note names both lines', () => {
    const r = parse(`vrrp_instance A {\n    interface eth0\n    virtual_router_id 3\n    version 2\n    virtual_ipaddress {\n        fd00::1/64\n    }\n}\n`);
    assert.equal(r.exitCode, 0);
    assert.equal(r.config.vrrpInstances[0]!.version, 3);
    assert.match(r.diagnostics.find((x) => x.code === 'KPB_V2_IPV6')!.message, /version 2 \(t\.conf:4:\d+\).*IPv6 addresses \(t\.conf:6:\d+\)/);
  });
  it('track weights: a reference without weight takes the script weight', () => {
    const r = parse(`vrrp_script chk {\n    script /bin/true\n    weight -7 reverse\n}\nvrrp_instance A {\n    interface eth0\n    virtual_router_id 3\n    virtual_ipaddress {\n        10.0.0.1\n    }\n    track_script {\n        chk\n    }\n}\n`);
    assert.deepEqual({ ...r.config.vrrpInstances[0]!.trackScript[0]!, pos: undefined }, { name: 'chk', weight: -7, reverse: true, pos: undefined });
  });
});

describe('parser: -t notes option, dump, printer', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kpb-checks-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it('-t prints our notes only when asked, our not-implemented warnings always, after keepalived lines, and file:line:col by default', () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, vi('A', 10) + vi('B', 10) + 'bfd_instance X {\n    min_rx 10\n}\n');
    const plain = runConfigTest(f, { interfaces: IFS, configId: 'x' });
    assert.equal(plain.exitCode, 5);
    assert.ok(plain.stderrLines.every((l) => !l.startsWith('note:')));
    assert.ok(plain.stderrLines.includes(`A and B both use VRID 10 with IPv4 on interface eth0\t[${f}:8:1]`), plain.stderrLines.join('\n'));
    assert.equal(plain.stderrLines.at(-1), `WARNING - keyword 'bfd_instance' is not implemented by keepalived-ts: BFD is not implemented\t[${f}:15:1]`);
    const noted = runConfigTest(f, { interfaces: IFS, configId: 'x', notes: true });
    assert.ok(noted.stderrLines.some((l) => l.startsWith('note: vrrp_instance B')));
    assert.ok(noted.stderrLines.at(-1)!.startsWith("WARNING - keyword 'bfd_instance'"), noted.stderrLines.join('\n'));
  });

  it('dump shows values and positions', () => {
    const out = dumpConfig(parse(vi('A', 10)).config);
    assert.match(out, /virtualRouterId = 10/);
    assert.match(out, /interface = eth0/);
    assert.match(out, /pos = t\.conf:1:1/);
    assert.doesNotMatch(dumpConfig(parse(vi('A', 10)).config, { positions: false }), /pos =/);
  });

  it('printed config of a clean model reparses with no diagnostics at all', () => {
    const src = `global_defs {\n    router_id r\n}\n${vi('A', 10)}virtual_server 10.0.0.5 80 {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n    real_server 10.0.0.6 80 {\n        HTTP_GET {\n            url {\n                path /x\n            }\n        }\n    }\n}\n`;
    const a = parse(src);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'info'), []);
    const b = parse(printConfig(a.config));
    assert.deepEqual(b.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.equal(b.exitCode, 0);
  });
});
