// Records the nf_tables netlink messages keepalived 2.2.7 sends (strace of its sendto(2) calls on
// the NETLINK_NETFILTER socket) while it runs a scenario of scenarios.ts, into
// test/unit/vrrp/firewall/data/ka227-<scenario>.netlink.txt: one block per datagram, hex bytes.
// Our encoder is checked byte for byte against these (sequence numbers aside). Run by hand as root:
//   node --import tsx test/integration/firewall/record-netlink.ts [SCENARIO...]
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Daemon, KEEPALIVED, VrrpLab } from '../vrrp/lab.js';
import { runScenario, SCENARIOS } from './scenarios.js';

const OUT = new URL('../../unit/vrrp/firewall/data/', import.meta.url).pathname;
const DEFAULT = ['strict-v4', 'strict-v6', 'strict-v6-dont-track', 'nftables-named', 'vmac-v4-strict', 'vmac-v6', 'stale-table', 'two-instances'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;

/** keepalived under strace; signals go to keepalived itself (its pid file), not to strace. */
class TracedDaemon extends Daemon {
  override signal(sig: NodeJS.Signals): void {
    try { process.kill(Number(readFileSync(`${this.dir}/r1.pid`, 'utf8')), sig); } catch { /* gone */ }
  }
}

/**
 * The NETLINK_NETFILTER datagrams of an strace log: the hex dumps (`-e write=all`) that follow a
 * sendto() whose first message is an nftables one (type NFNL_SUBSYS_NFTABLES<<8 or a batch).
 */
export function netfilterDatagrams(log: string): Buffer[] {
  const out: Buffer[] = [];
  let cur: string[] | undefined;
  for (const line of log.split('\n')) {
    // " | 00000  14 00 00 00 10 00 01 00  c1 76 16 6b 00 00 00 00  ASCII |": 49 columns of hex
    const dump = /\| [0-9a-f]{5}  (.{49})/.exec(line);
    if (dump && cur) { cur.push(dump[1]!.replace(/ /g, '')); continue; }
    if (cur) { out.push(Buffer.from(cur.join(''), 'hex')); cur = undefined; }
    if (/sendto\(\d+, \[+\{nlmsg_len=\d+, nlmsg_type=(NFNL_|NFNL_SUBSYS_NFTABLES)/.test(line)) cur = [];
  }
  if (cur) out.push(Buffer.from(cur.join(''), 'hex'));
  return out;
}

const nftVersion = execFileSync('nft', ['-v'], { encoding: 'utf8' }).trim();
for (const name of wanted) {
  const sc = SCENARIOS.find((s) => s.name === name);
  if (!sc) { process.stderr.write(`no scenario ${name}\n`); continue; }
  const lab = new VrrpLab('nftnl').up();
  try {
    process.stderr.write(`${name} ...\n`);
    const trace = `${lab.dir}/strace.txt`;
    await runScenario(lab, 'keepalived', sc, {
      start: (conf) => {
        const proc = lab.lab.spawn(lab.lab.ns('r1'), 'strace', ['-f', '-qq', '-e', 'trace=sendto', '-e', 'signal=none', '-e', 'write=all', '-o', trace,
          KEEPALIVED, '-n', '-l', '-D', '-G', '-f', conf, '-p', `${lab.dir}/r1.pid`, '-r', `${lab.dir}/r1.vrrp.pid`, '-c', `${lab.dir}/r1.chk.pid`]);
        const d = new TracedDaemon('keepalived', proc, lab.dir, 'r1');
        lab.daemons.push(d);
        return d;
      },
    });
    const grams = netfilterDatagrams(readFileSync(trace, 'utf8'));
    const text = [
      `# keepalived 2.2.7 (Debian 12), scenario ${name} of test/integration/firewall/scenarios.ts (steps ${sc.steps.join(', ')}),`,
      `# recorded by test/integration/firewall/record-netlink.ts with strace -e write=all; ${nftVersion}.`,
      '# One block per sendto(2) on the NETLINK_NETFILTER socket, hex.',
      ...grams.map((g, i) => `datagram ${i}\n${g.toString('hex').replace(/(.{64})/g, '$1\n').trim()}`),
    ].join('\n');
    writeFileSync(`${OUT}ka227-${name}.netlink.txt`, `${text}\n`);
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
  } finally {
    await lab.down();
  }
}
