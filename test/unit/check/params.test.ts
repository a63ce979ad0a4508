// Effective checker parameters from keepalived.conf text: each timing/connection keyword given in a
// checker, a real_server or a virtual_server reaches the checker (resolveParams), the nearest one
// winning, else the checker type's default. The checker tests then show what each value does.
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { resolveParams, type EffectiveParams } from '../../../src/check/core/params.js';

/** One virtual server with three real servers: keywords in the checker, in the real server, in neither. */
function effective(vsLines: string, rsLines: string, ckLines: string, type = 'TCP_CHECK', every = ''): EffectiveParams[] {
  const text = `virtual_server 10.9.0.1 80 {
  lb_algo rr
  lb_kind DR
  protocol TCP
  ${vsLines}
  real_server 10.9.0.2 80 {
    ${type} {
      ${ckLines}
      ${every}
    }
  }
  real_server 10.9.0.3 80 {
    ${rsLines}
    ${type} {
      ${every}
    }
  }
  real_server 10.9.0.4 80 {
    ${type} {
      ${every}
    }
  }
}
`;
  const r = parseConfigText(text, 'params.conf', { configId: 'x', skipScriptSecurity: true });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
  const vs = r.config.virtualServers[0]!;
  return vs.realServers.map((rs) => resolveParams(rs.checkers[0]!, rs, vs));
}

const KEYS = (n: number): string => `retry ${n}\n delay_before_retry ${n}\n delay_loop ${n}\n warmup ${n}\n connect_timeout ${n}`;

describe('check: effective checker parameters from the config', () => {
  it('each timing and connection keyword: checker, then real_server, then virtual_server, then the default', () => {
    // virtual_server gives 7 (delay_loop 7), real_server 3 gives 5, checker of real_server 2 gives 2.
    const [ck, rs, vs] = effective(`${KEYS(7)}\n alpha`, `${KEYS(5)}\n alpha no`, `${KEYS(2)}\n alpha\n connect_ip 10.9.0.9\n connect_port 8080`);
    assert.deepEqual(
      [ck, rs, vs].map((p) => [p!.retry, p!.delayBeforeRetryMs, p!.delayLoopMs, p!.warmupMs,
        p!.connectTimeoutMs, p!.alpha]),
      [[2, 2000, 2000, 2000, 2000, true], [5, 5000, 5000, 5000, 5000, false], [7, 7000, 7000, 7000, 7000, true]],
    );
    assert.deepEqual([ck!.connectIp, ck!.connectPort], ['10.9.0.9', 8080]);
    assert.deepEqual([vs!.connectIp, vs!.connectPort], ['10.9.0.4', 80]);
  });

  it('defaults: retry 1, delay_before_retry 1 s, connect_timeout 5 s, warmup = delay_loop (60 s), alpha off', () => {
    const [, , p] = effective('', '', '');
    assert.deepEqual([p!.retry, p!.delayBeforeRetryMs, p!.delayLoopMs, p!.warmupMs, p!.connectTimeoutMs, p!.alpha],
      [1, 1000, 60000, 60000, 5000, false]);
  });

  it('checker defaults by type: HTTP_GET retries after 3 s, DNS_CHECK tries 3 times, delay_loop apart, MISC_CHECK does not retry', () => {
    assert.deepEqual(((p) => [p.retry, p.delayBeforeRetryMs])(effective('', '', '', 'HTTP_GET', 'url {\n path /\n }')[0]!), [1, 3000]);
    const [dns] = effective('delay_loop 4', '', '', 'DNS_CHECK');
    assert.deepEqual([dns!.retry, dns!.delayBeforeRetryMs, dns!.connectPort], [3, 4000, 80]);
    assert.equal(effective('', '', '', 'MISC_CHECK', 'misc_path /bin/true')[0]!.retry, 0);
  });

  it('bindto and bind_port are passed on as given', () => {
    const [p] = effective('', '', 'bindto 10.9.0.1\n bind_port 4000');
    assert.deepEqual([p!.bindto, p!.bindPort], ['10.9.0.1', 4000]);
  });
});
