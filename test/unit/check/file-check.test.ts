// FILE_CHECK as keepalived 2.2.7 runs it (check_file.c, trackers/track_file.c): the file is read
// with strtol(..., 0); at start a non-zero value puts a weight-0 checker down and adds value x weight
// to the real server's weight otherwise; later changes are acted upon at once (2.2.7: inotify;
// here: the probe waits on fs.watch) with no delay_loop (the virtual server's is 60 s here);
// weight 0: non-zero = down; a weight from FILE_CHECK wins over the track_file block's.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCheckers } from '../../../src/check/index.js';
import { fileAtStart, fileStatus, FILE_FAULT } from '../../../src/check/core/checker-fsm.js';
import { judgeTrackText, strtol0 } from '../../../src/check/probes/file.js';
import { memoryLogger } from '../../../src/common/log.js';
import { parseConfigText } from '../../../src/config/load.js';
import { RecordingSink, mkConfig, mkRs, mkVs } from './fixtures.js';
import { waitFor } from '../../helpers/netns.js';

describe('check: FILE_CHECK', function () {
  this.timeout(20000);

  it('the value as strtol(..., 0) reads it; out of range is logged and ignored', () => {
    assert.equal(strtol0('  42\n').value, 42n);
    assert.equal(strtol0('0x1f').value, 31n);
    assert.equal(strtol0('010').value, 8n);
    assert.equal(strtol0('-7abc').value, -7n);
    assert.equal(strtol0('abc').value, 0n);
    assert.deepEqual(judgeTrackText(null, '/f'), { value: 0 });
    assert.deepEqual(judgeTrackText('', '/f'), { value: 0 });
    assert.deepEqual(judgeTrackText('2147483648', '/f'), { value: 2147483648 });
    assert.deepEqual(judgeTrackText('9999999999', '/f'), { line: 'Invalid number 9999999999 read from /f - ignoring' });
  });

  it('status and start rules (weight 0 = FAULT on non-zero; reverse at start as 2.2.7)', () => {
    assert.equal(fileStatus(1, 0, false), FILE_FAULT);
    assert.equal(fileStatus(0, 0, false), 0);
    assert.equal(fileStatus(0, 0, true), FILE_FAULT);
    assert.equal(fileStatus(3, -10, true), 30);
    assert.equal(fileStatus(-3, 1000000000, false), FILE_FAULT);
    assert.deepEqual(fileAtStart(0, 0, true), { up: true, curWeight: 0 }, '2.2.7 starts a reversed weight-0 checker up on 0');
    assert.deepEqual(fileAtStart(5, 0, false), { up: false, curWeight: 0 });
    assert.deepEqual(fileAtStart(5, 2, false), { up: true, curWeight: 10 });
  });

  it('parser: weight range and options, track_file must exist, FILE_CHECK without it is dropped', () => {
    const conf = (ck: string): ReturnType<typeof parseConfigText> => parseConfigText(`track_file tf {
  file /tmp/x
  weight 3 reverse
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  lb_algo rr
  lb_kind DR
  real_server 10.0.0.2 80 {
    FILE_CHECK {
${ck}
    }
  }
}
`, 'f.conf', { configId: 'x', skipScriptSecurity: true });
    const errs = (r: ReturnType<typeof parseConfigText>) => r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
    const ck = (r: ReturnType<typeof parseConfigText>) => r.config.virtualServers[0]!.realServers[0]!.checkers[0];
    assert.deepEqual(ck(conf('track_file tf\nweight -100000 noreverse')), { type: 'FILE_CHECK', trackFile: 'tf', weight: -100000, reverse: false, pos: ck(conf('track_file tf\nweight -100000 noreverse'))!.pos });
    assert.equal((ck(conf('track_file tf')) as { weight?: number }).weight, undefined);
    assert.deepEqual(errs(conf('track_file tf\nweight 1 sideways')), ['unknown track file weight option sideways - ignoring']);
    assert.deepEqual(errs(conf('track_file nope')), ['track_file nope not found', 'FILE_CHECK has no track_file specified - ignoring']);
    assert.equal(ck(conf('track_file nope')), undefined);
  });

  it('engine: start value, immediate reaction to writes, weight and FAULT', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kc-file-'));
    const f = path.join(dir, 'state');
    writeFileSync(f, '3\n');
    const sink = new RecordingSink();
    const logger = memoryLogger(0);
    const cfg = mkConfig([mkVs('10.0.0.100', 80, [
      mkRs('10.0.0.2', 80, [{ type: 'FILE_CHECK', trackFile: 'w', reverse: false }], { weight: 10 }),
      mkRs('10.0.0.3', 80, [{ type: 'FILE_CHECK', trackFile: 'w', weight: 0, reverse: false }], { weight: 10 }),
    ], { delayLoop: 60, lbKind: 'NAT' })]);
    cfg.trackFiles = [{ name: 'w', file: f, weight: 2, reverse: false }];
    const h = await startCheckers(cfg, { logger, lvs: sink, bootstrapDelayMs: 0 });
    // start: 10 + 3 x 2 for the track_file's weight 2; weight 0 with a non-zero value: not in the pool
    await waitFor(() => sink.dests().join() === '10.0.0.2:80/16', 5000);
    const t0 = Date.now();
    writeFileSync(`${f}.tmp`, '-1\n'); renameSync(`${f}.tmp`, f);
    await waitFor(() => sink.dests().join() === '10.0.0.2:80/8', 5000);
    writeFileSync(f, '0');
    await waitFor(() => sink.dests().join() === '10.0.0.2:80/10,10.0.0.3:80/10', 5000);
    const ms = Date.now() - t0;
    assert.ok(ms < 2500, `changes took ${ms} ms (delay_loop is 60 s)`);
    writeFileSync(f, '0x10000000');
    await waitFor(() => sink.dests().join() === '10.0.0.2:80/536870922', 5000);
    await h.stop();
    const rs = (n: number) => `[10.0.0.${n}]:tcp:80`, v = '[10.0.0.100]:tcp:80';
    const lines = logger.lines();
    for (const l of [`Changing weight from 16 to 8 for active service ${rs(2)} of VS ${v}`, `Changing weight from 8 to 10 for active service ${rs(2)} of VS ${v}`,
      `Adding service ${rs(3)} to VS ${v}`]) assert.ok(lines.includes(l), `missing: ${l}\n${lines.join('\n')}`);
    rmSync(dir, { recursive: true, force: true });
  });
});
