// The parser asks the machine only through ParseOptions.host: each case parses on an in-memory
// host (test/helpers/fake-host.ts) and shows that the fact came from it (users, files, includes,
// interfaces, CPUs, a sysctl, config_save_dir, script files, iproute2 names, the host name), with
// the same messages the real host gives (their wording is 2.2.7's, see the corpus tests).
import { strict as assert } from 'node:assert';
import { parseConfigFile, parseConfigText, runConfigTest, type ParseResult } from '../../../src/parser/index.js';
import { fakeHost, type FakeHostSpec } from '../../helpers/fake-host.js';

const CONF = '/etc/keepalived/keepalived.conf';
const parse = (text: string, spec: FakeHostSpec = {}, more: { checkInterfaces?: boolean } = {}): ParseResult =>
  parseConfigText(text, CONF, { host: fakeHost(spec), ...more });
const messages = (r: ParseResult): string[] => r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);

describe('parser host facts (fake host)', () => {
  it('script_user is looked up in host.users', () => {
    const text = 'global_defs {\n  script_user alice\n}\n';
    assert.deepEqual(messages(parse(text, { users: { alice: { uid: 1000, gid: 1000 } } })), []);
    assert.deepEqual(messages(parse(text)), ['Error setting global script uid/gid']);
  });

  it("a vrrp_script's own user is looked up in host.users", () => {
    const text = 'vrrp_script chk {\n  script "/bin/true"\n  user bob\n}\n';
    assert.deepEqual(messages(parse(text, { users: { bob: { uid: 7, gid: 7 } } })), []);
    assert.deepEqual(messages(parse(text)), ["Unable to set uid/gid for script '/bin/true'"]);
  });

  it('includes and their globs are read from host.files, relative to the including file', () => {
    const host = fakeHost({
      files: {
        [CONF]: 'include conf.d/*.conf\ninclude missing.conf\n',
        '/etc/keepalived/conf.d/a.conf': 'vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n}\n',
        '/etc/keepalived/conf.d/b.conf': 'vrrp_instance B {\n  interface eth0\n  virtual_router_id 2\n}\n',
        '/etc/keepalived/conf.d/skip.txt': 'garbage\n',
      },
    });
    const r = parseConfigFile(CONF, { host, skipScriptSecurity: true });
    assert.deepEqual(r.config.vrrpInstances.map((i) => i.name), ['A', 'B']);
    assert.deepEqual(r.config.files, [CONF, '/etc/keepalived/conf.d/a.conf', '/etc/keepalived/conf.d/b.conf']);
    assert.ok(r.diagnostics.some((d) => d.message === "Config files missing 'missing.conf'."), r.diagnostics.map((d) => d.message).join('\n'));
  });

  it('a main file the host does not have is KA_CONFIG_FILE_MISSING', () => {
    const r = parseConfigFile('/nowhere.conf', { host: fakeHost(), allConfig: true });
    assert.equal(r.diagnostics[0]?.code, 'KA_CONFIG_FILE_MISSING');
    assert.equal(r.exitCode, 4);
  });

  it('-t checks interfaces against host.interfaces()', () => {
    const files = { [CONF]: 'vrrp_instance A {\n  interface eth9\n  virtual_router_id 1\n  priority 100\n}\n' };
    const missing = runConfigTest(CONF, { host: fakeHost({ files, interfaces: ['lo', 'eth0'] }), skipScriptSecurity: true });
    assert.ok(missing.stderrLines.some((l) => l.startsWith('Non-existent interface specified in configuration')), missing.stderrLines.join('\n'));
    const there = runConfigTest(CONF, { host: fakeHost({ files, interfaces: ['lo', 'eth9'] }), skipScriptSecurity: true });
    assert.ok(!there.stderrLines.some((l) => l.startsWith('Non-existent interface')), there.stderrLines.join('\n'));
  });

  it('*_cpu_affinity ranges over host.cpuCount()', () => {
    const text = 'global_defs {\n  vrrp_cpu_affinity 3\n}\n';
    assert.deepEqual(messages(parse(text, { cpus: 4 })), []);
    assert.deepEqual(messages(parse(text, { cpus: 2 })), ['number \'3\' outside range [0, 1]', 'Invalid cpu_id:3 specified for vrrp process']);
  });

  it('disable_local_igmp needs the sysctl writable on the host', () => {
    const sysctl = '/proc/sys/net/ipv4/igmp_link_local_mcast_reports';
    const text = 'global_defs {\n  disable_local_igmp\n}\n';
    assert.equal(parse(text, { writable: [sysctl] }).config.global.disableLocalIgmp, true);
    const r = parse(text);
    assert.equal(r.config.global.disableLocalIgmp, undefined);
    assert.deepEqual(messages(r), [`kernel does not support ${sysctl}`]);
  });

  it('config_save_dir is created on the host when missing, refused when a file', () => {
    const host = fakeHost({ files: { '/var/lib/': '' } });
    const r = parseConfigText('global_defs {\n  config_save_dir /var/lib/ka/\n}\n', CONF, { host });
    assert.deepEqual(host.made, ['/var/lib/ka']);
    assert.equal(r.config.global.configSaveDir, '/var/lib/ka');
    assert.deepEqual(messages(parse('global_defs {\n  config_save_dir /var/lib/ka\n}\n', { files: { '/var/lib/ka': 'x' } })),
      ['config_save_dir /var/lib/ka exists and is not a directory']);
    assert.deepEqual(messages(parse('global_defs {\n  config_save_dir /nodir/ka\n}\n')),
      ['Unable to create config_save_dir /nodir/ka (error 2 - No such file or directory)']);
  });

  it("script security stats the host's files", () => {
    const text = 'vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  notify_master /usr/local/bin/n.sh\n}\n';
    const users = { root: { uid: 0, gid: 0 } };
    const found = parse(text, { users, files: { '/usr/local/bin/n.sh': { content: '#!/bin/sh\n', mode: 0o755 } } });
    assert.deepEqual(found.diagnostics.filter((d) => d.code === 'KA_SCRIPT_SECURITY').map((d) => d.message),
      ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.']);
    assert.equal(found.exitCode, 6);
    const absent = parse(text, { users });
    assert.ok(!absent.diagnostics.some((d) => d.code === 'KA_SCRIPT_SECURITY'));
  });

  it("route table names come from the host's /etc/iproute2/rt_tables", () => {
    const text = 'static_routes {\n  10.0.0.0/8 via 192.0.2.1 table web\n}\n';
    const named = parse(text, { files: { '/etc/iproute2/rt_tables': '100\tweb\n' } });
    assert.equal(named.config.staticRoutes[0]?.table, 100);
    const unnamed = parse(text);
    assert.equal(unnamed.config.staticRoutes.length, 0);
    assert.ok(messages(unnamed).includes('Routing table web not found for route'), messages(unnamed).join('\n'));
  });

  it('the host name gives router_id and the config id (@ conditionals)', () => {
    const r = parse('@web1 global_defs {\n@web1   vrrp_version 3\n}\n', { hostname: 'web1.example.com' });
    assert.equal(r.config.global.routerId, 'web1.example.com');
    assert.equal(r.config.global.vrrpVersion, 3);
    assert.equal(parse('@web1 global_defs {\n@web1   vrrp_version 3\n}\n', { hostname: 'db1' }).config.global.vrrpVersion, 2);
  });
});
