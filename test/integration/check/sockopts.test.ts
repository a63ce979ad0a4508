// Issue 14 checker settings in network namespaces (root), one runner of our checker engine:
// - bind_if (SO_BINDTODEVICE) and fwmark (SO_MARK) decide whether TCP_CHECK, HTTP_GET, DNS_CHECK,
//   SMTP_CHECK and UDP_CHECK pass: the director `lb` has eth0 (to the real servers) and dead0 (a
//   veth to nowhere), and reaches 10.82.0.2 only through a policy route for mark 7. As keepalived 2.2.7
//   (core/layer4.c; recorded in test/vm/checkers14/keepalived-2.2.7.txt): an unknown device is
//   "Checker can't bind to device" + the checker's reschedule line; UDP_CHECK ignores bind_if and
//   PING_CHECK ignores bind_if, fwmark and bindto.
// - PING_CHECK on a datagram ICMP / ICMPv6 socket: no `ping` program on the runner's PATH, millisecond
//   timeouts, ping_group_range widened to "0 0" in the namespace while running and put back at stop.
// - SMTP_CHECK host{} blocks: each host is a checker of its own.
// - url regex over the whole response (status line, headers) with regex_options and offsets.
// - The SSL{} block: nginx requires a client certificate (ssl_verify_client on); the SSL_GET of a
//   runner with the block (certificate, password-protected key, CA) passes, one without gets 400
//   (both reach 10.82.0.2 with fwmark 7; an SSL_GET bound to dead0 fails).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { around, assertWithin, MARGIN } from '../../helpers/bounds.js';
import { NetnsLab, isRoot, sh, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';
import { nginxConf } from './servers/nginx-conf.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const MISC = path.join(HERE, 'servers', 'misc.mjs');
const LB = '10.80.0.1', RS = '10.80.0.2', RS2 = '10.80.0.3', MARKED = '10.82.0.2', NOBODY = '10.80.0.99';
const VS = '[10.80.0.100]:tcp:80';
const t = (a: string, port: number): string => `[${a}]:tcp:${port}`;
const quick = 'connect_timeout 1\n      retry 0';

const rs = (addr: string, port: number, body: string): string => `  real_server ${addr} ${port} {\n${body}\n  }`;
const ck = (type: string, lines: string): string => `    ${type} {\n      ${quick}\n      ${lines}\n    }`;

const mainConf = (rsLinkLocal: string): string => `
global_defs {
  router_id kso_lb
}
virtual_server 10.80.0.100 80 {
  delay_loop 1
  lb_algo rr
  protocol TCP
${rs(RS, 9000, ck('TCP_CHECK', 'bind_if eth0'))}
${rs(RS, 9001, ck('TCP_CHECK', 'connect_port 9000\n      bind_if dead0'))}
${rs(RS, 9002, ck('TCP_CHECK', 'connect_port 9000\n      bind_if nosuch0'))}
${rs(MARKED, 9000, ck('TCP_CHECK', 'fwmark 7'))}
${rs(MARKED, 9001, ck('TCP_CHECK', 'connect_port 9000'))}
${rs(RS, 80, ck('HTTP_GET', 'bind_if eth0\n      url {\n        path /\n        regex "^HTTP/1.[01] 200"\n      }'))}
${rs(RS, 81, ck('HTTP_GET', 'connect_port 80\n      bind_if dead0\n      url {\n        path /\n      }'))}
${rs(MARKED, 80, ck('HTTP_GET', 'fwmark 7\n      url {\n        path /\n        regex "SERVER: NGINX"\n        regex_options caseless\n      }'))}
${rs(RS, 82, ck('HTTP_GET', 'connect_port 80\n      url {\n        path /\n        regex "hello"\n        regex_max_offset 10\n      }'))}
${rs(RS, 53, ck('DNS_CHECK', 'type A\n      name www.kso.test\n      bind_if eth0'))}
${rs(RS, 54, ck('DNS_CHECK', 'connect_port 53\n      type A\n      name www.kso.test\n      bind_if dead0'))}
${rs(MARKED, 53, ck('DNS_CHECK', 'type A\n      name www.kso.test\n      fwmark 7'))}
${rs(RS, 25, ck('SMTP_CHECK', `bind_if eth0\n      host {\n        connect_ip ${RS}\n        connect_timeout 1\n      }\n      host {\n        connect_ip ${RS2}\n        connect_port 2525\n        connect_timeout 1\n      }`))}
${rs(MARKED, 25, ck('SMTP_CHECK', 'fwmark 7'))}
${rs(RS, 7, ck('UDP_CHECK', 'bind_if nosuch0\n      payload 6869\n      require_reply 6869'))}
${rs(MARKED, 7, ck('UDP_CHECK', 'connect_port 17\n      fwmark 7\n      payload 6869\n      require_reply 6869'))}
${rs(MARKED, 8, ck('UDP_CHECK', 'connect_port 17\n      payload 6869\n      require_reply 6869'))}
${rs(RS, 1, ck('PING_CHECK', 'connect_timeout 0.3\n      bind_if nosuch0\n      fwmark 9\n      bindto 10.9.9.9'))}
${rs(NOBODY, 1, ck('PING_CHECK', 'connect_timeout 0.2'))}
}
virtual_server fd80::100 80 {
  delay_loop 1
  lb_algo rr
  protocol TCP
${rs('fd80::2', 1, ck('PING_CHECK', 'connect_timeout 0.5'))}
${rs('fd80::99', 1, ck('PING_CHECK', 'connect_timeout 0.2'))}
${rs(rsLinkLocal, 9000, ck('TCP_CHECK', 'bind_if eth0'))}
}
`;

const sslConf = (dir: string, withBlock: boolean): string => `
${withBlock ? `SSL {
  certificate ${dir}/client.pem
  key ${dir}/client.key
  password sesame
  ca ${dir}/ca.pem
}` : ''}
virtual_server 10.80.0.100 443 {
  delay_loop 1
  protocol TCP
${rs(MARKED, 443, ck('SSL_GET', 'fwmark 7\n      url {\n        path /\n        status_code 200\n      }\n      log_all_failures'))}
${rs(RS, 443, ck('SSL_GET', 'bind_if dead0\n      url {\n        path /\n        status_code 200\n      }'))}
}
`;

const nginxConfFor = (dir: string): string => nginxConf(dir, [`server { listen 80; root ${dir}/html; }`,
  `server { listen 443 ssl; ssl_certificate ${dir}/server.pem; ssl_certificate_key ${dir}/server.key; ssl_client_certificate ${dir}/ca.pem; ssl_verify_client on; root ${dir}/html; }`]);

describe('check (integration): bind_if, fwmark, ICMP PING_CHECK, SMTP hosts, regex, SSL{} client certificate', function () {
  this.timeout(120000);
  const lab = new NetnsLab('kso');
  const out: Record<string, string[]> = { main: [], ssl: [], nossl: [] };
  const runners: Record<string, ChildProcess> = {};
  const servers: ChildProcess[] = [];
  let dir = '';
  let linkLocal = '';

  const has = (who: string, s: string): boolean => out[who]!.includes(`LOG ${s}`);
  const waitLine = (who: string, s: string, ms = 20000): Promise<unknown> =>
    waitFor(() => has(who, s), ms).catch(() => { throw new Error(`${who}: no line ${s}\n--- got:\n${out[who]!.join('\n')}`); });
  const exec = (host: string, cmd: string, args: string[]): string => lab.exec(lab.ns(host), cmd, args);
  const server = async (host: string, cmd: string, args: string[], ready?: string): Promise<void> => {
    const c = lab.spawn(lab.ns(host), cmd, args);
    servers.push(c);
    if (!ready) return;
    let s = '';
    c.stdout!.on('data', (d: Buffer) => { s += d.toString(); });
    await waitFor(() => s.includes(ready), 10000);
  };
  const runner = (who: string, conf: string, env: NodeJS.ProcessEnv): void => {
    writeFileSync(`${dir}/${who}.conf`, conf);
    const r = lab.spawn(lab.ns('lb'), process.execPath, ['--import', 'tsx', path.join(HERE, 'runner.ts'), `${dir}/${who}.conf`], env);
    runners[who] = r;
    let buf = '';
    r.stdout!.on('data', (d: Buffer) => { buf += d.toString(); const p = buf.split('\n'); buf = p.pop()!; out[who]!.push(...p); });
    r.stderr!.on('data', (d: Buffer) => { out[who]!.push(`ERR ${d.toString()}`); });
  };
  const pingRange = (): string => exec('lb', 'cat', ['/proc/sys/net/ipv4/ping_group_range']).trim();

  before(async function () {
    if (!isRoot()) this.skip();
    dir = makeTempDir('kso-int', { mode: 0o755 });
    mkdirSync(`${dir}/html`); mkdirSync(`${dir}/tmp`); mkdirSync(`${dir}/bin`);
    writeFileSync(`${dir}/html/index.html`, 'hello from kso nginx\n');
    // A CA, the server's certificate, and a client certificate whose key is encrypted with "sesame".
    const ossl = (args: string[]): string => sh('openssl', args);
    ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.pem`, '-days', '2', '-subj', '/CN=kso test CA']);
    for (const [n, cn] of [['server', 'rs.kso.test'], ['client', 'lb.kso.test']] as const) {
      ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/${n}.plain.key`, '-out', `${dir}/${n}.csr`, '-subj', `/CN=${cn}`]);
      ossl(['x509', '-req', '-in', `${dir}/${n}.csr`, '-CA', `${dir}/ca.pem`, '-CAkey', `${dir}/ca.key`, '-CAcreateserial', '-out', `${dir}/${n}.pem`, '-days', '2']);
    }
    sh('cp', [`${dir}/server.plain.key`, `${dir}/server.key`]);
    ossl(['rsa', '-aes256', '-in', `${dir}/client.plain.key`, '-out', `${dir}/client.key`, '-passout', 'pass:sesame']);
    writeFileSync(`${dir}/nginx.conf`, nginxConfFor(dir));
    // The runner's PATH holds node and ip (to enter the namespace) only: PING_CHECK needs no `ping`.
    symlinkSync(process.execPath, `${dir}/bin/node`);
    symlinkSync(sh('sh', ['-c', 'command -v ip']).trim(), `${dir}/bin/ip`);

    lab.up();
    lab.addHost('lb', { addr4: `${LB}/24`, addr6: 'fd80::1/64' });
    lab.addHost('rs', { addr4: `${RS}/24`, addr6: 'fd80::2/64' });
    exec('rs', 'ip', ['addr', 'add', `${RS2}/24`, 'dev', 'eth0']);
    exec('rs', 'ip', ['addr', 'add', `${MARKED}/32`, 'dev', 'eth0']);
    // dead0: a veth whose peer (dead1, also in lb) leads nowhere
    exec('lb', 'ip', ['link', 'add', 'dead0', 'type', 'veth', 'peer', 'name', 'dead1']);
    exec('lb', 'ip', ['addr', 'add', '10.81.0.1/24', 'dev', 'dead0']);
    exec('lb', 'ip', ['link', 'set', 'dead1', 'up']);
    exec('lb', 'ip', ['link', 'set', 'dead0', 'up']);
    // 10.82.0.2 only for packets marked 7.
    exec('lb', 'ip', ['rule', 'add', 'fwmark', '7', 'lookup', '100']);
    exec('lb', 'ip', ['route', 'add', `${MARKED}/32`, 'via', RS, 'table', '100']);

    await server('rs', 'nginx', ['-c', `${dir}/nginx.conf`, '-p', dir]);
    await waitFor(() => exec('rs', 'ss', ['-ltn']).includes(':443 '), 10000);
    await server('rs', 'node', [path.join(HERE, 'servers', 'smtp.mjs'), '0.0.0.0', '25'], 'ready');
    await server('rs', 'node', [MISC, 'tcp', '::', '9000'], 'ready');
    await server('rs', 'node', [MISC, 'udp-echo', '0.0.0.0', '7'], 'ready');
    await server('rs', 'node', [MISC, 'udp-echo', MARKED, '17'], 'ready'); // answers from 10.82.0.2
    await server('rs', 'dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--port=53', '--no-resolv', '--no-hosts',
      '--address=/kso.test/10.80.0.50', `--pid-file=${dir}/dnsmasq.pid`, '--user=root']);
    await waitFor(() => exec('rs', 'ss', ['-lun']).includes(':53 '), 10000);
  });

  after(function () {
    for (const r of Object.values(runners)) if (r.pid && r.exitCode === null) { try { process.kill(r.pid, 'SIGKILL'); } catch { /* gone */ } }
    for (const c of servers) if (c.pid && c.exitCode === null) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
    try { const pid = Number(readFileSync(`${dir}/nginx.pid`, 'utf8')); process.kill(pid, 'SIGKILL'); } catch { /* not started */ }
    for (const p of sh('ip', ['netns', 'pids', lab.ns('rs')], { allowFail: true }).split('\n').filter(Boolean)) {
      try { if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'nginx') process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ }
    }
    lab.down();
    if (dir) removeTempDir(dir);
  });

  it('runs with ping_group_range "1 0" and no ping on PATH', () => {
    assert.equal(pingRange(), '1\t0');
    const ll = /inet6 (fe80::[0-9a-f:]+)\//.exec(exec('rs', 'ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']))![1]!;
    linkLocal = ll;
    runner('main', mainConf(ll), { ...process.env, PATH: `${dir}/bin` });
  });

  it('bind_if: eth0 passes, dead0 fails, an unknown device is no check (TCP, HTTP, DNS, SMTP)', async () => {
    await waitLine('main', `TCP connection to ${t(RS, 9000)} success.`);
    await waitLine('main', `TCP_CHECK on service ${t(RS, 9001)} failed.`);
    await waitLine('main', "Checker can't bind to device nosuch0: No such device");
    await waitLine('main', 'TCP socket bind failed. Rescheduling.');
    await waitLine('main', `Remote Web server ${t(RS, 80)} succeed on service.`);
    await waitLine('main', `HTTP_CHECK on service ${t(RS, 81)} failed.`);
    await waitLine('main', `Removing service ${t(RS, 54)} from VS ${VS}`);
    await waitLine('main', `Remote SMTP server ${t(RS, 25)} succeed on service.`);
    assert.ok(!has('main', `Removing service ${t(RS, 9000)} from VS ${VS}`));
    assert.ok(!has('main', `Removing service ${t(RS, 53)} from VS ${VS}`));
    assert.ok(!has('main', `Removing service ${t(RS, 9002)} from VS ${VS}`), 'a check that could not be made changed the state');
  });

  it('fwmark 7 reaches 10.82.0.2 through the policy route; unmarked checks fail (TCP, HTTP, DNS, SMTP, UDP)', async () => {
    await waitLine('main', `TCP connection to ${t(MARKED, 9000)} success.`);
    await waitLine('main', `TCP_CHECK on service ${t(MARKED, 9001)} failed.`);
    await waitLine('main', `Remote Web server ${t(MARKED, 80)} succeed on service.`);
    await waitLine('main', `Remote SMTP server ${t(MARKED, 25)} succeed on service.`);
    await waitLine('main', `UDP connection to ${t(MARKED, 7)} success.`);
    await waitLine('main', `UDP_CHECK on service ${t(MARKED, 8)} failed.`);
    assert.ok(!has('main', `Removing service ${t(MARKED, 53)} from VS ${VS}`));
  });

  it('UDP_CHECK ignores bind_if and PING_CHECK ignores bind_if, fwmark and bindto (as 2.2.7)', async () => {
    await waitLine('main', `UDP connection to ${t(RS, 7)} success.`);
    await waitLine('main', `ICMP connection to ${t(RS, 1)} success.`);
  });

  it('PING_CHECK: an ICMP socket, a 0.2 s timeout, ping_group_range widened while running', async () => {
    await waitLine('main', `ICMP CHECK on service ${t(NOBODY, 1)} failed.`);
    assert.equal(pingRange(), '0\t0');
    // the timeout is in milliseconds: an echo to a silent address ends after 200 ms, not 1 s
    const probe = `import { icmpEcho } from ${JSON.stringify(path.resolve(HERE, '../../../src/check/probes/icmp.ts'))};
const t0 = performance.now(); const o = await icmpEcho('${NOBODY}', 200); const t1 = performance.now();
const ok = await icmpEcho('${RS}', 1000); console.log(JSON.stringify({ o, ms: t1 - t0, ok }));`;
    const r = JSON.parse(exec('lb', process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe]).trim()) as { o: { ok: boolean; msg: string }; ms: number; ok: { ok: boolean } };
    assert.deepEqual(r.o, { ok: false, why: 'timeout' });
    assertWithin(r.ms, around(200, 5, MARGIN.busyLate, 'the 200 ms timeout'), 'icmpEcho timeout');
    assert.deepEqual(r.ok, { ok: true });
  });

  it('bind_if gives a link-local destination its scope: TCP_CHECK to the server\'s fe80:: address passes', async () => {
    await waitLine('main', `TCP connection to [${linkLocal}]:tcp:9000 success.`);
  });

  it('PING_CHECK over ICMPv6: echo reply from fd80::2, timeout for fd80::99', async () => {
    await waitLine('main', 'ICMP connection to [fd80::2]:tcp:1 success.');
    await waitLine('main', 'ICMP CHECK on service [fd80::99]:tcp:1 failed.');
  });

  it('SMTP_CHECK host{} blocks: the SMTP_CHECK and each host are checkers of their own', async () => {
    await waitLine('main', `SMTP_CHECK Could not connect to server [${RS2}]:2525`);
    await waitLine('main', `Removing service ${t(RS, 25)} from VS ${VS}`);
  });

  it('regex: the status line and headers are matched, caseless works, a match beyond regex_max_offset fails', async () => {
    // t(RS, 80) passed with "^HTTP/1.[01] 200" and t(MARKED, 80) with caseless "SERVER: NGINX" (above)
    await waitLine('main', `HTTP_CHECK on service ${t(RS, 82)} failed.`);
  });

  it('stop: ping_group_range back to "1 0"', async () => {
    process.kill(runners.main!.pid!, 'SIGTERM');
    await waitFor(() => out.main!.includes('STOPPED'), 15000);
    assert.equal(pingRange(), '1\t0');
  });

  it('SSL{} block: with the client certificate nginx answers 200; without it 400 (SSL_GET with fwmark / bind_if)', async () => {
    runner('ssl', sslConf(dir, true), process.env);
    runner('nossl', sslConf(dir, false), process.env);
    await waitLine('ssl', `Remote Web server ${t(MARKED, 443)} succeed on service.`);
    await waitLine('nossl', `HTTP status code error to server ${t(MARKED, 443)}.`);
    assert.ok(!has('ssl', `Removing service ${t(MARKED, 443)} from VS [10.80.0.100]:tcp:443`));
    // bind_if dead0: no way to the server, with or without the certificate
    await waitLine('ssl', `SSL_CHECK on service ${t(RS, 443)} failed.`);
  });

  it('SSL{} block with a wrong key password: keepalived\'s lines', async () => {
    const { loadSsl } = await import('../../../src/check/probes/tls-context.js');
    const r = loadSsl({ certificate: `${dir}/client.pem`, key: `${dir}/client.key`, password: 'wrong', ca: `${dir}/ca.pem` });
    assert.deepEqual(r, { ok: false, lines: ['SSL error : Cant load key file...', 'Error Initialize SSL, ctx Instance',
      `  SSL  keyfile:${dir}/client.key`, '  SSL password:wrong', `  SSL   cafile:${dir}/ca.pem`, 'Terminate...'] });
  });
});
