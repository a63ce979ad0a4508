// bind() failures of the non-TCP checkers over a real network (root, namespaces `kbe-*`): HTTP_GET,
// SSL_GET, SMTP_CHECK and DNS_CHECK whose bindto is on no interface log keepalived's two lines and
// try again after delay_loop with no state change; UDP_CHECK logs the errno and counts a failed
// check. Then the bindto address is added (the same checks go up, the servers see that source
// address), and removed again. One HTTP_GET binds to a port another socket holds (EADDRINUSE).
// Real servers: nginx (HTTP, TLS), npm smtp-server, dnsmasq, a UDP echo.
//
// What keepalived 2.2.7 does (Debian's /usr/sbin/keepalived -n -l -C -D in the qemu IPVS guest,
// scripts/vm/run.sh, 2026-11-23; delay_loop 3 in the first run, 2 in the second; the first run's
// bindto 10.99.99.99 is on no interface, 10.88.0.1 bind_port 7000-7003 is held by other sockets):
//   Checker bind failed: Cannot assign requested address        <- layer4.c socket_bind_connect
//   WEB socket bind failed. Rescheduling                         <- HTTP_GET and SSL_GET (no final period)
//   Checker bind failed: Cannot assign requested address
//   SMTP_CHECK socket bind failed. Rescheduling.
//   Checker bind failed: Address already in use
//   DNS_CHECK ([10.88.0.16]:udp:53) UDP socket bind failed. Rescheduling.   <- dns_log_message prefix
//   Checker bind failed: Cannot assign requested address
//   TCP socket bind failed. Rescheduling.
//   bind failed. errno: 98, error: Address already in use        <- layer4.c udp_bind_connect
//   UDP_CHECK on service [10.88.0.17]:udp:9 failed.              <- UDP: a failed check (first check:
//   Removing service [10.88.0.17]:udp:9 from VS [10.88.0.101]:udp:53     retry_it starts at retry)
// Each pair repeats every delay_loop (3.0 s apart); ipvsadm -Ln still lists every HTTP/SSL/SMTP/
// DNS/TCP real server after 11 s; the UDP ones are gone. Second run (bindto 10.88.0.50 present,
// all up, then `ip addr del`): HTTP/SMTP/DNS/TCP log the pairs above every delay_loop and stay in
// IPVS; UDP_CHECK (retry 1) logs `bind failed. errno: 99, error: Cannot assign requested address`,
// retries after delay_before_retry, then `UDP_CHECK on service [10.88.0.2]:udp:7 failed after 1
// retries.` and `Removing service ...`; once the address is back, `UDP connection to
// [10.88.0.2]:udp:7 success.` and `Adding service ...`. An alpha UDP_CHECK failing its first
// bind also logs `UDP_CHECK on service ... failed.` (ours stays silent there: see the report).
// This file's UDP_CHECK uses retry 0, whose first-check behaviour both implementations share.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, isRoot, sh, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeUnlessFailed } from '../../helpers/tmpdir.js';
import { nginxConf } from './servers/nginx-conf.js';

/** This run's directory (nginx files, certificate, config, runner log), made in before(); 0755 for nginx's workers. */
let DIR = '';
const HERE = path.dirname(new URL(import.meta.url).pathname);
const MISC = path.join(HERE, 'servers', 'misc.mjs');
const LB = '10.79.0.1', BINDTO = '10.79.0.11', RS = '10.79.0.2', HELD_PORT = 40100;
const t = (port: number): string => `[${RS}]:tcp:${port}`;
const u = (port: number): string => `[${RS}]:udp:${port}`;
const VST = '[10.79.0.100]:tcp:80', VSU = '[10.79.0.100]:udp:53';
const DELAY_LOOP_MS = 1000;
// delay_before_retry 3 > delay_loop 1: a bind failure counted as a failed check would show as a 3 s gap.
const common = `bindto ${BINDTO}\n      connect_timeout 1\n      retry 1\n      delay_before_retry 3`;

const CONF = `
global_defs {
  router_id kbe_lb
}
virtual_server 10.79.0.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${RS} 80 {
    HTTP_GET {
      url {
        path /index.html
        status_code 200
      }
      ${common}
    }
  }
  real_server ${RS} 443 {
    SSL_GET {
      url {
        path /index.html
      }
      ${common}
    }
  }
  real_server ${RS} 25 {
    SMTP_CHECK {
      helo_name lb.kbe.test
      ${common}
    }
  }
  real_server ${RS} 8080 {
    HTTP_GET {
      url {
        path /index.html
      }
      connect_port 80
      bindto ${LB}
      bind_port ${HELD_PORT}
      connect_timeout 1
      retry 1
      delay_before_retry 3
    }
  }
}
virtual_server 10.79.0.100 53 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol UDP
  real_server ${RS} 53 {
    DNS_CHECK {
      type A
      name www.kbe.test
      ${common}
    }
  }
  real_server ${RS} 7 {
    UDP_CHECK {
      payload 68656c6c6f
      require_reply 68656c6c6f
      bindto ${BINDTO}
      connect_timeout 1
      retry 0
    }
  }
}
`;

