// On a kernel without IPVS (this CI host: CONFIG_IP_VS unset) openIpvs() must resolve the genl
// family for real, fail with ENOENT, log keepalived's line once and return null (monitoring mode).
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { openIpvs } from '../../../src/ipvs/index.js';
import { memoryLogger } from '../../../src/common/log.js';

describe('IPVS on a kernel without IPVS', () => {
  it("logs \"IPVS: Can't initialize ipvs: No such file or directory\" and returns null", async function () {
    if (existsSync('/proc/net/ip_vs')) { console.log('      this kernel has IPVS: nothing to check'); this.skip(); }
    const log = memoryLogger();
    const h = await openIpvs({ logger: log });
    assert.equal(h, null);
    assert.deepEqual(log.lines(), ['Initializing ipvs', "IPVS: Can't initialize ipvs: No such file or directory"]);
  });
});
