// Keywords from keepalived.conf text to their effect, for the ledger (src/parser/ledger.ts): each
// test parses a small config and drives the part that acts on the keyword (the VRRP FSM with the
// derived parameters, the notify planner, the checker probes and the IPVS desired state), so the
// keyword -> model -> behaviour chain is shown, not only the parse.
import { strict as assert } from 'node:assert';
import net from 'node:net';
import tls from 'node:tls';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { parseConfigText } from '../../../src/config/load.js';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { deriveFsmParams } from '../../../src/vrrp/params.js';
import { trackerKey, type VrrpAction } from '../../../src/vrrp/fsm-types.js';
import { NotifyPlanner, type NotifyAction } from '../../../src/notify/plan.js';
import { rsSmtpAlert, vsSmtpAlert } from '../../../src/check/core/lvs-core.js';
import { resolveParams } from '../../../src/check/core/params.js';
import { httpProbe, judge } from '../../../src/check/probes/http.js';
import { udpProbe } from '../../../src/check/probes/udp.js';
import { initialDesiredState } from '../../../src/ipvs/initial.js';
import { toKernelState } from '../../../src/ipvs/desired.js';
import { Harness, peerAdvert } from '../vrrp/helpers.js';

const IFS = new Set(['lo', 'eth0', 'eth1']);
function parse(text: string): KeepalivedConfig {
  const r = parseConfigText(text, 'kb.conf', { configId: 'x', interfaces: IFS, skipScriptSecurity: true });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message), []);
  return r.config;
}

const instance = (body: string, global = ''): string =>
  `global_defs {\n${global}\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.198.0.100\n }\n${body}\n}\n`;

/** The instance's FSM, started, as the runtime would run it. */
function started(cfg: KeepalivedConfig): Harness {
  const vi = cfg.vrrpInstances[0]!;
  const { params } = deriveFsmParams(vi, { global: cfg.global, vrrpScripts: cfg.vrrpScripts, trackFiles: cfg.trackFiles, primaryAddress: '10.198.0.2' });
  const h = new Harness(params);
  h.feed({ type: 'startup' });
  h.advance(0);
  return h;
}
const garps = (h: Harness): [number, number, string][] => h.actions.filter((x) => x.action.kind === 'garp')
  .map((x) => { const g = x.action as Extract<VrrpAction, { kind: 'garp' }>; return [Math.round(x.at), g.count, g.reason]; });

