// TCP_CHECK over a real network (root, namespaces `kvb-*`): the probe's options as keepalived
// uses them, each seen from the server side or from the log: bindto + bind_port (the source
// address and port the server sees), connect_port and connect_ip (the check goes elsewhere than
// the real server's own address/port), a refused port (down after its retry), a silent host
// (connect_timeout: `TCP connection to ... timeout.`), and a listener that comes back (up again).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, isRoot, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeUnlessFailed } from '../../helpers/tmpdir.js';

/** This run's directory (config, runner log), made in before(). */
let DIR = '';
const HERE = path.dirname(new URL(import.meta.url).pathname);
const MISC = path.join(HERE, 'servers', 'misc.mjs');
const LB = '10.78.0.1', LB2 = '10.78.0.11', RS = '10.78.0.2', GHOST = '10.78.0.9';
const VS = '[10.78.0.100]:tcp:80';
const t = (a: string, port: number): string => `[${a}]:tcp:${port}`;

const CONF = `
global_defs {
  router_id kvb_lb
}
virtual_server 10.78.0.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${RS} 9000 {
    TCP_CHECK {
      bindto ${LB2}
      bind_port 40001
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
  }
  real_server ${RS} 9001 {
    TCP_CHECK {
      connect_port 9000
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.78.0.3 9000 {
    TCP_CHECK {
      connect_ip ${RS}
      connect_timeout 1
      retry 0
    }
  }
  real_server ${RS} 9002 {
    TCP_CHECK {
      connect_timeout 1
      retry 1
      delay_before_retry 1
      log_all_failures
    }
  }
  real_server ${GHOST} 9000 {
    TCP_CHECK {
      connect_timeout 1
      retry 1
      delay_before_retry 1
      log_all_failures
    }
  }
}
`;

describe('check (integration): TCP_CHECK options and faults', function () {
  this.timeout(120000);
  const lab = new NetnsLab('kvb');
  const lines: string[] = [];
  const peers: string[] = [];
  const kids: ChildProcess[] = [];
  let runner: ChildProcess | undefined;

  const has = (s: string): boolean => lines.includes(`LOG ${s}`);
  const waitLine = (s: string, ms = 20000): Promise<boolean> =>
    waitFor(() => has(s), ms).catch(() => { throw new Error(`no line ${s}\n--- got:\n${lines.filter((l) => l.startsWith('LOG')).join('\n')}`); });
  async function tcpServer(port: number): Promise<ChildProcess> {
    const c = lab.spawn(lab.ns('rs'), 'node', [MISC, 'tcp-peers', RS, String(port)]);
    kids.push(c);
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ls = out.split('\n'); out = ls.pop()!;
      for (const l of ls) if (l.startsWith('peer ')) peers.push(`${port} ${l.slice(5)}`);
      if (ls.includes('ready')) ready = true;
    });
    let ready = false;
    await waitFor(() => ready, 10000);
    return c;
  }
  const kill = (c: ChildProcess | undefined): void => { if (c?.pid && c.exitCode === null) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } } };

  before(function () {
    if (!isRoot()) this.skip();
    DIR = makeTempDir('kvb-tcp');
    writeFileSync(`${DIR}/keepalived.conf`, CONF);
    lab.up();
    lab.addHost('lb', { addr4: `${LB}/24` });
    lab.addHost('rs', { addr4: `${RS}/24` });
    lab.exec(lab.ns('lb'), 'ip', ['addr', 'add', `${LB2}/24`, 'dev', 'eth0']);
  });

  after(function () {
    try { writeFileSync(`${DIR}/runner.log`, lines.join('\n') + '\n'); } catch { /* dir gone */ }
    kill(runner);
    for (const c of kids) kill(c);
    lab.down();
    removeUnlessFailed(this, DIR);
  });

  it('bindto/bind_port, connect_port, connect_ip, refused, timeout; back up when the listener returns', async () => {
    const srv = await tcpServer(9000);
    runner = lab.spawn(lab.ns('lb'), 'node', ['--import', 'tsx', path.join(HERE, 'runner.ts'), `${DIR}/keepalived.conf`]);
    let buf = '';
    runner.stdout!.on('data', (d: Buffer) => { buf += d.toString(); const parts = buf.split('\n'); buf = parts.pop()!; lines.push(...parts); });
    runner.stderr!.on('data', (d: Buffer) => { lines.push(`ERR ${d.toString()}`); });

    // Up: the three checks that reach the listener on 9000.
    for (const a of [t(RS, 9000), t(RS, 9001), t('10.78.0.3', 9000)]) await waitLine(`TCP connection to ${a} success.`);
    // bindto + bind_port: the server saw that source address and port.
    await waitFor(() => peers.some((p) => p === `9000 ${LB2} 40001`), 10000);
    assert.ok(peers.filter((p) => p.includes(` ${LB2} `)).every((p) => p.endsWith(' 40001')), peers.join('\n'));
    // Refused (with log_all_failures: each failure, then down). keepalived 2.2.7 sets retry_it =
    // retry at start ("one failure is enough initially"): down at the first check, short text.
    await waitLine(`TCP connection to ${t(RS, 9002)} failed.`);
    await waitLine(`TCP_CHECK on service ${t(RS, 9002)} failed.`);
    // A host that never answers (no neighbour): connect_timeout 1 s.
    await waitLine(`TCP connection to ${t(GHOST, 9000)} timeout.`);
    await waitLine(`TCP_CHECK on service ${t(GHOST, 9000)} failed.`);
    // The listener goes away: the three go down after their retries; it comes back: up again.
    kill(srv);
    await waitLine(`TCP_CHECK on service ${t(RS, 9000)} failed after 1 retries.`);
    await waitLine(`TCP_CHECK on service ${t(RS, 9001)} failed.`);
    await waitLine(`Removing service ${t('10.78.0.3', 9000)} from VS ${VS}`);
    const n = lines.length;
    await tcpServer(9000);
    for (const a of [t(RS, 9000), t(RS, 9001), t('10.78.0.3', 9000)]) {
      await waitFor(() => lines.slice(n).includes(`LOG TCP connection to ${a} success.`), 20000);
    }
    await waitFor(() => lines.slice(n).includes(`LOG Adding service ${t(RS, 9000)} to VS ${VS}`), 20000);
    // No line about a bind problem, and the checks that bind keep working at delay_loop.
    const before = peers.filter((p) => p.includes(` ${LB2} `)).length;
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(peers.filter((p) => p.includes(` ${LB2} `)).length >= before + 2, `bound checks stalled: ${peers.slice(-6).join(', ')}`);
    assert.ok(!lines.some((l) => /bind failed/.test(l)), lines.filter((l) => /bind/.test(l)).join('\n'));

    process.kill(runner.pid!, 'SIGTERM');
    await waitFor(() => lines.includes('STOPPED'), 10000);
    assert.ok(has(`Shutting down service ${t(RS, 9000)} from VS ${VS}`));
  });
});
