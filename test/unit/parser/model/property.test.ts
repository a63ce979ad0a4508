// Property tests (fast-check): random keepalived.conf texts built from real keywords with valid and
// invalid values, misplaced braces and unknown words. For every input: the parser never throws,
// returns a model and one of keepalived's exit codes, and (unless it aborted) the printer's
// output reparses to the same model.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { printConfig } from '../../../../src/parser/index.js';
import { parseConfigText } from '../../../../src/config/load.js';
import { stripPositions } from './fixtures.js';

const num = fc.oneof(fc.integer({ min: -5, max: 300 }).map(String), fc.constantFrom('abc', '1.5', '0', '255', '65536'));
const ip = fc.oneof(fc.ipV4(), fc.constantFrom('10.0.0.300', 'fd00::1', '1.2.3.4/24', '1.2.3.4/33', 'x'));
const word = fc.constantFrom('eth0', 'eth1', 'MASTER', 'BACKUP', 'PASS', 'AH', 'rr', 'wlc', 'NAT', 'DR', 'TUN', 'TCP', 'udp', '"/bin/true a"', 'bogus', 'true', 'off');

const viLine = fc.oneof(
  fc.tuple(fc.constantFrom('state', 'interface', 'smtp_alert', 'nopreempt', 'accept', 'dont_track_primary', 'unicast_src_ip'), word).map(([k, v]) => `${k} ${v}`),
  fc.tuple(fc.constantFrom('virtual_router_id', 'priority', 'advert_int', 'preempt_delay', 'garp_master_delay', 'version'), num).map(([k, v]) => `${k} ${v}`),
  fc.array(ip, { maxLength: 3 }).map((xs) => `virtual_ipaddress {\n${xs.join('\n')}\n}`),
  fc.array(fc.tuple(word, num), { maxLength: 2 }).map((xs) => `track_interface {\n${xs.map(([w, n]) => `${w} weight ${n}`).join('\n')}\n}`),
  fc.array(fc.constantFrom('chk', 'nochk'), { maxLength: 2 }).map((xs) => `track_script {\n${xs.join('\n')}\n}`),
  fc.tuple(word, fc.string({ maxLength: 10 }).filter((s) => !/["{}#!\s\\$@~]/.test(s) && s.length > 0)).map(([t, p]) => `authentication {\nauth_type ${t}\nauth_pass ${p}\n}`),
  fc.constantFrom('notify_master "/bin/true m"', 'bogus_kw 1', '{', '}', 'priority'),
);
const vsLine = fc.oneof(
  fc.tuple(fc.constantFrom('lb_algo', 'lvs_sched', 'lb_kind', 'lvs_method', 'protocol'), word).map(([k, v]) => `${k} ${v}`),
  fc.tuple(fc.constantFrom('delay_loop', 'quorum', 'hysteresis', 'persistence_timeout', 'retry', 'weight'), num).map(([k, v]) => `${k} ${v}`),
  fc.tuple(ip, num).map(([i, p]) => `real_server ${i} ${p} {\nweight 2\nTCP_CHECK {\nconnect_timeout 3\nconnect_port ${p}\n}\n}`),
  fc.tuple(ip, num).map(([i, p]) => `sorry_server ${i} ${p}`),
);
const block = fc.oneof(
  fc.tuple(fc.constantFrom('VI_1', 'VI_2', 'X'), fc.array(viLine, { maxLength: 8 })).map(([n, ls]) => `vrrp_instance ${n} {\n${ls.join('\n')}\n}`),
  fc.tuple(ip, num, fc.array(vsLine, { maxLength: 6 })).map(([i, p, ls]) => `virtual_server ${i} ${p} {\n${ls.join('\n')}\n}`),
  fc.array(fc.tuple(fc.constantFrom('router_id', 'smtp_connect_timeout', 'vrrp_version', 'vrrp_garp_master_delay', 'default_interface', 'enable_script_security', 'bogus'), fc.oneof(num, word)), { maxLength: 5 })
    .map((ls) => `global_defs {\n${ls.map(([k, v]) => `${k} ${v}`).join('\n')}\n}`),
  fc.constantFrom('vrrp_script chk {\nscript "/bin/true"\ninterval 2\nweight 5\n}', 'vrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\n}', 'bfd_instance B {\nmin_rx 10\n}', '}', 'static_routes {\n10.1.0.0/16 dev eth0\n}'),
);

describe('parser: properties on random configs', () => {
  it('never throws, gives a keepalived exit code, and print -> parse round trips', () => {
    fc.assert(fc.property(fc.array(block, { maxLength: 6 }), (blocks) => {
      const text = blocks.join('\n') + '\n';
      const opts = { interfaces: new Set(['eth0', 'eth1']), configId: 'x', hostname: 'h', skipScriptSecurity: true };
      const r = parseConfigText(text, 'p.conf', opts);
      assert.ok([0, 2, 4, 5, 6].includes(r.exitCode), String(r.exitCode));
      if (r.aborted) { assert.equal(r.exitCode, 2); return; }
      const again = parseConfigText(printConfig(r.config), 'p2.conf', opts);
      assert.deepEqual(stripPositions(again.config), stripPositions(r.config), `input:\n${text}\nprinted:\n${printConfig(r.config)}`);
    }), { numRuns: 300, seed: 4242 });
  });
});