function nginxConfFor(): string {
  return nginxConf(DIR, [`server { listen ${RS}:80; root ${DIR}/html; }`,
    `server { listen ${RS}:443 ssl; ssl_certificate ${DIR}/cert.pem; ssl_certificate_key ${DIR}/key.pem; root ${DIR}/html; }`],
  `log_format peer '$remote_addr $server_port';\n  access_log ${DIR}/access.log peer;`);
}

const NOTAVAIL = 'Checker bind failed: Cannot assign requested address';
const INUSE = 'Checker bind failed: Address already in use';
const WEB = 'WEB socket bind failed. Rescheduling';
const SMTP = 'SMTP_CHECK socket bind failed. Rescheduling.';
const DNS = `DNS_CHECK (${u(53)}) UDP socket bind failed. Rescheduling.`;
const UDP_BIND = 'bind failed. errno: 99, error: Cannot assign requested address';

interface Line { at: number; text: string }

describe('check (integration): bind() failures of HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, UDP_CHECK', function () {
  this.timeout(120000);
  const lab = new NetnsLab('kbe');
  const logs: Line[] = [];
  const other: string[] = [];
  let runner: ChildProcess | undefined;

  const since = (t0: number): Line[] => logs.filter((l) => l.at >= t0);
  const has = (s: string, t0 = 0): boolean => since(t0).some((l) => l.text === s);
  const dump = (): string => logs.map((l) => `${l.at} ${l.text}`).join('\n');
  const waitLine = (s: string, t0 = 0, ms = 20000): Promise<boolean> =>
    waitFor(() => has(s, t0), ms).catch(() => { throw new Error(`no line ${s}\n--- got:\n${dump()}`); });
  /** Times of the lines `text` that directly follow the line `prev` (the pair one step logs). */
  const pairs = (ls: Line[], prev: string, text: string): number[] =>
    ls.flatMap((l, i) => (l.text === text && ls[i - 1]?.text === prev ? [l.at] : []));
  const gaps = (ts: number[]): number[] => ts.slice(1).map((x, i) => x - ts[i]!);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  /** Any line saying a check failed or a server went away, other than the bind lines themselves. */
  const failureLines = (ls: Line[]): string[] => ls.map((l) => l.text)
    .filter((x) => /failed|Removing|Disabling/.test(x) && x !== WEB && x !== SMTP && x !== DNS && x !== UDP_BIND && !x.startsWith('Checker bind failed: '));
  const lastLvs = (): Record<string, string[]> => {
    const l = other.filter((x) => x.startsWith('LVS ')).pop();
    assert.ok(l, 'no LVS state');
    const st = JSON.parse(l.slice(4)) as { vs: { port: number; protocol?: string }; d: string[] }[];
    return Object.fromEntries(st.map((s) => [String(s.vs.port), [...s.d].sort()]));
  };

  before(function () {
    if (!isRoot()) this.skip();
    DIR = makeTempDir('kbe-int', { mode: 0o755 });
    mkdirSync(`${DIR}/html`, { recursive: true });
    mkdirSync(`${DIR}/tmp`, { recursive: true });
    writeFileSync(`${DIR}/html/index.html`, 'kbe\n');
    sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${DIR}/key.pem`, '-out', `${DIR}/cert.pem`, '-days', '2', '-subj', '/CN=rs.kbe.test']);
    writeFileSync(`${DIR}/nginx.conf`, nginxConfFor());
    writeFileSync(`${DIR}/keepalived.conf`, CONF);
    lab.up();
    lab.addHost('lb', { addr4: `${LB}/24` });
    lab.addHost('rs', { addr4: `${RS}/24` });
  });

  after(function () {
    try { writeFileSync(`${DIR}/runner.log`, dump() + '\n'); } catch { /* dir gone */ }
    if (runner?.pid && runner.exitCode === null) { try { process.kill(runner.pid, 'SIGKILL'); } catch { /* gone */ } }
    try {
      const pid = Number(readFileSync(`${DIR}/nginx.pid`, 'utf8').trim());
      if (pid) process.kill(pid, 'SIGKILL');
    } catch { /* not started or gone */ }
    lab.down();
    removeUnlessFailed(this, DIR);
  });

  async function startServer(ns: string, cmd: string, args: string[], readyWhen?: string): Promise<void> {
    const c = lab.spawn(ns, cmd, args);
    if (readyWhen) {
      let out = '';
      c.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      await waitFor(() => out.includes(readyWhen), 10000);
    }
  }

  it('no check while bindto cannot be bound (UDP: a failed check); with it bound the checks go up', async () => {
    const rs = lab.ns('rs'), lb = lab.ns('lb');
    await startServer(rs, 'nginx', ['-c', `${DIR}/nginx.conf`, '-p', DIR]);
    await startServer(rs, 'node', [path.join(HERE, 'servers', 'smtp.mjs'), RS, '25'], 'ready');
    await startServer(rs, 'dnsmasq', ['--no-daemon', '--conf-file=/dev/null', `--listen-address=${RS}`, '--bind-interfaces', '--port=53',
      '--no-resolv', '--no-hosts', '--address=/kbe.test/10.79.0.50', `--pid-file=${DIR}/dnsmasq.pid`, '--user=root']);
    await startServer(rs, 'node', [MISC, 'udp-echo', RS, '7'], 'ready');
    await startServer(lb, 'node', [MISC, 'tcp', LB, String(HELD_PORT)], 'ready'); // holds bind_port: EADDRINUSE
    await waitFor(() => sh('ip', ['netns', 'exec', rs, 'ss', '-ltnu'], { allowFail: true }).includes(`${RS}:443`)
      && sh('ip', ['netns', 'exec', rs, 'ss', '-lun'], { allowFail: true }).includes(`${RS}:53`), 10000);

    runner = lab.spawn(lb, 'node', ['--import', 'tsx', path.join(HERE, 'runner.ts'), `${DIR}/keepalived.conf`]);
    let buf = '';
    runner.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      const at = Date.now();
      for (const p of parts) if (p.startsWith('LOG ')) logs.push({ at, text: p.slice(4) }); else other.push(p);
    });
    runner.stderr!.on('data', (d: Buffer) => { other.push(`ERR ${d.toString()}`); });

    // 1. bindto on no interface: each checker logs its pair every delay_loop; UDP fails at once.
    await waitFor(() => other.includes('STARTED'), 30000);
    const t1 = Date.now();
    await waitLine(`UDP_CHECK on service ${u(7)} failed.`, t1);
    await waitLine(`Removing service ${u(7)} from VS ${VSU}`, t1);
    await waitFor(() => pairs(logs, NOTAVAIL, SMTP).length >= 4 && pairs(logs, NOTAVAIL, DNS).length >= 4, 20000)
      .catch(() => { throw new Error(`too few rescheduling lines\n${dump()}`); });
    const p1 = since(t1);
    const smtp1 = pairs(p1, NOTAVAIL, SMTP), dns1 = pairs(p1, NOTAVAIL, DNS);
    const web1 = pairs(p1, NOTAVAIL, WEB), inuse1 = pairs(p1, INUSE, WEB),
      udp1 = p1.filter((l) => l.text === UDP_BIND).map((l) => l.at);
    // HTTP_GET + SSL_GET give two WEB pairs per delay_loop; every UDP attempt logs the errno line.
    // (Counted against SMTP's: each checker runs on its own phase of the delay_loop.)
    const rounds = smtp1.length - 1;
    assert.ok(web1.length >= 2 * rounds, `WEB pairs: ${web1.length} for ${smtp1.length} SMTP`);
    assert.ok(inuse1.length >= rounds, `EADDRINUSE pairs: ${inuse1.length} for ${smtp1.length} SMTP`);
    assert.ok(udp1.length >= rounds, `UDP bind lines: ${udp1.length} for ${smtp1.length} SMTP`);
    // Not the failure path: nothing between checks (no delay_before_retry), one check per delay_loop.
    for (const [what, ts] of [['SMTP', smtp1], ['DNS', dns1], ['EADDRINUSE', inuse1], ['UDP', udp1]] as const) {
      for (const g of gaps(ts)) assert.ok(g >= DELAY_LOOP_MS * 0.7 && g <= DELAY_LOOP_MS * 2.2, `${what} gap ${g} ms: ${gaps(ts).join(',')}`);
    }
    // Each "Checker bind failed" line is followed by its checker's own line.
    p1.forEach((l, i) => { if (l.text.startsWith('Checker bind failed: ')) assert.ok([WEB, SMTP, DNS].includes(p1[i + 1]?.text ?? ''), `after ${l.text}: ${p1[i + 1]?.text}`); });
    assert.deepEqual(failureLines(p1), [`UDP_CHECK on service ${u(7)} failed.`, `Removing service ${u(7)} from VS ${VSU}`]);
    assert.equal(p1.filter((l) => l.text === `UDP_CHECK on service ${u(7)} failed.`).length, 1, 'UDP logged its failure once (down: no retries)');
    assert.ok(p1.some((l, i) => l.text === `UDP_CHECK on service ${u(7)} failed.` && p1[i - 1]?.text === UDP_BIND), 'UDP: errno line, then the failure');
    assert.deepEqual(lastLvs(), { 80: [`${RS}:25/1`, `${RS}:443/1`, `${RS}:80/1`, `${RS}:8080/1`], 53: [`${RS}:53/1`] });
    const phase1Ms = Date.now() - t1;

    // 2. The address appears: the same checks run and succeed, from that source address.
    const t2 = Date.now();
    lab.exec(lb, 'ip', ['addr', 'add', `${BINDTO}/24`, 'dev', 'eth0']);
    await waitLine(`Remote Web server ${t(80)} succeed on service.`, t2);
    await waitLine(`Remote Web server ${t(443)} succeed on service.`, t2);
    await waitLine(`Remote SMTP server ${t(25)} succeed on service.`, t2);
    await waitLine(`UDP connection to ${u(7)} success.`, t2);
    await waitLine(`Adding service ${u(7)} to VS ${VSU}`, t2);
    const upMs = Date.now() - t2;
    await sleep(2.5 * DELAY_LOOP_MS);
    const p2 = since(t2 + 1.2 * DELAY_LOOP_MS);
    assert.equal(pairs(p2, NOTAVAIL, DNS).length, 0, `DNS still failing to bind\n${dump()}`);
    assert.equal(pairs(p2, NOTAVAIL, SMTP).length + pairs(p2, NOTAVAIL, WEB).length
      + p2.filter((l) => l.text === UDP_BIND).length, 0);
    assert.ok(pairs(p2, INUSE, WEB).length >= 1, 'the held bind_port keeps failing with EADDRINUSE');
    assert.deepEqual(failureLines(since(t2)), []);
    const access = readFileSync(`${DIR}/access.log`, 'utf8');
    assert.match(access, new RegExp(`^${BINDTO.replace(/\./g, '\\.')} 80$`, 'm'));
    assert.match(access, new RegExp(`^${BINDTO.replace(/\./g, '\\.')} 443$`, 'm'));
    assert.doesNotMatch(access, new RegExp(`^${LB.replace(/\./g, '\\.')} `, 'm'), 'the EADDRINUSE checker never connected');
    assert.deepEqual(lastLvs(), { 80: [`${RS}:25/1`, `${RS}:443/1`, `${RS}:80/1`, `${RS}:8080/1`], 53: [`${RS}:53/1`, `${RS}:7/1`] });

    // 3. The address goes away again: back to rescheduling; UDP fails (retry 0) and is removed.
    const t3 = Date.now();
    lab.exec(lb, 'ip', ['addr', 'del', `${BINDTO}/24`, 'dev', 'eth0']);
    await waitLine(`UDP_CHECK on service ${u(7)} failed.`, t3);
    await waitLine(`Removing service ${u(7)} from VS ${VSU}`, t3);
    await waitFor(() => pairs(since(t3), NOTAVAIL, SMTP).length >= 2 && pairs(since(t3), NOTAVAIL, DNS).length >= 2
      && pairs(since(t3), NOTAVAIL, WEB).length >= 4, 20000).catch(() => { throw new Error(`no rescheduling after removal\n${dump()}`); });
    const p3 = since(t3);
    // (A UDP check in flight when the address went may time out instead: no adjacency asserted here.)
    assert.ok(p3.some((l) => l.text === UDP_BIND), 'UDP: errno line');
    assert.deepEqual(failureLines(p3), [`UDP_CHECK on service ${u(7)} failed.`, `Removing service ${u(7)} from VS ${VSU}`]);
    assert.deepEqual(lastLvs(), { 80: [`${RS}:25/1`, `${RS}:443/1`, `${RS}:80/1`, `${RS}:8080/1`], 53: [`${RS}:53/1`] });

    process.kill(runner.pid!, 'SIGTERM');
    await waitFor(() => other.includes('STOPPED'), 10000);
    console.log(`      phase 1 ${phase1Ms} ms: ${smtp1.length} SMTP, ${dns1.length} DNS, ${web1.length} WEB (EADDRNOTAVAIL), ${inuse1.length} WEB (EADDRINUSE), ${udp1.length} UDP bind lines; `
      + `SMTP gaps ${gaps(smtp1).join('/')} ms; all up ${upMs} ms after the address was added`);
  });
});
