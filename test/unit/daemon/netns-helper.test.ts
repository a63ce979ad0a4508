// test/helpers/netns.ts naming: names carry the owning pid, and the stale-namespace cleanup picks
// only this process's namespaces, those of dead runs and pre-pid leftovers, never a live run's.
import assert from 'node:assert/strict';
import { deletableNamespaces, NetnsLab, ownedNs } from '../../helpers/netns.js';

describe('test helper: netns names', () => {
  const me = process.pid;
  const live = 4_000_001;
  const dead = 4_000_002;
  const alive = (pid: number) => pid === me || pid === live;

  it('names namespaces prefix-pid[-part]', () => {
    assert.equal(ownedNs('kd-real'), `kd-real-${me}`);
    assert.equal(ownedNs('ke2', 'sw'), `ke2-${me}-sw`);
    const lab = new NetnsLab('ke2s');
    assert.equal(lab.id, `ke2s-${me}`);
    assert.equal(lab.sw, `ke2s-${me}-sw`);
    assert.throws(() => new NetnsLab('toolong'));
  });

  const table: [string, boolean, string][] = [
    [`ke2-${me}-sw`, true, 'this process'],
    [`ke2-${me}`, true, 'this process, standalone'],
    [`ke2-${dead}-d1`, true, 'a dead run'],
    [`ke2-${live}-d1`, false, 'another live run'],
    [`ke2-${live}`, false, 'another live run, standalone'],
    ['ke2-ours', true, 'made before names carried a pid'],
    ['ke2', true, 'the bare prefix (old standalone name)'],
    [`ke2s-${dead}-d1`, false, 'another prefix that starts the same'],
    [`xke2-${dead}`, false, 'another prefix'],
  ];
  for (const [name, want, why] of table) {
    it(`${name}: ${want ? 'deleted' : 'kept'} (${why})`, () => {
      assert.deepEqual(deletableNamespaces('ke2', [name], alive), want ? [name] : []);
    });
  }
});
