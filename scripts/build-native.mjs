// Builds the project's N-API addon (native/) with node-gyp when native/binding.gyp exists.
// Headers come from the system Node (npm_config_nodedir=/usr; see README), never from the network.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = path.join(root, 'native');
if (!existsSync(path.join(dir, 'binding.gyp'))) {
  console.log('build-native: no native/binding.gyp, nothing to build');
  process.exit(0);
}
const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || '/usr' };
const gyp = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = existsSync(gyp) ? [gyp, 'rebuild', '--nodedir', env.npm_config_nodedir] : null;
const r = args
  ? spawnSync(process.execPath, args, { cwd: dir, env, stdio: 'inherit' })
  : spawnSync('npx', ['--yes', 'node-gyp', 'rebuild', '--nodedir', env.npm_config_nodedir], { cwd: dir, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