describe('keywords: from the config text to their effect', () => {
  describe('VRRP', () => {
    it('vrrp_lower_prio_no_advert in global_defs: a MASTER answers a lower-priority advert with no advert of its own', () => {
      for (const [global, adverts] of [['', 1], ['vrrp_lower_prio_no_advert', 0], ['vrrp_lower_prio_no_advert false', 1]] as const) {
        const h = started(parse(instance('state MASTER\n priority 255', global)));
        h.clear();
        h.feed(peerAdvert(h.params, '10.198.0.1', 50));
        assert.equal(h.sent().length, adverts, global);
      }
    });

    it('vrrp_higher_prio_send_advert in global_defs and higher_prio_send_advert: a MASTER adverts its own priority once before stepping down', () => {
      for (const [global, body, adverts] of [['', '', 0], ['vrrp_higher_prio_send_advert', '', 1], ['vrrp_higher_prio_send_advert', 'higher_prio_send_advert false', 0], ['', 'higher_prio_send_advert', 1]] as const) {
        const p = started(parse(instance(`priority 150\n ${body}`, global)));
        p.advance(4000);
        assert.equal(p.stateAt(), 'MASTER');
        p.clear();
        p.feed(peerAdvert(p.params, '10.198.0.1', 200));
        assert.deepEqual(p.sent().map((s) => s.priority), adverts ? [150] : [], `${global} / ${body}`);
        assert.equal(p.stateAt(), 'BACKUP');
      }
    });

    it('vrrp_version 3 in global_defs: the instance sends VRRPv3 adverts', () => {
      for (const [global, version] of [['', 2], ['vrrp_version 3', 3]] as const) {
        const h = started(parse(instance('state MASTER\n priority 255', global)));
        const adv = h.actions.find((x) => x.action.kind === 'sendAdvert')!.action as Extract<VrrpAction, { kind: 'sendAdvert' }>;
        assert.equal(adv.advert.version, version);
      }
    });

    it('garp_lower_prio_repeat / garp_lower_prio_delay and their vrrp_garp_lower_prio_* defaults: the GARPs after a lower-priority advert', () => {
      const cases: [string, string, [number, number, string][]][] = [
        ['', '', [[0, 5, 'lowerPrio'], [5000, 5, 'lowerPrio']]],
        ['vrrp_garp_lower_prio_repeat 2\n vrrp_garp_lower_prio_delay 3', '', [[0, 2, 'lowerPrio'], [3000, 2, 'lowerPrio']]],
        ['vrrp_garp_lower_prio_repeat 2', 'garp_lower_prio_repeat 1\n garp_lower_prio_delay 1', [[0, 1, 'lowerPrio'], [1000, 1, 'lowerPrio']]],
      ];
      for (const [global, body, want] of cases) {
        const h = started(parse(instance(`state MASTER\n priority 255\n garp_master_delay 0\n ${body}`, global)));
        h.clear();
        h.feed(peerAdvert(h.params, '10.198.0.1', 50));
        h.advance(10_000);
        assert.deepEqual(garps(h).filter((g) => g[2] === 'lowerPrio'), want, `${global} / ${body}`);
      }
    });

    it('native_ipv6: the instance is IPv6 (VRRPv3 to ff02::12) whatever its VIPs, an IPv4 VIP is refused', () => {
      const r = parseConfigText(instance('native_ipv6\n virtual_ipaddress {\n  fe80::100\n }').replace(' virtual_ipaddress {\n  10.198.0.100\n }\n', ''), 'n6.conf', { configId: 'x', interfaces: IFS });
      const vi = r.config.vrrpInstances[0]!;
      const { params } = deriveFsmParams(vi, { global: r.config.global, vrrpScripts: [], trackFiles: [], primaryAddress: 'fe80::2' });
      assert.deepEqual([params.family, params.version, params.destination, params.vips], ['inet6', 3, 'ff02::12', ['fe80::100']]);
      const bad = parseConfigText(instance('native_ipv6').replace('interface eth0', 'interface eth0\n native_ipv6'), 'n6.conf', { configId: 'x', interfaces: IFS });
      assert.deepEqual(bad.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        ['(VI_1): address family must match VRRP instance [10.198.0.100] - ignoring', '(VI_1) No VIP specified; at least one is required']);
    });

    it('track_interface, track_script and track_file of a vrrp_sync_group: every member tracks them', () => {
      const cfg = parse(`vrrp_script chk {\n script /bin/true\n}\ntrack_file tf {\n file /tmp/kb-tf\n weight 0\n}\nvrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n track_interface {\n  eth1\n }\n track_script {\n  chk\n }\n track_file {\n  tf\n }\n}\n${instance('')}vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n virtual_ipaddress {\n  10.198.1.100\n }\n}\n`);
      for (const vi of cfg.vrrpInstances) {
        const { params } = deriveFsmParams(vi, { global: cfg.global, vrrpScripts: cfg.vrrpScripts, trackFiles: cfg.trackFiles, primaryAddress: '10.198.0.2', syncGroup: cfg.vrrpSyncGroups[0] });
        assert.deepEqual(params.trackers.map((t) => trackerKey(t)).sort(), ['file:tf', 'interface:eth1', 'script:chk'], vi.name);
        // an unweighted tracker that is down puts the member in FAULT
        const h = new Harness(params);
        h.feed({ type: 'tracker', tracker: { kind: 'interface', name: 'eth1' }, status: { ok: false } });
        h.feed({ type: 'startup' });
        assert.equal(h.stateAt(), 'FAULT', vi.name);
      }
    });

    it('vrrp_min_garp: one GARP on becoming MASTER and no second burst (settings given before it are kept)', () => {
      const cases: [string, [number, number, string][]][] = [
        ['', [[0, 5, 'master'], [5000, 5, 'delayed']]],
        ['vrrp_min_garp', [[0, 1, 'master']]],
        ['vrrp_garp_master_repeat 3\n vrrp_min_garp', [[0, 3, 'master']]],
        ['vrrp_min_garp false', [[0, 5, 'master'], [5000, 5, 'delayed']]],
      ];
      for (const [global, want] of cases) {
        const h = started(parse(instance('state MASTER\n priority 255', global)));
        h.advance(20_000);
        assert.deepEqual(garps(h), want, global);
      }
    });

    it('vrrp_garp_master_refresh / vrrp_garp_master_refresh_repeat in global_defs and garp_master_refresh_repeat: refresh GARPs while MASTER', () => {
      const cases: [string, string, [number, number, string][]][] = [
        ['vrrp_garp_master_refresh 10\n vrrp_garp_master_refresh_repeat 3', '', [[10000, 3, 'refresh'], [20000, 3, 'refresh']]],
        ['vrrp_garp_master_refresh 10', 'garp_master_refresh_repeat 2', [[10000, 2, 'refresh'], [20000, 2, 'refresh']]],
        ['', '', []],
      ];
      for (const [global, body, want] of cases) {
        const h = started(parse(instance(`state MASTER\n priority 255\n garp_master_delay 0\n ${body}`, global)));
        h.advance(25_000);
        assert.deepEqual(garps(h).filter((g) => g[2] === 'refresh'), want, `${global} / ${body}`);
      }
    });
  });

  it('child_wait_time: how long the parent waits for a child to stop (read into the model the parent uses)', () => {
    assert.equal(parse('child_wait_time 2\n').global.childWaitTime, 2);
    assert.equal(parse('').global.childWaitTime, 5);
  });

  describe('notify', () => {
    const brief = (a: NotifyAction[]): string[] => a.filter((x) => x.kind === 'script').map((x) => (x.kind === 'script' ? `${x.argv.join(' ')}${x.stop ? ' (stop)' : ''}` : ''));

    it('notify_fault of an instance; notify_fault and notify_stop of a sync group: the script runs on that state', () => {
      const cfg = parse(`vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n notify_fault "/s/gfault x"\n notify_stop /s/gstop\n}\n${instance('notify_fault "/s/fault a"')}vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n virtual_ipaddress {\n  10.198.1.100\n }\n}\n`);
      const p = new NotifyPlanner(cfg);
      assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'FAULT', priority: 100 })), ['/s/fault a']);
      assert.deepEqual(brief(p.planVrrp({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 })), []);
      assert.deepEqual(brief(p.planVrrp({ kind: 'GROUP', name: 'G', state: 'FAULT', priority: 0 })), ['/s/gfault x']);
      assert.deepEqual(brief(p.planVrrp({ kind: 'GROUP', name: 'G', state: 'STOP', priority: 0 })), ['/s/gstop (stop)']);
    });

    it('notify_up of a real_server and quorum_down of a virtual_server: the script runs on that event', () => {
      const cfg = parse('virtual_server 10.9.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n quorum_down "/s/qdown q"\n real_server 10.9.0.2 80 {\n  notify_up "/s/up u"\n  TCP_CHECK {\n  }\n }\n}\n');
      const vs = cfg.virtualServers[0]!; const rs = vs.realServers[0]!;
      const p = new NotifyPlanner(cfg);
      const texts = { vsText: '[10.9.0.1]:tcp:80', rsText: '[10.9.0.2]:tcp:80' };
      assert.deepEqual(brief(p.planChecker({ kind: 'rs-state', up: true, vs, rs, ...texts, reason: 'check', smtpAlert: false })), ['/s/up u']);
      assert.deepEqual(brief(p.planChecker({ kind: 'vs-quorum', up: false, init: false, vs, vsText: texts.vsText, quorum: 1, hysteresis: 0, threshold: 1, weight: 0, what: 'Lost quorum', mailBody: '', smtpAlert: false })), ['/s/qdown q']);
    });
  });

  describe('checkers', () => {
    it('smtp_alert_checker in global_defs, smtp_alert of a real_server and of a virtual_server: which checker events send mail', () => {
      const vsText = (g: string, vs: string, rs: string): string => `global_defs {\n ${g}\n}\nvirtual_server 10.9.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n ${vs}\n real_server 10.9.0.2 80 {\n  ${rs}\n  TCP_CHECK {\n  }\n }\n}\n`;
      const cases: [string, string, string, boolean, boolean][] = [
        ['', '', '', true, false],
        ['smtp_alert', '', '', true, true],
        ['smtp_alert_checker false\n smtp_alert', '', '', false, false],
        ['smtp_alert_checker', 'smtp_alert false', 'smtp_alert false', false, false],
        ['smtp_alert_checker false', 'smtp_alert', 'smtp_alert', true, true],
      ];
      for (const [g, vs, rs, rsMail, vsMail] of cases) {
        const cfg = parse(vsText(g, vs, rs));
        const v = cfg.virtualServers[0]!;
        assert.deepEqual([rsSmtpAlert(v.realServers[0]!, cfg.global), vsSmtpAlert(v, cfg.global)], [rsMail, vsMail], `${g} / ${vs} / ${rs}`);
      }
    });

    it('virtualhost of url, HTTP_GET, real_server and virtual_server, http_protocol: the Host header and request line sent', async () => {
      const seen: string[] = [];
      const srv = net.createServer((c) => {
        c.once('data', (d) => { seen.push(d.toString('latin1').split('\r\n').filter((l) => /^(GET|Host|Connection)/.test(l)).join('|')); c.end('HTTP/1.0 200 OK\r\n\r\n'); });
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const port = (srv.address() as net.AddressInfo).port;
      try {
        const cfg = parse(`virtual_server 127.0.0.1 ${port} {\n lb_algo rr\n lb_kind DR\n protocol TCP\n virtualhost vs.test\n`
          + ` real_server 127.0.0.1 ${port} {\n  HTTP_GET {\n   url {\n    path /a\n   }\n  }\n }\n`
          + ` real_server 127.0.0.2 ${port} {\n  virtualhost rs.test\n  HTTP_GET {\n   connect_ip 127.0.0.1\n   url {\n    path /b\n   }\n  }\n }\n`
          + ` real_server 127.0.0.3 ${port} {\n  HTTP_GET {\n   connect_ip 127.0.0.1\n   virtualhost ck.test\n   http_protocol 1.1\n   url {\n    path /c\n   }\n   url {\n    path /d\n    virtualhost url.test\n   }\n  }\n }\n}\n`);
        const vs = cfg.virtualServers[0]!;
        for (const rs of vs.realServers) {
          const c = rs.checkers[0]!;
          const probe = httpProbe({ checker: c, params: resolveParams(c, rs, vs), rs, vs, config: cfg });
          for (let i = 0; i < (c.type === 'HTTP_GET' ? c.urls.length : 0); i++) assert.equal((await probe.run(i)).ok, true);
        }
        assert.deepEqual(seen, [
          'GET /a HTTP/1.0|Host: vs.test', 'GET /b HTTP/1.0|Host: rs.test',
          'GET /c HTTP/1.1|Connection: close|Host: ck.test', 'GET /d HTTP/1.1|Connection: close|Host: url.test',
        ]);
      } finally { srv.close(); }
    });

    it('enable_sni of SSL_GET: the TLS server name is the url\'s, the checker\'s or the virtual server\'s virtualhost (not the real server\'s)', async function () {
      const dir = mkdtempSync(join(tmpdir(), 'kb-sni-'));
      try {
        const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=kb'], { stdio: 'ignore' });
        if (made.status !== 0) this.skip();
        const names: (string | false)[] = [];
        const srv = tls.createServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (c) => {
          names.push(c.servername ?? false);
          c.once('data', () => c.end('HTTP/1.0 200 OK\r\n\r\n'));
        });
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
        const port = (srv.address() as net.AddressInfo).port;
        try {
          const rsBlock = (n: number, rs: string, ck: string, url: string): string =>
            ` real_server 127.0.0.${n} ${port} {\n  ${rs}\n  SSL_GET {\n   connect_ip 127.0.0.1\n   ${ck}\n   url {\n    path /\n    ${url}\n   }\n  }\n }\n`;
          const cfg = parse(`virtual_server 127.0.0.1 ${port} {\n lb_algo rr\n lb_kind DR\n protocol TCP\n virtualhost vs.test\n`
            + rsBlock(1, '', '', '') + rsBlock(2, 'virtualhost rs.test', 'enable_sni', '') + rsBlock(3, '', 'enable_sni\n   virtualhost ck.test', '')
            + rsBlock(4, '', 'enable_sni', 'virtualhost url.test') + '}\n');
          const vs = cfg.virtualServers[0]!;
          for (const rs of vs.realServers) {
            const c = rs.checkers[0]!;
            assert.equal((await httpProbe({ checker: c, params: resolveParams(c, rs, vs), rs, vs,
              config: cfg }).run(0)).ok, true);
          }
          assert.deepEqual(names, [false, 'vs.test', 'ck.test', 'url.test']);
        } finally { srv.close(); }
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });

    it('regex and regex_no_match of a url: the body must (not) match', () => {
      const raw = Buffer.from('HTTP/1.0 200 OK\r\n\r\nservice is up\n');
      const reply = { raw, headerEnd: raw.indexOf('\r\n\r\n') + 4, status: 200 };
      const ok = (url: string): boolean => {
        const cfg = parse(`virtual_server 10.9.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.9.0.2 80 {\n  HTTP_GET {\n   url {\n    path /\n    ${url}\n   }\n  }\n }\n}\n`);
        const c = cfg.virtualServers[0]!.realServers[0]!.checkers[0]!;
        assert.ok(c.type === 'HTTP_GET');
        return judge(c.urls[0]!, reply).ok;
      };
      assert.deepEqual([ok('regex "is up"'), ok('regex "is down"'), ok('regex "is up"\n    regex_no_match'), ok('regex "is down"\n    regex_no_match')], [true, false, false, true]);
    });

    it('min_reply_length / max_reply_length of UDP_CHECK: a reply outside the lengths fails the check', async () => {
      const sock = dgram.createSocket('udp4');
      sock.on('message', (m, r) => sock.send(Buffer.alloc(Number(m.toString('latin1').slice(1)), 0x61), r.port, r.address));
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
      const port = sock.address().port;
      try {
        const run = async (len: number, lines: string): Promise<boolean> => {
          const hex = Buffer.from(`L${len}`).toString('hex');
          const cfg = parse(`virtual_server 127.0.0.1 ${port} {\n lb_algo rr\n lb_kind DR\n protocol UDP\n real_server 127.0.0.1 ${port} {\n  UDP_CHECK {\n   connect_timeout 1\n   payload ${hex}\n   require_reply\n   ${lines}\n  }\n }\n}\n`);
          const vs = cfg.virtualServers[0]!; const rs = vs.realServers[0]!; const c = rs.checkers[0]!;
          return (await udpProbe({ checker: c, params: resolveParams(c, rs, vs), rs, vs, config: cfg }).run(0)).ok;
        };
        assert.deepEqual([await run(10, ''), await run(10, 'min_reply_length 11'), await run(10, 'max_reply_length 9'), await run(10, 'min_reply_length 10\n max_reply_length 10')],
          [true, false, false, true]);
      } finally { sock.close(); }
    });
  });

  describe('IPVS', () => {
    it('sorry_server_lvs_method: the sorry server\'s forwarding method once quorum is lost', () => {
      for (const [line, fwd] of [['', 3], ['sorry_server_lvs_method TUN', 2], ['sorry_server_lvs_method NAT', 0]] as const) {
        const cfg = parse(`virtual_server 10.9.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n sorry_server 10.9.0.9 80\n ${line}\n real_server 10.9.0.2 80 {\n  TCP_CHECK {\n   alpha\n  }\n }\n}\n`);
        const [svc] = [...toKernelState(initialDesiredState(cfg)).values()];
        assert.deepEqual([...svc!.dests.values()].map((d) => `${d.addr} fwd${d.fwd}`), [`10.9.0.9 fwd${fwd}`], line);
      }
    });

    it('weight of a virtual_server (its real servers\' default), lvs_method and inhibit_on_failure of a real_server, ip_family and persistence_engine: the IPVS table', () => {
      const cfg = parse('virtual_server fwmark 7 {\n ip_family inet6\n lb_algo rr\n lb_kind DR\n persistence_timeout 30\n persistence_engine sip\n weight 4\n'
        + ' real_server fd00::2 {\n }\n real_server fd00::3 {\n  lvs_method TUN\n  weight 2\n }\n'
        + ' real_server fd00::4 {\n  inhibit_on_failure\n  TCP_CHECK {\n   alpha\n  }\n }\n real_server fd00::5 {\n  TCP_CHECK {\n   alpha\n  }\n }\n}\n');
      const k = toKernelState(initialDesiredState(cfg));
      const [svc] = [...k.values()];
      assert.equal(k.size, 1);
      assert.deepEqual([svc!.svc.af, svc!.svc.fwmark, svc!.svc.peName], [10, 7, 'sip']);
      assert.deepEqual([...svc!.dests.values()].map((d) => `${d.addr} w${d.weight} fwd${d.fwd}`).sort(), ['fd00::2 w4 fwd3', 'fd00::3 w2 fwd2', 'fd00::4 w0 fwd3']);
    });
  });
});
