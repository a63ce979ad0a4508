// genhash from source vs Debian's /usr/bin/genhash (keepalived 2.2.7) against nginx: plain and
// TLS, 200 and 404, vhost and protocol options, verbose layout (volatile lines removed). nginx and
// both genhash binaries run in a namespace of this run's own (loopback only), with files in a
// per-run temporary directory, so two runs at once do not clash on ports or files.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isRoot, OwnedNetns, sh, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';

const netns = new OwnedNetns('kcg');
const inNs = (cmd: string, args: string[]): [string, string[]] => ['ip', ['netns', 'exec', netns.name, cmd, ...args]];
const run = (cmd: string, args: string[]): string => {
  try { return execFileSync(...inNs(cmd, args), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }); } catch (e) { return `rc!=0 ${(e as { stdout?: string }).stdout ?? ''}`; }
};
const ours = (args: string[]): string => run('node', ['--import', 'tsx', 'src/check/genhash-cli.ts', ...args]);
const theirs = (args: string[]): string => run('/usr/bin/genhash', args);
const stable = (s: string): string => s.split('\n').filter((l) => !/Date|Last-Modified|Global response time|ETag/.test(l) && !/^0(0[4-9]|[1-9])/.test(l)).join('\n');

describe('check (integration): genhash matches /usr/bin/genhash', function () {
  this.timeout(60000);
  let nginx: ChildProcess | undefined;
  let dir = '';
  before(async function () {
    if (!isRoot() || !existsSync('/usr/bin/genhash') || !existsSync('/usr/sbin/nginx')) this.skip();
    // 0755: nginx's workers (user nobody) read the pages.
    dir = makeTempDir('kc-genhash', { mode: 0o755 });
    netns.make();
    sh('ip', ['-n', netns.name, 'link', 'set', 'lo', 'up']);
    mkdirSync(`${dir}/html`, { recursive: true });
    mkdirSync(`${dir}/tmp`);
    writeFileSync(`${dir}/html/index.html`, '<html>kc genhash</html>\n'.repeat(300));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=kc'], { stdio: 'ignore' });
    writeFileSync(`${dir}/nginx.conf`, `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:18780; root ${dir}/html; }
  server { listen 127.0.0.1:18781 ssl; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem; root ${dir}/html; } }
`);
    nginx = spawn(...inNs('/usr/sbin/nginx', ['-c', `${dir}/nginx.conf`, '-p', dir]), { stdio: 'ignore' });
    await waitFor(() => existsSync(`${dir}/nginx.pid`) && run('ss', ['-ltn']).includes('127.0.0.1:18781'), 30000, 200);
  });
  after(async () => {
    // SIGTERM to the master makes nginx stop its workers too (SIGKILL would orphan them).
    if (nginx?.pid && nginx.exitCode === null) {
      try { process.kill(nginx.pid, 'SIGTERM'); } catch { /* gone */ }
      await waitFor(() => nginx!.exitCode !== null || nginx!.signalCode !== null, 10000).catch(() => { try { process.kill(nginx!.pid!, 'SIGKILL'); } catch { /* gone */ } });
    }
    // Whatever is left inside the namespace (by PID) goes with it.
    netns.remove();
    removeTempDir(dir);
  });

  const cases: string[][] = [
    ['-s', '127.0.0.1', '-p', '18780', '-u', '/index.html'],
    ['-s', '127.0.0.1', '-p', '18780', '-u', '/missing'],
    ['-s', '127.0.0.1', '-p', '18780', '-u', '/index.html', '-P', '1.1', '-V', 'www.kc.test'],
    ['-S', '-s', '127.0.0.1', '-p', '18781', '-u', '/index.html'],
    ['-S', '-s', '127.0.0.1', '-p', '18781', '-u', '/index.html', '-I', '-V', 'kc'],
    ['-s', '127.0.0.1', '-p', '18782', '-u', '/'],
    ['-s', '127.0.0.1', '-p', '18780', '-u', '/index.html', '-S', '-t', '1'],
  ];
  for (const args of cases) it(`genhash ${args.join(' ')}`, () => assert.equal(ours(args), theirs(args)));
  it('verbose output layout (small body)', () => {
    writeFileSync(`${dir}/html/small.html`, 'hello keepalived\n');
    const a = ['-s', '127.0.0.1', '-p', '18780', '-u', '/small.html', '-v'];
    assert.equal(stable(ours(a)), stable(theirs(a)));
  });
});
