// End-to-end: the seeds' two-director scenario in namespaces (ke2s-*). Director d1 runs our
// bin/keepalived (VRRP + checker child), d2 runs Debian's keepalived 2.2.7 (VRRP only: its
// checker child exits FATAL without IPVS, which this kernel lacks), same instance with PASS auth
// and track_interface. Two real servers run Debian nginx; our checker child checks them with
// HTTP_GET and TCP_CHECK (alpha: they must come up). Without IPVS the directors cannot forward,
// so each director answers HTTP on VIP:8080 with its own name and a client namespace polls the
// VIP. SIGTERM of ours: keepalived 2.2.7 takes over Skew_Time after our priority-0 advert and the
// client is answered by d2 before a Master_Down_Interval could have passed. The takeover is timed
// on the wire (tcpdump -tt in the client namespace: our priority-0 advert -> keepalived's first
// advert), free of the log pipes' latency.
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { around, assertWithin, atLeast, MARGIN, skewTimeMs, upTo } from '../../helpers/bounds.js';
import { isRoot, NetnsLab, waitFor } from '../../helpers/netns.js';
import { BIN } from './harness.js';

const REAL = '/usr/sbin/keepalived';
const NGINX = '/usr/sbin/nginx';
const VIP = '10.197.0.100';
const RS = ['10.197.0.11', '10.197.0.12'];
const PEER_PRIO = 100;
const SKEW_MS = skewTimeMs(PEER_PRIO); // Skew_Time of the backup (VRRPv2, advert_int 1)

const vrrp = (state: string, prio: number) => `vrrp_instance VI_1 {
  state ${state}
  interface eth0
  track_interface {
    eth0
  }
  virtual_router_id 71
  priority ${prio}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass ke2seed
  }
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;
const checks = `virtual_server ${VIP} 80 {
  delay_loop 2
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server ${RS[0]} 80 {
    weight 1
    alpha
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 2
    }
  }
  real_server ${RS[1]} 80 {
    weight 1
    alpha
    TCP_CHECK {
      connect_timeout 2
    }
  }
}
`;
const conf = (id: string, body: string) => `global_defs {\n  router_id ${id}\n}\n${body}`;

// Director responder: answers its own name on :8080 (any local address, so the VIP too).
const RESPONDER = `require('http').createServer((q, s) => s.end(process.argv[1])).listen(8080, () => console.log('ready'));`;
// Client: polls http://VIP:8080 every 10 ms (80 ms timeout), prints "<epoch ms> <answer>".
const CLIENT = `const http = require('http');
function poll() {
  const t = Date.now();
  const r = http.get({ host: '${VIP}', port: 8080, path: '/', agent: false, timeout: 80 }, (res) => {
    let b = ''; res.on('data', (d) => b += d); res.on('end', () => { console.log(Date.now() + ' ' + b); setTimeout(poll, 10); });
  });
  r.on('timeout', () => r.destroy(new Error('timeout')));
  r.on('error', () => setTimeout(poll, 10));
}
poll();`;

describe('daemon e2e: two directors (ours + keepalived 2.2.7), nginx real servers, client failover', function () {
  this.timeout(240_000);
  const lab = new NetnsLab('ke2s');
  let dir = '';
  let ours: ChildProcess | undefined;
  let real: ChildProcess | undefined;
  let client: ChildProcess | undefined;
  const nginx: ChildProcess[] = [];
  let err = '';
  let realErr = '';
  let prio0At = 0;
  let realMasterAt = 0;
  const answers: { t: number; who: string }[] = [];

  const has = (host: string) => lab.exec(lab.ns(host), 'ip', ['-4', 'addr', 'show', 'dev', 'eth0'], { allowFail: true }).includes(`inet ${VIP}/24 `);

  before(async function () {
    if (!isRoot() || !existsSync(REAL) || !existsSync(NGINX)) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'ke2s-'));
    chmodSync(dir, 0o755); // nginx workers run as www-data
    lab.up();
    lab.addHost('d1', { addr4: '10.197.0.1/24' });
    lab.addHost('d2', { addr4: '10.197.0.2/24' });
    lab.addHost('rs1', { addr4: `${RS[0]}/24` });
    lab.addHost('rs2', { addr4: `${RS[1]}/24` });
    lab.addHost('cl', { addr4: '10.197.0.50/24' });
    for (const [i, rs] of RS.entries()) {
      const d = join(dir, `rs${i + 1}`);
      mkdirSync(join(d, 'html'), { recursive: true });
      mkdirSync(join(d, 'tmp'));
      writeFileSync(join(d, 'html', 'index.html'), `rs${i + 1}\n`);
      writeFileSync(join(d, 'nginx.conf'), `worker_processes 1; daemon off; pid ${d}/nginx.pid; error_log ${d}/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path ${d}/tmp; proxy_temp_path ${d}/tmp; fastcgi_temp_path ${d}/tmp; uwsgi_temp_path ${d}/tmp; scgi_temp_path ${d}/tmp;
  server { listen ${rs}:80; root ${d}/html; } }
