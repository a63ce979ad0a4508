// Per-server tunnel settings, as keepalived 2.2.7 programs them (check_parser.c svr_forwarding_handler
// and its checker dump, recorded in test/vm/checkers14/keepalived-2.2.7.txt: in a VS with
// `lvs_method TUN type ipip`, a real server's `TUN type gre` -> "TUN, type = GRE", `TUN type gue
// port 6080` -> "TUN, type = GUE, port = 6080", plain `TUN` -> "TUN, type = IPIP", `DR` -> "DR", no
// lvs_method -> the VS's). Each destination gets its own tunnel type, port and checksum flags.
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { initialDesiredState, toKernelState } from '../../../src/ipvs/index.js';
import { FWD, TUN_TYPE } from '../../../src/ipvs/constants.js';

const CONF = `virtual_server 10.79.0.100 25 {
  lb_algo rr
  lvs_method TUN type gre csum
  protocol TCP
  sorry_server 10.79.0.9 25
  sorry_server_inhibit
  sorry_server_lvs_method TUN type gue port 7000
  real_server 10.79.0.2 25 {
    lvs_method TUN type ipip
  }
  real_server 10.79.0.3 25 {
    lvs_method TUN type gue port 6080 remcsum
  }
  real_server 10.79.0.4 25 {
  }
  real_server 10.79.0.5 25 {
    lvs_method DR
  }
  real_server 10.79.0.6 25 {
    lvs_method TUN
  }
}
`;

describe('ipvs: each real server\'s own tunnel settings', () => {
  it('destinations carry their server\'s tunnel type, port and flags (the VS\'s when none)', () => {
    const r = parseConfigText(CONF, 'tun.conf', { configId: 'x', skipScriptSecurity: true });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
    const ks = toKernelState(initialDesiredState(r.config));
    const dests = [...[...ks.values()][0]!.dests.values()].map((d) => [d.addr, d.fwd, d.tunType,
      d.tunPort, d.tunFlags]);
    assert.deepEqual(dests, [
      ['10.79.0.2', FWD.TUNNEL, TUN_TYPE.ipip, 0, 0],
      ['10.79.0.3', FWD.TUNNEL, TUN_TYPE.gue, 6080, 2],
      ['10.79.0.4', FWD.TUNNEL, TUN_TYPE.gre, 0, 1],
      ['10.79.0.5', FWD.DROUTE, undefined, undefined, undefined],
      ['10.79.0.6', FWD.TUNNEL, TUN_TYPE.ipip, 0, 0],
    ]);
  });

  it('2.2.7\'s messages for bad tunnel settings (the line is dropped)', () => {
    const bad = (m: string): string[] => parseConfigText(`virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 10.0.0.2 80 {\n    lvs_method ${m}\n  }\n}\n`, 'b.conf',
      { configId: 'x', skipScriptSecurity: true }).diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
    assert.deepEqual(bad('TUN type gue'), ['gue tunnels require port, otherwise cannot have port.']);
    assert.deepEqual(bad('TUN type gre port 5'), ['gue tunnels require port, otherwise cannot have port.']);
    assert.deepEqual(bad('TUN type ipip csum'), ['ipip tunnels do not support checksum option.']);
    assert.deepEqual(bad('TUN type gre remcsum'), ['gre tunnels do not support remote checksum option.']);
    assert.deepEqual(bad('TUN type'), ['Missing tunnel type for real server.']);
    assert.deepEqual(bad('TUN type gue port x'), ['Invalid gue tunnel port x for real server.']);
    assert.deepEqual(bad('TUN foo'), ['Invalid tunnel option foo for real server.']);
  });
});
