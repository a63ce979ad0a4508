// The engine with its real probes and real timers on loopback (no root): misc_dynamic weights from
// a real script's exit status reach the desired IPVS state; a reload keeps a down server down
// (no re-add before its checker says so); stop clears the table.
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCheckers } from '../../../src/check/index.js';
import { memoryLogger } from '../../../src/common/log.js';
import { RecordingSink, mkConfig, mkRs, mkVs } from './fixtures.js';
import { waitFor } from '../../helpers/netns.js';

describe('check: engine with real probes on loopback', function () {
  this.timeout(20000);

  it('misc_dynamic: exit status - 2 becomes the IPVS weight', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kc-misc-'));
    const script = path.join(dir, 'w.sh');
    writeFileSync(script, `#!/bin/sh\nexit $(cat ${dir}/code)\n`);
    chmodSync(script, 0o755);
    writeFileSync(`${dir}/code`, '12');
    const sink = new RecordingSink();
    const logger = memoryLogger(0);
    const vs = mkVs('10.0.0.100', 80, [mkRs('127.0.0.1', 80, [{ type: 'MISC_CHECK', miscPath: { argv: [script], raw: script }, miscDynamic: true }], { weight: 1 })],
      { delayLoop: 0.2, lbKind: 'NAT' });
    const h = await startCheckers(mkConfig([vs]), { logger, lvs: sink, bootstrapDelayMs: 0 });
    await waitFor(() => sink.dests()[0] === '127.0.0.1:80/10', 5000);
    writeFileSync(`${dir}/code`, '1');
    await waitFor(() => sink.dests().length === 0, 5000);
    writeFileSync(`${dir}/code`, '4');
    await waitFor(() => sink.dests()[0] === '127.0.0.1:80/2', 5000);
    await h.stop();
    const rs = '[127.0.0.1]:tcp:80', v = '[10.0.0.100]:tcp:80';
    const lines = logger.lines();
    for (const l of [`Changing weight from 1 to 10 for active service ${rs} of VS ${v}`,
      `Misc check for [${rs} VS ${v}] by [${script}] failed with retry disabled (exited with status 1).`, `Removing service ${rs} from VS ${v}`,
      `Misc check for [${rs} VS ${v}] by [${script}] succeeded.`, `Adding service ${rs} to VS ${v}`]) assert.ok(lines.includes(l), `missing: ${l}\n${lines.join('\n')}`);
    assert.deepEqual(sink.last(), { services: [], groups: {} });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reload keeps a failed real server out until its check passes again', async () => {
    const srv = net.createServer((c) => c.end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    srv.close();
    const sink = new RecordingSink();
    const logger = memoryLogger(0);
    const cfg = (delay: number) => mkConfig([mkVs('10.0.0.100', port, [
      mkRs('127.0.0.1', port, [{ type: 'TCP_CHECK', retry: 0, connectTimeout: 1 }]),
      mkRs('127.0.0.2', port, [{ type: 'TCP_CHECK', retry: 0, connectTimeout: 1 }]),
    ], { delayLoop: delay, lbKind: 'NAT' })]);
    const h = await startCheckers(cfg(0.2), { logger, lvs: sink, bootstrapDelayMs: 0 });
    await waitFor(() => sink.dests().length === 0, 5000);
    await h.reload(cfg(0.2));
    assert.deepEqual(sink.dests(), []);
    const back = net.createServer((c) => c.end());
    await new Promise<void>((r) => back.listen(port, '127.0.0.1', () => r()));
    await waitFor(() => sink.dests().length === 1, 5000);
    assert.deepEqual(sink.dests(), [`127.0.0.1:${port}/1`]);
    await h.stop();
    back.close();
    assert.ok(logger.lines().includes(`Adding service [127.0.0.1]:tcp:${port} to VS [10.0.0.100]:tcp:${port}`));
  });
});