`);
      const n = lab.spawn(lab.ns(`rs${i + 1}`), NGINX, ['-c', join(d, 'nginx.conf'), '-p', d]);
      n.stdout!.on('data', () => {}); n.stderr!.on('data', () => {});
      nginx.push(n);
    }
    // Both nginx answer before the directors start.
    for (const rs of RS) {
      await waitFor(() => lab.exec(lab.ns('cl'), 'curl', ['-s', '-m', '2', `http://${rs}/`], { allowFail: true }).startsWith('rs'), 30_000, 200)
        .catch(() => assert.fail(`nginx on ${rs} does not answer: ${readFileSync(join(dir, `rs${RS.indexOf(rs) + 1}`, 'error.log'), 'utf8')}`));
    }
    for (const name of ['d1', 'd2']) {
      const r = lab.spawn(lab.ns(name), process.execPath, ['-e', RESPONDER, name]);
      let out = '';
      r.stdout!.on('data', (d) => { out += d; });
      r.stderr!.on('data', () => {});
      await waitFor(() => out.includes('ready'), 20_000, 50);
    }
    const realConf = join(dir, 'real.conf');
    writeFileSync(realConf, conf('ke2s_real', vrrp('BACKUP', PEER_PRIO)));
    real = lab.spawn(lab.ns('d2'), REAL, ['-n', '-l', '-D', '-P', '-f', realConf,
      '-p', join(dir, 'real.pid'), '-r', join(dir, 'real-v.pid'), '-c', join(dir, 'real-c.pid')]);
    real.stdout!.on('data', () => {});
    real.stderr!.on('data', (d) => { realErr += d; if (String(d).includes('(VI_1) Entering MASTER STATE')) realMasterAt = Date.now(); });
    const ourConf = join(dir, 'ours.conf');
    writeFileSync(ourConf, conf('ke2s_ours', vrrp('MASTER', 150) + checks));
    ours = lab.spawn(lab.ns('d1'), process.execPath, ['--expose-internals', BIN, '-n', '-l', '-D', '-f', ourConf,
      '-p', join(dir, 'ka.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')], { ...process.env, KEEPALIVED_TS_TMP_DIR: dir });
    ours.stdout!.on('data', () => {});
    ours.stderr!.on('data', (d) => { err += d; if (!prio0At && err.includes('(VI_1) sent 0 priority')) prio0At = Date.now(); });
  });

  after(async () => {
    for (const p of [client, ours, real, ...nginx]) if (p?.pid && p.exitCode === null) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
    await new Promise((r) => setTimeout(r, 300)); // nginx masters stop their workers on TERM
    lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('our checker child brings both nginx real servers up (HTTP_GET and TCP_CHECK)', async () => {
    await waitFor(() => err.includes(`Remote Web server [${RS[0]}]:tcp:80 succeed on service.`) && err.includes(`TCP connection to [${RS[1]}]:tcp:80 success.`), 60_000, 100)
      .catch(() => assert.fail(`checker lines missing:\n${err}`));
    assert.match(err, /Starting Healthcheck child process, pid=\d+\n/);
    assert.match(err, new RegExp(`Adding service \\[${RS[0].replace(/\./g, '\\.')}\\]:tcp:80 to VS \\[${VIP.replace(/\./g, '\\.')}\\]:tcp:80`));
    assert.match(err, new RegExp(`Adding service \\[${RS[1].replace(/\./g, '\\.')}\\]:tcp:80 to VS \\[${VIP.replace(/\./g, '\\.')}\\]:tcp:80`));
  });

  it('client reaches the VIP on our MASTER, then on keepalived 2.2.7 after SIGTERM (priority 0 -> takeover after Skew_Time)', async () => {
    await waitFor(() => err.includes('(VI_1) Entering MASTER STATE') && has('d1') && !has('d2'), 60_000, 100);
    client = lab.spawn(lab.ns('cl'), process.execPath, ['-e', CLIENT]);
    let buf = '';
    client.stdout!.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n'); buf = lines.pop()!;
      for (const l of lines) { const [t, who] = l.split(' '); answers.push({ t: Number(t), who }); }
    });
    client.stderr!.on('data', () => {});
    // Steady answers from d1 first.
    await waitFor(() => answers.filter((a) => a.who === 'd1').length >= 20, 30_000, 50);
    assert.ok(answers.every((a) => a.who === 'd1'), 'only our director answers while it is MASTER');
    const neigh = lab.exec(lab.ns('cl'), 'ip', ['neigh', 'show', VIP]);
    // VRRP on the wire, with the kernel's capture times: "<epoch s.us> IP <src> > 224.0.0.18: VRRPv2, Advertisement,
    // vrid 71, prio P, ...".
    const dump = lab.spawn(lab.ns('cl'), 'tcpdump', ['--immediate-mode', '-tt', '-l', '-n', '-i', 'eth0', 'proto 112']);
    const wire: { t: number; src: string; prio: number }[] = [];
    let dumpOut = ''; let dumpErr = '';
    dump.stdout!.on('data', (d) => {
      dumpOut += d;
      const lines = dumpOut.split('\n'); dumpOut = lines.pop()!;
      for (const l of lines) { const m = /^(\d+\.\d+) IP (\S+) > .* prio (\d+)/.exec(l); if (m) wire.push({ t: Number(m[1]) * 1000, src: m[2]!, prio: Number(m[3]) }); }
    });
    dump.stderr!.on('data', (d) => { dumpErr += d; });
    await waitFor(() => dumpErr.includes('listening on') && wire.length > 0, 10_000, 20);
    const tTerm = Date.now();
    process.kill(ours!.pid!, 'SIGTERM');
    await waitFor(() => answers.some((a) => a.who === 'd2' && a.t > tTerm), 30_000, 50);
    await waitFor(() => answers.filter((a) => a.who === 'd2').length >= 20, 30_000, 50);
    const lastD1 = answers.filter((a) => a.who === 'd1').at(-1)!.t;
    const firstD2 = answers.find((a) => a.who === 'd2')!.t;
    const gap = firstD2 - lastD1;
    const afterSwitch = answers.filter((a) => a.t >= firstD2);
    assert.ok(afterSwitch.every((a) => a.who === 'd2'), 'no answer from d1 after the switch');
    assert.ok(has('d2') && !has('d1'));
    assert.match(err, /\(VI_1\) sent 0 priority\n/);
    console.log(`      SIGTERM -> our 'sent 0 priority' line ${prio0At - tTerm} ms; -> keepalived 2.2.7 'Entering MASTER STATE' line ${realMasterAt - tTerm} ms`);
    console.log(`      client neigh before: ${neigh.trim()}; after: ${lab.exec(lab.ns('cl'), 'ip', ['neigh', 'show', VIP]).trim()}`);
    console.log(`      client gap ${gap} ms (last d1 answer -> first d2 answer); SIGTERM -> first d2 answer ${firstD2 - tTerm} ms; bound ${Math.round(SKEW_MS + 100)} ms`);
    // Protocol part: our priority-0 advert makes keepalived 2.2.7 take over after Skew_Time, not
    // after Master_Down_Interval (3 * 1 s + Skew_Time): on the wire, its first advert follows ours
    // by Skew_Time plus its timer and scheduling latency.
    const zero = wire.find((w) => w.src === '10.197.0.1' && w.prio === 0);
    assert.ok(zero, `no priority-0 advert from us on the wire: ${JSON.stringify(wire.slice(-5))}`);
    const peer = wire.find((w) => w.src === '10.197.0.2' && w.t > zero.t);
    assert.ok(peer, 'no advert from keepalived 2.2.7 after our priority 0');
    const takeover = peer.t - zero.t;
    console.log(`      wire: SIGTERM -> our priority-0 advert ${(zero.t - tTerm).toFixed(1)} ms; -> keepalived's first advert ${takeover.toFixed(1)} ms (Skew_Time ${SKEW_MS.toFixed(1)} ms); log lines: ${realMasterAt - prio0At} ms`);
    assertWithin(takeover, around(SKEW_MS, MARGIN.stampSkew, MARGIN.timerLate, 'Skew_Time(100)'), 'priority 0 -> peer\'s first advert on the wire');
    // Our stop path: parent -> VRRP child -> priority-0 advert (9-33 ms measured), at once by design.
    assertWithin(zero.t - tTerm, upTo(0, MARGIN.busyLate, 'SIGTERM -> priority-0 advert, immediate'), 'SIGTERM -> priority-0 advert');
    // Client part: answered again by d2 not before Skew_Time (the client's answers are stamped
    // through its pipe) ...
    assertWithin(gap, atLeast(SKEW_MS, MARGIN.pipeLag, 'Skew_Time(100)'), 'client gap: the backup cannot take over before Skew_Time');
    // ... and far below Master_Down_Interval (measured Skew_Time + 60: our stop path, one 10 ms poll,
    // an 80 ms client timeout on the old MAC until the gratuitous ARP lands).
    assertWithin(gap, upTo(SKEW_MS, MARGIN.busyLate, 'Skew_Time(100)'), 'client gap');
  });
});
