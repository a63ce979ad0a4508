// The migration output is accepted by the real keepalived 2.2.7 (`keepalived -t`, exit 0) for
// every case (malformed ones converted as far as they go) and every config id, inside a namespace that has the
// interfaces the converted configs name (eth0, eth1). The namespace (kmig-<pid>) and the files are this run's own,
// so two runs at once do not clash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrate, formatReport } from '../../../src/migrate/index.js';
import { runConfigTest } from '../../../src/config/load.js';
import { isRoot, OwnedNetns, sh } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';
import { CASES, CORPUS } from '../../unit/migrate/cases.js';

const netns = new OwnedNetns('kmig');
const NS = netns.name;

/** This run's namespace with the interfaces the converted configs name (eth0, eth1). */
function nsUp(): void {
  netns.make();
  for (const i of ['eth0', 'eth1']) sh('ip', ['-n', NS, 'link', 'add', i, 'type', 'veth', 'peer', 'name', `${i}p`]);
}

describe('migrate: real keepalived -t and our -t accept every converted configuration', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (!isRoot()) this.skip();
    dir = makeTempDir('migrate-ka');
    nsUp();
  });
  after(() => {
    netns.remove();
    removeTempDir(dir);
  });

  // the malformed cases too: what could be converted (their problems reported) must be a valid file
  for (const c of CASES) {
    it(c.name, () => {
      const r = migrate(c.from, path.join(CORPUS, c.input), c.opts);
      if (!c.errors) assert.deepEqual(r.errors, [], formatReport(r));
      else assert.ok(r.errors.length > 0 && r.errors.every((e) => e.assumed && !e.fatal), formatReport(r));
      const file = path.join(dir, `${c.input.replace(/\W/g, '_')}.conf`);
      writeFileSync(file, r.config);
      for (const id of c.configIds ?? ['anyhost']) {
        const ka = spawnSync('ip', ['netns', 'exec', NS, 'keepalived', '-t', '-i', id, '-f', file], { encoding: 'utf8' });
        assert.equal(ka.status, 0, `keepalived -t -i ${id} exited ${ka.status}:\n${ka.stderr}\n${r.config}`);
        const ours = runConfigTest(file, { configId: id, interfaces: new Set(['lo', 'eth0', 'eth1']) });
        assert.equal(ours.exitCode, 0, `our -t -i ${id} exited ${ours.exitCode}:\n${ours.stderrLines.join('\n')}`);
      }
    });
  }
});

describe('migrate: through the keepalived command line', function () {
  this.timeout(60000);
  it('`keepalived migrate -o FILE` writes a config that `keepalived -t` (ours and the real one) accepts', function () {
    if (!isRoot()) this.skip();
    const dir = makeTempDir('migrate-cli');
    const bin = path.resolve('bin/keepalived');
    const out = path.join(dir, 'keepalived.conf');
    try {
      nsUp();
      const m = spawnSync(bin, ['migrate', '--from', 'heartbeat', path.join(CORPUS, 'seed-000'), '-o', out], { encoding: 'utf8' });
      assert.equal(m.status, 0, m.stderr);
      assert.match(m.stderr, /ha\.cf:4: keepalive 2 -> advert_int 2/);
      for (const cmd of [[bin], ['keepalived']]) {
        const t = spawnSync('ip', ['netns', 'exec', NS, ...cmd, '-t', '-i', 'station3', '-f', out], { encoding: 'utf8' });
        assert.equal(t.status, 0, `${cmd[0]} -t: ${t.stderr}`);
      }
    } finally {
      netns.remove();
      removeTempDir(dir);
    }
  });
});
