// Host-side wrapper of scripts/vm/run.sh for mocha: bundles a guest program (TypeScript -> one ESM
// file, so the slow TCG guest does not transpile), boots the IPVS VM once, runs the command with the
// repository mounted at the same path, and returns stdout, stderr, exit code and wall time.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const VM_CACHE = process.env.IPVS_VM_CACHE ?? join(REPO, '.cache/vm');

export interface VmResult { code: number; stdout: string; stderr: string; ms: number }

/** Why the VM tier cannot run here, or null when it can (x86_64, root, qemu installed). */
export function vmUnavailable(): string | null {
  if (process.arch !== 'x64') return `needs x86_64 (this is ${process.arch})`;
  if (process.getuid?.() !== 0) return 'needs root';
  if (spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0) return 'qemu-system-x86_64 is not installed';
  return null;
}

const bundles: string[] = [];
process.on('exit', () => { for (const f of bundles) rmSync(f, { force: true }); });

/**
 * Bundles `entry` (TypeScript) into .cache/vm/guest/<name>-<pid>.mjs, native packages left external;
 * per run (another run of the same test may be loading its own copy in its guest), removed at exit.
 */
export async function bundleGuest(entry: string, name: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(VM_CACHE, 'guest', `${name}-${process.pid}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  bundles.push(outfile);
  await build({
    entryPoints: [resolve(REPO, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: ['netlink', 'esbuild'], logLevel: 'warning',
  });
  return outfile;
}

export interface RunOptions {
  shares?: string[]; env?: Record<string, string>; timeoutS?: number; echo?: boolean; memMiB?: number;
  /** More kernel modules for the guest to load before the command (run.sh -m), e.g. veth, bridge. */
  modules?: string[];
  /** Extra 9p mount options for the repository share (IPVS_VM_9P_OPTS), e.g. cache=loose: the guest
   *  reads files only once (node loading dist/ took 26 s instead of 38 s in one trial). */
  ninePOpts?: string;
}

/** Boots the VM and runs `argv` (several words: exec'd as an argv; one word: a /bin/sh script). */
export function runInVm(argv: string[], opts: RunOptions = {}): Promise<VmResult> {
  const args = [join(REPO, 'scripts/vm/run.sh')];
  for (const s of opts.shares ?? []) args.push('-s', s);
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  for (const m of opts.modules ?? []) args.push('-m', m);
  args.push('-t', String(opts.timeoutS ?? 1200), REPO, ...argv);
  const t0 = Date.now();
  return new Promise((res, rej) => {
    const env = { ...process.env, IPVS_VM_TIMING: '1', ...(opts.memMiB ? { IPVS_VM_MEM: String(opts.memMiB) } : {}), ...(opts.ninePOpts ? { IPVS_VM_9P_OPTS: opts.ninePOpts } : {}) };
    const p = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b; if (opts.echo) process.stdout.write(b); });
    p.stderr.on('data', (b: Buffer) => { stderr += b; if (opts.echo) process.stderr.write(b); });
    p.on('error', rej);
    p.on('close', (code) => res({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/** The common first assertion of a VM test: the guest ran, exited 0, wrote its JSON and reported no errors. */
export function assertGuestRanClean(vm: VmResult | null, out: { errors: unknown[] } | null): void {
  assert.ok(vm, 'VM did not run');
  assert.equal(vm.code, 0, `VM exit ${vm.code}\n${vm.stderr.slice(-3000)}`);
  assert.ok(out, 'no output JSON');
  assert.deepEqual(out.errors, []);
}

export function cacheReady(): boolean { return existsSync(join(VM_CACHE, 'stamp')); }

/** The guest runs bin/keepalived from dist/ (tsx under TCG takes about a minute per process): it must be built. */
export function requireDist(newerThan = 'src/daemon/main.ts'): void {
  const main = join(REPO, 'dist/daemon/main.js');
  assert.ok(existsSync(main), 'dist/ is missing: run `flock /tmp/build.lock npm run build` first');
  if (statSync(main).mtimeMs < statSync(join(REPO, newerThan)).mtimeMs) console.log(`      warning: dist/ is older than ${newerThan} (rebuild?)`);
}
