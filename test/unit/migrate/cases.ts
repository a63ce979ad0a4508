// Migration cases as data: every configuration shown in the seeds, cases written from ldirectord's
// and piranha's documented options, and malformed inputs. `expect` holds what the output must say.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '../../../src/migrate/index.js';

export const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../corpus/migrate');

export interface MigrationCase {
  name: string;
  from: MigrationSource;
  input: string;
  opts?: { primaryId?: string; backupId?: string };
  /** config ids to check the output under (the @conditional lines). */
  configIds?: string[];
  /** Error messages expected, each as "file-suffix:line: text fragment"; empty = must convert. */
  errors?: string[];
  expect?: {
    vips?: string[];
    interface?: string;
    priorities?: Record<string, number>;
    advertInt?: number;
    nopreempt?: boolean;
    authPass?: string;
    unicastPeers?: string[];
    virtualServers?: { vs: string; lbAlgo: string; lbKind: string; protocol?: string; checker?: string; reals: string[];
      sorry?: string; inhibit?: boolean; persistence?: number; path?: string; regex?: string;
      retry?: number; delayLoop?: number }[];
    trackScripts?: number;
    notifyMaster?: string[];
    emails?: string[];
  };
}

export const CASES: MigrationCase[] = [
  {
    name: 'seed 000: heartbeat ha.cf + haresources + authkeys + ldirectord.cf (LVS-DR pair)',
    from: 'heartbeat', input: 'seed-000', configIds: ['station3', 'station4'],
    expect: {
      vips: ['192.168.0.200/24'], interface: 'eth1', priorities: { station3: 110, station4: 100 }, advertInt: 2, nopreempt: false,
      authPass: 'Hello!', trackScripts: 1, notifyMaster: ['/bin/sh', '-c', '/etc/init.d/httpd start'],
      virtualServers: [{ vs: '192.168.0.147:80', lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP', checker: 'HTTP_GET', reals: ['192.168.0.64:80', '192.168.0.57:80'], sorry: '127.0.0.1:80', inhibit: false, path: '/', retry: 0, delayLoop: 1 }],
    },
  },
  {
    name: 'seed 000: its ldirectord.cf alone',
    from: 'ldirectord', input: 'seed-000-ldirectord.cf',
    expect: { virtualServers: [{ vs: '192.168.0.147:80', lbAlgo: 'rr', lbKind: 'DR', checker: 'HTTP_GET', reals: ['192.168.0.64:80', '192.168.0.57:80'], sorry: '127.0.0.1:80', inhibit: false }] },
  },
  {
    name: 'seed 002: heartbeat with ucast, ping_group + ipfail, crc authkeys, lvs resource script (addresses un-redacted)',
    from: 'heartbeat', input: 'seed-002', configIds: ['name1', 'name2'],
    expect: {
      vips: ['203.0.113.165'], interface: 'eth0', priorities: { name1: 110, name2: 100 }, advertInt: 2, unicastPeers: ['192.168.2.20'], trackScripts: 1,
      notifyMaster: ['/bin/sh', '-c', '/etc/init.d/lvsdr-basic start'],
      virtualServers: [{ vs: '203.0.113.165:80', lbAlgo: 'sh', lbKind: 'DR', checker: 'HTTP_GET', reals: ['203.0.113.171:80', '203.0.113.164:80'], path: '/test.html', regex: 'Test', inhibit: false }],
    },
  },
  {
    name: 'seed 002: verbatim (redacted addresses, ucast without interface, owner not a node): problems reported with lines and what was assumed',
    from: 'heartbeat', input: 'seed-002-redacted',
    errors: ['ha.cf:6: ucast: expected <interface> <IP>', "haresources:1: resource group owner 'liuyuxi'", "haresources:1: bad IP address resource 'IPaddr::60.*.165'", 'ldirectord.cf:6: virtual=60.*.165:80'],
  },
  {
    name: 'seed 002: heartbeat 2.x example, auto_failback off, a resource group without an IP',
    from: 'heartbeat', input: 'seed-002-v2', configIds: ['node1', 'node2'],
    expect: { vips: ['192.168.1.205'], interface: 'eth0', priorities: { node1: 110, node2: 100 }, advertInt: 1, nopreempt: true, notifyMaster: ['/bin/sh', '-c', '/etc/init.d/runhttpd.sh start'] },
  },
  {
    name: 'seed 003: piranha lvs.cf (direct routing, send/expect HTTP check)',
    from: 'piranha', input: 'seed-003-lvs.cf', configIds: ['primary', 'backup'],
    expect: {
      vips: ['192.168.12.200/24'], interface: 'eth0', priorities: { primary: 110, backup: 100 }, advertInt: 5,
      virtualServers: [{ vs: '192.168.12.200:80', lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP', checker: 'HTTP_GET', reals: ['192.168.12.132:80', '192.168.12.133:80'], path: '/' }],
    },
  },
  {
    name: 'ldirectord documented options: ranges, masq/ipip, https, smtp, udp, fwmark, external, off, persistence, email',
    from: 'ldirectord', input: 'documented-ldirectord.cf',
    expect: {
      emails: ['ops@example.com'],
      virtualServers: [
        { vs: '10.10.10.10:80', lbAlgo: 'wlc', lbKind: 'NAT', checker: 'HTTP_GET', reals: ['10.10.20.1:80', '10.10.20.2:80', '10.10.20.3:80', '10.10.20.9:8080'], sorry: '10.10.20.254:80', inhibit: true, persistence: 300, path: '/health/check.html', regex: 'OK', retry: 2, delayLoop: 5 },
        { vs: '10.10.10.10:443', lbAlgo: 'sh', lbKind: 'DR', checker: 'SSL_GET', reals: ['10.10.20.1:443', '10.10.20.2:443'] },
        { vs: '10.10.10.11:25', lbAlgo: 'wrr', lbKind: 'TUN', checker: 'SMTP_CHECK', reals: ['10.10.20.5:25'], inhibit: false },
        { vs: '10.10.10.12:53', lbAlgo: 'rr', lbKind: 'DR', protocol: 'UDP', checker: 'UDP_CHECK', reals: ['10.10.20.6:53'] },
        { vs: 'fwmark 100', lbAlgo: 'lc', lbKind: 'DR', checker: 'PING_CHECK', reals: ['10.10.20.7:0'] },
        { vs: '10.10.10.13:3306', lbAlgo: 'wrr', lbKind: 'NAT', checker: 'MISC_CHECK', reals: ['10.10.20.8:3306'] },
        { vs: '10.10.10.14:22', lbAlgo: 'rr', lbKind: 'DR', reals: ['10.10.20.9:22'] },
      ],
    },
  },
  {
    name: 'ldirectord malformed: bad method, bad address, unknown scheduler, no "=", unknown directive',
    from: 'ldirectord', input: 'bad-ldirectord.cf',
    errors: ["bad-ldirectord.cf:3: unknown forwarding method 'gateway'", 'bad-ldirectord.cf:4: real=not-an-ip!:80', 'bad-ldirectord.cf:5: scheduler=fastest', 'bad-ldirectord.cf:6: expected key=value', "bad-ldirectord.cf:7: unknown ldirectord directive 'frobnicate'"],
  },
  {
    name: 'piranha malformed: unclosed block, bad network, server without address',
    from: 'piranha', input: 'bad-lvs.cf',
    errors: ['bad-lvs.cf:2: network = sideways', "bad-lvs.cf:3: block 'virtual web' is not closed", 'bad-lvs.cf:7: server a: address'],
  },
];
