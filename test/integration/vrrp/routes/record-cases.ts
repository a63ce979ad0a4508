// Records keepalived 2.2.7's reading of single route / rule lines (root; not a test): for each case
// of test/unit/parser/data/routes-cases-2.2.7.json (route-cases.ts) it runs `keepalived -t` (messages, exit code) and
// `keepalived -n -l -d` (the configuration dump: the line as keepalived keeps it, or nothing when
// dropped) in a namespace made here (eth0..eth1 veth, deleted at the end), and writes the file back.
// Run: node --import tsx test/integration/vrrp/routes/record-cases.ts
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OwnedNetns, sh } from '../../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../../helpers/tmpdir.js';

import { caseConfig, CASES_FILE as FILE, loadCases, type RouteCase } from '../../../unit/parser/route-cases.js';

const strip = (l: string): string => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
const pidIn = (f: string): number | undefined => { try { return Number(readFileSync(f, 'utf8')) || undefined; } catch { return undefined; } };

/** One run of keepalived -d: the dump of the case's block (first line), undefined if no dump came. */
async function dumpOnce(ns: string, conf: string, dir: string, c: RouteCase): Promise<string | null | undefined> {
  for (const f of ['p', 'r', 'c']) rmSync(join(dir, f), { force: true });
  const p = spawn('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', '-n', '-l', '-d', '-f', conf, '-p', join(dir, 'p'), '-r', join(dir, 'r'), '-c', join(dir, 'c')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let selfExit = false;
  const exited = new Promise((r) => p.once('exit', r)).then(() => { selfExit = !killed; });
  let killed = false;
  const done = new Promise<void>((resolve) => {
    const on = (d: Buffer) => { out += d.toString(); if (out.includes('< Interfaces >')) resolve(); };
    p.stdout.on('data', on); p.stderr.on('data', on);
    setTimeout(resolve, 4000);
    void exited.then(() => resolve());
  });
  await done;
  const child = pidIn(join(dir, 'r'));
  if (child) try { process.kill(child, 'SIGKILL'); } catch { /* gone */ }
  killed = true;
  p.kill('SIGKILL');
  await exited;
  if (selfExit && !out.includes('< Interfaces >')) return null; // keepalived did not start (e.g. missing interface)
  while (child && alive(child)) await new Promise((r) => setTimeout(r, 20));
  if (!out.includes('< Interfaces >')) return undefined;
  const lines = out.split('\n').map(strip);
  const head = c.block === 'static_routes' ? '------< Static Routes >------' : c.block === 'static_rules' ? '------< Static Rules >------'
    : c.block === 'virtual_routes' ? '   Virtual Routes :' : '   Virtual Rules :';
  const at = lines.indexOf(head);
  return at >= 0 && lines[at + 1]?.startsWith('     ') ? lines[at + 1]!.slice(5) : null;
}

async function dumpOf(ns: string, conf: string, dir: string, c: RouteCase): Promise<string | null> {
  for (let n = 0; n < 3; n++) {
    const d = await dumpOnce(ns, conf, dir, c);
    if (d !== undefined) return d;
  }
  throw new Error(`no configuration dump for ${c.block}: ${c.line}`);
}

async function main(): Promise<void> {
  const cases = loadCases();
  const netns = new OwnedNetns('krtc').make();
  const dir = makeTempDir('krtc');
  try {
    for (let i = 0; i < 2; i++) {
      sh('ip', ['-n', netns.name, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `kpv${i}`]);
      sh('ip', ['-n', netns.name, 'link', 'set', `eth${i}`, 'up']);
    }
    sh('ip', ['-n', netns.name, 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0']);
    for (const c of cases.cases) {
      const conf = join(dir, 'k.conf');
      writeFileSync(conf, caseConfig(c));
      const t = spawnSync('ip', ['netns', 'exec', netns.name, '/usr/sbin/keepalived', '-t', '-f', conf], { encoding: 'utf8' });
      c.exitCode = t.status ?? -1;
      c.messages = [...new Set(`${t.stdout}${t.stderr}`.split('\n').map(strip).filter((l) => /^\(.*Line \d+\) |^Non-existent interface/.test(l))
        .map((l) => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ')))];
      c.dump = c.exitCode === 2 ? null : await dumpOf(netns.name, conf, dir, c);
      process.stdout.write(`${c.block}: ${c.line}\n  -> ${c.exitCode} ${JSON.stringify(c.messages)} ${c.dump}\n`);
    }
    cases.source = 'keepalived 2.2.7 (Debian) -t and -n -l -d, in a netns with eth0 (10.0.0.1/24) and eth1; test/integration/vrrp/routes/record-cases.ts';
    writeFileSync(FILE, `${JSON.stringify(cases, null, 1)}\n`);
  } finally {
    netns.remove();
    removeTempDir(dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
