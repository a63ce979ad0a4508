// The process-event connector's bytes: the listen request as 2.2.7 sends it (40 bytes: netlink
// header, cn_msg, the operation), and datagrams recorded from the kernel here
// (data/connector-datagrams.json, see capture-connector.ts): ack, fork, exec, comm change, exit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeProcEvent, listenRequest, SeqTracker } from '../../../../src/vrrp/process-track/connector-codec.js';

const rec = JSON.parse(readFileSync(new URL('./data/connector-datagrams.json', import.meta.url), 'utf8')) as { pid: number; datagrams: { hex: string; n: number }[] };

describe('vrrp/process-track: connector codec', () => {
  it('builds the listen / ignore request keepalived sends', () => {
    const b = listenRequest(true, 0x1234);
    assert.equal(b.toString('hex'), '28000000' + '0300' + '0000' + '00000000' + '34120000' + '01000000' + '01000000' + '00000000' + '00000000' + '0400' + '0000' + '01000000');
    assert.equal(listenRequest(false, 1).readUInt32LE(36), 2);
  });

  it('decodes the recorded datagrams of one shell: fork, exec, comm change, exec, exit', () => {
    const evs = rec.datagrams.map((g) => decodeProcEvent(Buffer.from(g.hex, 'hex'), g.n, 1024));
    const p = rec.pid;
    const kinds = evs.map((e) => (typeof e === 'object' ? e.kind : e));
    assert.deepEqual(kinds, ['ack', 'fork', 'exec', 'comm', 'exec', 'exit']);
    const [, fork, exec, comm, , exit] = evs as Exclude<(typeof evs)[number], 'short' | undefined>[];
    assert.ok(fork!.kind === 'fork' && fork.childPid === p && fork.childTgid === p && fork.parentTgid !== p);
    assert.ok(exec!.kind === 'exec' && exec.pid === p && exec.tgid === p);
    assert.ok(comm!.kind === 'comm' && comm.comm.toString() === 'renamed' && comm.tgid === p);
    assert.ok(exit!.kind === 'exit' && exit.pid === p);
  });

  it('skips what keepalived skips: a cpu beyond the known ones, an ack flag on an event; a bad length is "short"', () => {
    const fork = Buffer.from(rec.datagrams[1]!.hex, 'hex');
    const cpu = fork.readUInt32LE(40);
    assert.equal(decodeProcEvent(fork, fork.length, cpu), undefined);
    const acked = Buffer.from(fork); acked.writeUInt32LE(1, 28);
    assert.equal(decodeProcEvent(acked, acked.length, 1024), undefined);
    const bad = Buffer.from(fork); bad.writeUInt32LE(500, 0);
    assert.equal(decodeProcEvent(bad, bad.length, 1024), 'short');
    const noop = Buffer.from(fork); noop.writeUInt16LE(1, 4);
    assert.equal(decodeProcEvent(noop, noop.length, 1024), undefined);
  });

  it('counts missed events per CPU from the sequence numbers', () => {
    const s = new SeqTracker(2);
    assert.equal(s.see(0, 10), 0);
    assert.equal(s.see(0, 11), 0);
    assert.equal(s.see(1, 500), 0);
    assert.equal(s.see(0, 15), 3);
    assert.equal(s.see(0, 0xffffffff), 0xffffffff - 15 - 1);
    assert.equal(s.see(0, 0), 0);
    s.reset();
    assert.equal(s.see(0, 99), 0);
  });
});
