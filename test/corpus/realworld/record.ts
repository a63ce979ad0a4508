// Records keepalived 2.2.7's `-t` on every *.conf of a corpus directory (default: this one) into
// NAME.expect.json (exit code and stderr lines, the directory written as <DIR>). Run as root where
// Debian's keepalived 2.2.7 is installed:
//   node --import tsx test/corpus/realworld/record.ts [DIR [FILE.conf...]]
// keepalived runs in a namespace of its own with eth0..eth3 (veth pairs), as the differential
// test does, and with config id kpbnode.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OwnedNetns, sh } from '../../helpers/netns.js';

const [dirArg, ...only] = process.argv.slice(2);
const DIR = (dirArg ? resolve(dirArg) : new URL('.', import.meta.url).pathname).replace(/\/$/, '');
const ns = new OwnedNetns('kpb-rec').make();
try {
  for (let i = 0; i < 4; i++) {
    sh('ip', ['-n', ns.name, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `kpv${i}`]);
    sh('ip', ['-n', ns.name, 'link', 'set', `eth${i}`, 'up']);
  }
  sh('ip', ['-n', ns.name, 'link', 'set', 'lo', 'up']);
  const version = spawnSync('keepalived', ['--version'], { encoding: 'utf8' }).stderr.split('\n')[0];
  for (const f of (only.length ? only : readdirSync(DIR).filter((x) => x.endsWith('.conf'))).sort()) {
    const r = spawnSync('ip', ['netns', 'exec', ns.name, 'keepalived', '-t', '-i', 'kpbnode', '-f', join(DIR, f)], { encoding: 'utf8' });
    const messages = r.stderr.split('\n').filter(Boolean).map((l) => l.split(`${DIR}/`).join('<DIR>/'));
    writeFileSync(join(DIR, f.replace(/\.conf$/, '.expect.json')), `${JSON.stringify({
      exitCode: r.status, messages, source: `${version} -t -i kpbnode, netns with eth0..eth3 (veth), recorded by record.ts`,
    }, null, 1)}\n`);
    process.stdout.write(`${f}: exit ${r.status}, ${messages.length} lines\n`);
  }
} finally {
  ns.remove();
}
