// lvs_timeouts as keepalived 2.2.7 sets them (libipvs ipvs_set_timeout, check_daemon.c start_check,
// ipvs_stop), replaying the sequence recorded in the qemu guest (test/vm/checkers14/keepalived-2.2.7.txt,
// `ipvsadm -L --timeout`): kernel 900 120 300; start with tcp 1000 udp 500 -> 1000 120 500; reload
// with tcp 2000 only -> 2000 120 300; reload without lvs_timeouts -> 900 120 300; reload with udp 77
// -> 900 120 77; stop -> 900 120 300.
import { strict as assert } from 'node:assert';
import { LvsTimeouts, timeoutsToSend, type TimeoutsClient } from '../../../src/ipvs/globals.js';
import type { IpvsTimeouts } from '../../../src/ipvs/types.js';
import { memoryLogger } from '../../../src/common/log.js';

function fakeKernel(start: IpvsTimeouts) {
  const k: { t: IpvsTimeouts; gets: number; client: TimeoutsClient } = {
    t: { ...start },
    gets: 0,
    client: {
      getTimeouts: async () => { k.gets++; return { ok: true as const, value: { ...k.t } }; },
      // the kernel leaves a 0 value unchanged
      setTimeouts: async (v: Partial<IpvsTimeouts>) => {
        for (const key of ['tcp', 'tcpfin', 'udp'] as const) if (v[key]) k.t[key] = v[key]!;
        return { ok: true as const, value: undefined };
      },
    },
  };
  return k;
}

describe('ipvs: lvs_timeouts at start, reload and stop (2.2.7)', () => {
  it('replays the recorded sequence', async () => {
    const k = fakeKernel({ tcp: 900, tcpfin: 120, udp: 300 });
    const t = new LvsTimeouts(k.client, memoryLogger());
    await t.apply({ tcp: 1000, udp: 500 }, false);
    assert.deepEqual(k.t, { tcp: 1000, tcpfin: 120, udp: 500 });
    await t.apply({ tcp: 2000 }, true);
    assert.deepEqual(k.t, { tcp: 2000, tcpfin: 120, udp: 300 });
    await t.apply(undefined, true);
    assert.deepEqual(k.t, { tcp: 900, tcpfin: 120, udp: 300 });
    await t.apply({ udp: 77 }, true);
    assert.deepEqual(k.t, { tcp: 900, tcpfin: 120, udp: 77 });
    await t.restore();
    assert.deepEqual(k.t, { tcp: 900, tcpfin: 120, udp: 300 });
    assert.equal(k.gets, 1, 'the kernel values are read once, before the first change');
  });

  it('never configured: nothing is read or written, at reload or stop', async () => {
    const k = fakeKernel({ tcp: 900, tcpfin: 120, udp: 300 });
    const t = new LvsTimeouts(k.client, memoryLogger());
    await t.apply(undefined, false);
    await t.apply(undefined, true);
    await t.restore();
    assert.equal(k.gets, 0);
    assert.equal(timeoutsToSend(undefined, null), null);
  });

  it('a refused set logs 2.2.7\'s line', async () => {
    const log = memoryLogger();
    const client: TimeoutsClient = {
      getTimeouts: async () => ({ ok: true, value: { tcp: 1, tcpfin: 1, udp: 1 } }),
      setTimeouts: async () => ({ ok: false, errno: 'EPERM', message: 'x' }),
    };
    await new LvsTimeouts(client, log).apply({ tcp: 5 }, false);
    assert.deepEqual(log.lines().map((l) => l.replace(/^.*?: /, '')).filter((l) => l.includes('timeouts')), ['Failed to set ipvs timeouts']);
  });
});
