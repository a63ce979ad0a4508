// PING_CHECK's echo request and reply judgement (check_ping.c facts: 8 + 128 bytes, the filler text,
// the sequence counter in host byte order), and its log lines in the checker state machine: no
// socket = a line and delay_loop with the state untouched; a bad reply = its line and a failure;
// log_all_failures lines (timeout names the address only, a failure names the VS).
import { strict as assert } from 'node:assert';
import { echoRequest, judgeReply } from '../../../src/check/probes/icmp.js';
import { fillPattern } from '../../../src/check/probes/pattern.js';
import { initialFsm, stepChecker as step, type FsmCtx } from '../../../src/check/core/checker-fsm.js';

const RS = '[10.0.0.2]:tcp:80', VS = '[10.0.0.1]:tcp:80';
const ctx = (logAll: boolean): FsmCtx => ({ type: 'PING_CHECK', rsText: RS, vsText: VS, retry: 1, delayLoopMs: 6000, delayBeforeRetryMs: 1000,
  logAll, urlPaths: [], fastRecovery: false, miscArg0: '', miscDynamic: false, rsWeight: 1, fileWeight: 0, fileReverse: false, rsEffWeight: 1 });

describe('check: PING_CHECK over an ICMP datagram socket', () => {
  it('echo request: type 8 (v4) / 128 (v6), 128 bytes of "keepalived check - ", seq little-endian', () => {
    const b = echoRequest(false, 0x0102);
    assert.equal(b.length, 136);
    assert.deepEqual([...b.subarray(0, 8)], [8, 0, 0, 0, 0, 0, 0x02, 0x01]);
    assert.equal(b.subarray(8, 27).toString('latin1'), 'keepalived check - ');
    assert.equal(b.subarray(8).toString('latin1'), 'keepalived check - '.repeat(7).slice(0, 128));
    assert.equal(echoRequest(true, 1)[0], 128);
    assert.equal(fillPattern(Buffer.alloc(32)).toString('latin1'), 'keepalived check - keepalived ch');
  });

  it('reply: echo reply is a success; short, wrong type, recv error give keepalived\'s lines', () => {
    const reply = Buffer.alloc(136); reply[0] = 0;
    assert.deepEqual(judgeReply(false, 136, reply), { ok: true });
    const r6 = Buffer.alloc(136); r6[0] = 129;
    assert.deepEqual(judgeReply(true, 136, r6), { ok: true });
    assert.deepEqual(judgeReply(false, 4, reply), { ok: false, why: 'failed', errLine: 'Error, got short ICMP packet, 4 bytes' });
    const other = Buffer.alloc(136); other[0] = 3;
    assert.deepEqual(judgeReply(false, 136, other), { ok: false, why: 'failed', errLine: 'Got ICMP packet with type 0x3' });
    assert.deepEqual(judgeReply(true, -11, other), { ok: false, why: 'failed', errLine: 'recv ICMPv6 packet error' });
  });

  it('no socket: its line, next check after delay_loop, nothing else changes', () => {
    const s = initialFsm(false);
    const st = step(s, ctx(false), { ok: false, why: 'error', errLine: 'ICMP connect fail to create socket. Rescheduling.' });
    assert.deepEqual(st.logs, ['ICMP connect fail to create socket. Rescheduling.']);
    assert.equal(st.delayMs, 6000);
    assert.equal(st.update, undefined);
    assert.deepEqual(s, initialFsm(false));
  });

  it('log_all_failures: "ICMP connection to address RS timeout." / "ICMP connection to RS of VS failed."', () => {
    const s = initialFsm(false);
    step(s, ctx(true), { ok: true });
    assert.deepEqual(step(s, ctx(true), { ok: false, why: 'timeout' }).logs, [`ICMP connection to address ${RS} timeout.`]);
    const t = initialFsm(false);
    step(t, ctx(true), { ok: true });
    assert.deepEqual(step(t, ctx(true), { ok: false, why: 'failed', errLine: 'Got ICMP packet with type 0x3' }).logs,
      ['Got ICMP packet with type 0x3', `ICMP connection to ${RS} of ${VS} failed.`]);
  });
});
