// RLIMIT_NOFILE raised to what the configuration needs, as keepalived 2.2.7's set_max_file_limit():
// the planner over (limit at start, limit now, need), the needs of the checker and VRRP processes
// counted from a config, and the lines through a fake addon. Measured on this host with 2.2.7's VRRP
// child and 20 instances: prlimit 60:60 -> "Failed to set open file limit to 83:83 failed - errno 1"
// (no CAP_SYS_RESOURCE), 60:200 -> "Set open file limit to 83:200." (-D); its checker in the qemu
// guest with 200 TCP_CHECK real servers under ulimit -n 100: "Set open file limit to 227:227."
import assert from 'node:assert/strict';
import { memoryLogger } from '../../../src/common/log.js';
import {
  checkerFdsRequired, FileLimit, planFileLimit, vrrpFdsRequired, type NofileSys,
} from '../../../src/daemon/process/file-limit.js';
import { parseConfigText } from '../../../src/config/load.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'test', hostname: 'test' }).config;
const instances = (n: number, extra = ''): string => Array.from({ length: n }, (_, i) =>
  `vrrp_instance V${i} {\n interface eth0\n virtual_router_id ${i + 1}\n priority 100\n${extra}\n virtual_ipaddress {\n  10.0.0.${i + 1}/32\n }\n}\n`).join('');

class FakeNofile {
  limit: [number, number];
  script: [number, number] | undefined;
  calls: string[] = [];
  refuse = false;
  constructor(cur: number, max: number) { this.limit = [cur, max]; }
  sys(): NofileSys {
    return {
      getNofileLimit: () => this.limit,
      setNofileLimit: (c: number, m: number) => { this.calls.push(`${c}:${m}`); if (this.refuse) return 1; this.limit = [c, m]; return undefined; },
      setScriptNofileLimit: (l: [number, number] | undefined) => { this.script = l; },
    };
  }
}

describe('daemon: descriptor limit as keepalived 2.2.7 raises it', () => {
  it('planFileLimit: nothing while the start limit suffices; raised soft and hard to the need; back to the start limit', () => {
    assert.equal(planFileLimit({ cur: 1024, max: 4096 }, { cur: 1024, max: 4096 }, 227), undefined);
    assert.deepEqual(planFileLimit({ cur: 100, max: 100 }, { cur: 100, max: 100 }, 227), { cur: 227, max: 227 });
    assert.deepEqual(planFileLimit({ cur: 60, max: 200 }, { cur: 60, max: 200 }, 83), { cur: 83, max: 200 });
    // raised earlier, the need fell below the start limit (a reload): back to it
    assert.deepEqual(planFileLimit({ cur: 100, max: 100 }, { cur: 227, max: 227 }, 50), { cur: 100, max: 100 });
  });

  it('needs: checker 17 + socket checkers (SMTP per host) + smtp_alert keywords + 10; VRRP 2 per instance + smtp_alert + 43', () => {
    const chk = parse(`virtual_server 10.0.0.100 80 {
  smtp_alert
  real_server 10.0.0.2 80 {
    smtp_alert false
    TCP_CHECK {
    }
    HTTP_GET {
      url {
        path /
      }
    }
    MISC_CHECK {
      misc_path /bin/true
    }
  }
  real_server 10.0.0.3 25 {
    SMTP_CHECK {
      host {
        connect_ip 10.0.0.3
      }
      host {
        connect_ip 10.0.0.4
      }
    }
    PING_CHECK {
    }
  }
}
`);
    // TCP, HTTP, 2 SMTP hosts, PING = 5 sockets; 2 smtp_alert keywords (a false one counts: 2.2.7 counts the keyword)
    assert.equal(checkerFdsRequired(chk), 17 + 5 + 2 + 10);
    assert.equal(vrrpFdsRequired(parse(instances(20))), 83);
    assert.equal(vrrpFdsRequired(parse(`${instances(2, ' smtp_alert')}`)), 2 * 2 + 2 + 43);
    assert.equal(vrrpFdsRequired(parse('global_defs {\n router_id x\n}\n')), undefined);
  });

  it('FileLimit: 2.2.7\'s lines; scripts get the start limit back while it is raised', () => {
    const f = new FakeNofile(100, 100), log = memoryLogger();
    const fl = new FileLimit(f.sys(), log);
    fl.apply(227);
    assert.deepEqual(log.lines(), ['Set open file limit to 227:227.']);
    assert.deepEqual(f.script, [100, 100]);
    // a reload with the same need sets (and logs) it again, as 2.2.7's start_check does
    fl.apply(227);
    assert.deepEqual(f.calls, ['227:227', '227:227']);
    assert.equal(log.lines().length, 2);
    fl.apply(50);
    assert.deepEqual(f.limit, [100, 100]);
    assert.equal(f.script, undefined);
    const g = new FakeNofile(60, 60), log2 = memoryLogger();
    g.refuse = true;
    new FileLimit(g.sys(), log2).apply(83);
    assert.deepEqual(log2.lines(), ['Failed to set open file limit to 83:83 failed - errno 1']);
    assert.equal(g.script, undefined);
  });
});
