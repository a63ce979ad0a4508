// Monitoring mode: startCheckers without an injected sink opens IPVS through src/ipvs; on a kernel
// without IPVS that logs keepalived's line once and the checkers go on checking and logging.
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { startCheckers } from '../../../src/check/index.js';
import { memoryLogger } from '../../../src/common/log.js';
import { mkConfig, mkRs, mkVs } from './fixtures.js';
import { waitFor } from '../../helpers/netns.js';

describe('check: monitoring mode (no IPVS in the kernel)', function () {
  this.timeout(20000);
  it('says so once, keeps checking and logging', async function () {
    if (existsSync('/proc/net/ip_vs')) this.skip(); // this kernel has IPVS: nothing to show here
    const srv = net.createServer((c) => c.end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const logger = memoryLogger(0);
    const cfg = mkConfig([mkVs('10.9.9.9', 80, [mkRs('127.0.0.1', port, [{ type: 'TCP_CHECK', retry: 0 }])], { delayLoop: 0.3, lbKind: 'NAT' })]);
    const h = await startCheckers(cfg, { logger, bootstrapDelayMs: 0 });
    const rs = `[127.0.0.1]:tcp:${port}`;
    await waitFor(() => logger.lines().includes(`TCP connection to ${rs} success.`), 10000);
    srv.close();
    await waitFor(() => logger.lines().includes(`TCP_CHECK on service ${rs} failed.`), 10000);
    await h.stop();
    const lines = logger.lines();
    assert.deepEqual(lines.filter((l) => l.startsWith('IPVS:')), ["IPVS: Can't initialize ipvs: No such file or directory"]);
    for (const l of [`TCP connection to ${rs} success.`, `TCP_CHECK on service ${rs} failed.`, `Removing service ${rs} from VS [10.9.9.9]:tcp:80`,
      `Shutting down service ${rs} from VS [10.9.9.9]:tcp:80`]) assert.ok(lines.includes(l), `missing ${l}\n${lines.join('\n')}`);
  });
});
