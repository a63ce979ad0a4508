// SMTP_CHECK host{} blocks as keepalived 2.2.7 turns them into checkers (check_smtp.c), compared
// with its checker dump recorded in the qemu guest (test/vm/checkers14/keepalived-2.2.7.txt):
// an SMTP_CHECK with connect_timeout 2 and two hosts gave 3 checkers ([10.79.0.2]:25 timeout 2,
// [10.79.0.2]:25 timeout 0, [10.79.0.3]:2525 timeout 0); one with only a host gave 1 checker
// ([10.79.0.3]:25 timeout 0); retry set in the SMTP_CHECK applies to all.
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { expandSmtpHosts } from '../../../src/check/core/smtp-hosts.js';
import { resolveParams } from '../../../src/check/core/params.js';
import { printConfig } from '../../../src/parser/printer.js';

const CONF = `virtual_server 10.79.0.100 25 {
  delay_loop 3
  lb_algo rr
  protocol TCP
  real_server 10.79.0.2 25 {
    SMTP_CHECK {
      connect_timeout 2
      retry 0
      host {
        connect_ip 10.79.0.2
      }
      host {
        connect_ip 10.79.0.3
        connect_port 2525
        delay_before_retry 7
      }
    }
  }
  real_server 10.79.0.3 25 {
    SMTP_CHECK {
      retry 0
      helo_name me.test
      host {
        connect_ip 10.79.0.3
      }
    }
  }
}
`;

describe('check: SMTP_CHECK host{} blocks', () => {
  const r = parseConfigText(CONF, 'smtp-hosts.conf', { configId: 'x', skipScriptSecurity: true });
  const vs = r.config.virtualServers[0]!;
  const dests = (i: number) => {
    const rs = vs.realServers[i]!;
    return expandSmtpHosts(rs.checkers).map((c) => {
      const p = resolveParams(c, rs, vs);
      return `${p.connectIp}:${p.connectPort} timeout ${p.connectTimeoutMs} retry ${p.retry} dbr ${p.delayBeforeRetryMs}${c.type === 'SMTP_CHECK' && c.heloName ? ` helo ${c.heloName}` : ''}`;
    });
  };

  it('the SMTP_CHECK with its own connect_timeout stays a checker; each host adds one with timeout 0', () => {
    assert.deepEqual(dests(0), ['10.79.0.2:25 timeout 2000 retry 0 dbr 7000', '10.79.0.2:25 timeout 0 retry 0 dbr 7000', '10.79.0.3:2525 timeout 0 retry 0 dbr 7000']);
  });

  it('without connection keywords of its own, the first host takes the SMTP_CHECK\'s place', () => {
    assert.deepEqual(dests(1), ['10.79.0.3:25 timeout 0 retry 0 dbr 1000 helo me.test']);
  });

  it('the deprecation line once per SMTP_CHECK; the printer round-trips the host blocks', () => {
    assert.equal(r.diagnostics.filter((d) => d.message.startsWith('The SMTP_CHECK host block is deprecated')).length, 2);
    const again = parseConfigText(printConfig(r.config), 'again.conf', { configId: 'x', skipScriptSecurity: true });
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' ? undefined : v)));
    assert.deepEqual(strip(again.config.virtualServers), strip(r.config.virtualServers));
  });
});

describe('check: a link-local destination needs bind_if (check_conn_opts)', () => {
  it('without bind_if: 2.2.7\'s error and the checker (or SMTP host) is dropped; with it: kept', () => {
    const r = parseConfigText(`virtual_server fd00::100 80 {
  protocol TCP
  lb_algo rr
  lb_kind NAT
  real_server fe80::2 80 {
    TCP_CHECK {
    }
    TCP_CHECK {
      bind_if eth0
    }
    SMTP_CHECK {
      host {
        connect_ip fe80::3
      }
      host {
        connect_ip fe80::4
        bind_if eth0
      }
    }
  }
}
`, 'll.conf', { configId: 'x', skipScriptSecurity: true });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message),
      ['Checker link local address fe80::2 requires a bind_if', 'Checker link local address fe80::3 requires a bind_if']);
    const cks = r.config.virtualServers[0]!.realServers[0]!.checkers;
    assert.deepEqual(cks.map((c) => `${c.type} ${c.bindIf ?? ''}`), ['TCP_CHECK eth0', 'SMTP_CHECK ']);
    const smtp = cks[1]!;
    assert.deepEqual(smtp.type === 'SMTP_CHECK' ? smtp.hosts!.map((h) => h.connectIp) : [], ['fe80::4']);
  });
});
