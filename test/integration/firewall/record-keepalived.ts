// Records keepalived 2.2.7's VIP firewall (its nftables table) for every scenario of scenarios.ts
// into data/keepalived-2.2.7/<scenario>.json: per step the ruleset (`nft -j` and text), the client
// probes, and the firewall-related log lines. Run by hand as root (about 3 minutes):
//   node --import tsx test/integration/firewall/record-keepalived.ts [SCENARIO...]
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { VrrpLab } from '../vrrp/lab.js';
import { runScenario, SCENARIOS } from './scenarios.js';

const OUT = new URL('./data/keepalived-2.2.7/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
const only = process.argv.slice(2);
const nftVersion = execFileSync('nft', ['-v'], { encoding: 'utf8' }).trim();
const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
const FW_LINE = /firewall|nftables|iptables|ipset|accept mode|Deleting old|table|VIPs|Entering|Unknown keyword|Stopping|Reloading/;

for (const sc of SCENARIOS) {
  if (only.length && !only.includes(sc.name)) continue;
  const lab = new VrrpLab('nftrec').up();
  try {
    process.stderr.write(`${sc.name} ...\n`);
    const { steps, log } = await runScenario(lab, 'keepalived', sc);
    const fixture = {
      recorded: `keepalived 2.2.7 (Debian 12) in a network namespace by test/integration/firewall/record-keepalived.ts; ${nftVersion}; kernel ${kernel}`,
      scenario: sc.name, about: sc.about, conf: sc.conf, ...(sc.reloadConf ? { reloadConf: sc.reloadConf } : {}),
      steps, log: log.filter((l) => FW_LINE.test(l)),
    };
    writeFileSync(`${OUT}${sc.name}.json`, `${JSON.stringify(fixture, null, 1)}\n`);
  } catch (e) {
    process.stderr.write(`${sc.name}: ${(e as Error).message}\n`);
  } finally {
    await lab.down();
  }
}
