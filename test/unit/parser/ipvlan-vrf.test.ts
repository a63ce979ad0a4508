// use_ipvlan and vrf at parse time, against keepalived 2.2.7's -t: use_ipvlan's word checks and
// end-of-parse lines (recorded on this machine: test/unit/parser/data/ipvlan-2.2.7/), vrf's rules
// (recorded in the qemu guest, which has VRF devices: test/vm/links/keepalived-2.2.7.txt, the
// "check" sections; compared live by test/vm/links-ipvlan.test.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseConfigText, runConfigTest } from '../../../src/config/load.js';

const DATA = new URL('./data/ipvlan-2.2.7/', import.meta.url).pathname;
const VM = new URL('../../vm/links/', import.meta.url).pathname;

/** Our -t lines as 2.2.7 prints them: the file as named on its command line, no "[file:line:col]". */
function t(dir: string, file: string, interfaces: string[]): string[] {
  const r = runConfigTest(`${dir}${file}`, { interfaces: new Set(interfaces), configId: 'x' });
  return [...r.stderrLines.map((l) => l.replace(/\t\[[^\]]*\]$/, '').split(dir).join('')), `exit ${r.exitCode}`];
}
const recorded = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

/** One section of the guest's recording ("=== check FILE" up to the next "==="). */
function vmSection(name: string): string[] {
  const lines = readFileSync(`${VM}keepalived-2.2.7.txt`, 'utf8').split('\n');
  const from = lines.indexOf(`=== ${name}`);
  assert.ok(from >= 0, name);
  const to = lines.findIndex((l, i) => i > from && l.startsWith('==='));
  const s = lines.slice(from + 1, to).filter((l) => l !== '');
  // the guest prints the exit code first
  return [...s.slice(1), s[0]!];
}

describe('parser: use_ipvlan and vrf as keepalived 2.2.7 -t', () => {
  it('use_ipvlan: types, addresses and names given twice, a name in use or too long, an address of the other family, unicast', () => {
    // (2.2.7's "(VI_6) interface eth0 already exists and is not an l2 ipvlan; ignoring ipvlan if_name"
    // needs the interface's type, which our parser does not have: the VRRP runtime says it at start)
    const missing = '(parse.conf: Line 51) (VI_6) interface eth0 already exists and is not an l2 ipvlan; ignoring ipvlan if_name';
    assert.deepEqual(t(DATA, 'parse.conf', ['lo', 'eth0']), recorded(`${DATA}parse.out`).filter((l) => l !== missing));
  });

  it('use_ipvlan at the end of the parse: no IPv4 address (config fault), promote_secondaries, vmac_xmit_base', () => {
    const missing = '(complete.conf: Line 43) (VI_6) interface eth0 already exists and is not an l2 ipvlan; ignoring ipvlan if_name';
    assert.deepEqual(t(DATA, 'complete.conf', ['lo', 'eth0']), recorded(`${DATA}complete.out`).filter((l) => l !== missing));
  });

  it('use_ipvlan: the address sets the family and becomes the advert source; a later unicast_src_ip replaces it', () => {
    const conf = (extra: string) => `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n use_ipvlan ipv1 fd00::1/64 vepa\n${extra}\n virtual_ipaddress {\n  fd00::100/64\n }\n}\n`;
    const vi = parseConfigText(conf(''), 'a.conf', { interfaces: new Set(['eth0']), configId: 'x' }).config.vrrpInstances[0]!;
    assert.deepEqual([vi.family, vi.version, vi.unicastSrcIp, vi.useIpvlan?.name, vi.useIpvlan?.mode], ['inet6', 3, 'fd00::1', 'ipv1', 'vepa']);
    assert.deepEqual(vi.useIpvlan?.address && [vi.useIpvlan.address.address, vi.useIpvlan.address.prefixLen, vi.useIpvlan.address.options], ['fd00::1', 64, ['preferred_lft', '0']]);
    const later = parseConfigText(conf(' unicast_src_ip fd00::9'), 'a.conf', { interfaces: new Set(['eth0']), configId: 'x' }).config.vrrpInstances[0]!;
    assert.equal(later.unicastSrcIp, 'fd00::9');
  });

  it('vrf: after interface, before it, missing, too long, a loopback, and without interface ("Unknown interface!")', () => {
    for (const c of ['links.conf', 'vrf-rules.conf', 'vrf-alone.conf']) {
      assert.deepEqual(t(VM, c, ['lo', 'eth0', 'eth1', 'eth2', 'vrf0']), vmSection(`check ${c}`), c);
    }
  });
});
