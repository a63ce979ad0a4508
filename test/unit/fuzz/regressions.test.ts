// Inputs that broke a decoder before it was fixed, kept as regression vectors: each threw, waited
// forever or handed on a wrong value in the code as it was (noted per case), and now ends in a
// counted rejection.
import assert from 'node:assert/strict';
import { malformedInput } from '../../../src/common/malformed.js';
import { parseService } from '../../../src/ipvs/codec.js';
import { encodeAttrs } from '../../../src/ipvs/attrs.js';
import { nla } from '../../../src/common/netlink.js';
import { CMD_ATTRS } from '../../../src/ipvs/constants.js';
import { genlTransportOver, replyResult } from '../../../src/ipvs/transport.js';
import { decodeChildToParent, decodeParentToChild } from '../../../src/daemon/ipc.js';
import { readFileSync } from 'node:fs';
import { decodeLinkAddr, Rtnl } from '../../../src/vrrp/io/rtnl.js';
import type { KernelEvent } from '../../../src/vrrp/kernel/port.js';
import { decodeRouteRuleMessage } from '../../../src/vrrp/io/nl-route.js';
import { HttpResponseReader } from '../../../src/check/probes/http-client.js';
import { FakeRawSocket, immediate, netlinkPkg, genlSocketOver, packageSocketOver, sleep } from '../../fuzz/netlink-fake.js';

/** A netlink message: header (type, flags, seq 1, port 4242) and payload. */
function nlmsg(type: number, flags: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(16 + payload.length);
  b.writeUInt32LE(b.length, 0); b.writeUInt16LE(type, 4); b.writeUInt16LE(flags, 6); b.writeUInt32LE(1, 8);
  b.writeUInt32LE(4242, 12);
  payload.copy(b, 16);
  return b;
}

describe('fuzz: regression vectors', () => {
  beforeEach(() => malformedInput.reset());
  after(() => malformedInput.reset());

  it('IPVS: an NLMSG_ERROR with a 2-byte body (was: RangeError thrown inside the socket\'s receive handler)', () => {
    assert.deepEqual(replyResult([{ type: 2, data: Buffer.from([0xfe, 0xff]) }]), { ok: false, errno: 'EIO', message: 'malformed netlink reply (error-length)' });
    assert.equal(malformedInput.snapshot()['ipvs:error-length'], 1);
  });

  it('IPVS: a 2-byte message answering no request (was: the package\'s genl parser threw from the socket\'s event: the checker process died)', () => {
    const raw = new FakeRawSocket();
    const plain = new netlinkPkg.GenericNetlinkSocket(packageSocketOver(raw));
    void plain;
    assert.throws(() => raw.deliver(nlmsg(0x20, 0, Buffer.from([1, 2]))), /Invalid header length/, 'the dependency itself throws');
    const raw2 = new FakeRawSocket();
    genlTransportOver(genlSocketOver(raw2), 3, { timeoutMs: 5 });
    raw2.deliver(nlmsg(0x20, 0, Buffer.from([1, 2])));
    assert.equal(malformedInput.snapshot()['ipvs:unexpected-message'], 1);
  });

  it('IPVS: a family lookup whose reply never comes or never matches (was: waited forever, no timeout)', async () => {
    const raw = new FakeRawSocket();
    const t = genlTransportOver(genlSocketOver(raw), 3, { timeoutMs: 5 });
    const p = t.resolveFamily('IPVS');
    await immediate();
    // another sequence number: no reply to this request
    raw.deliver(nlmsg(0x10, 0, Buffer.from([1, 2, 0, 0])).fill(9, 8, 12));
    await sleep(20);
    assert.deepEqual(await p, { ok: false, errno: 'ETIMEDOUT', message: 'Connection timed out' });
  });

  it('IPVS: a service with a family but no address (was: TypeError in bytesToIp)', () => {
    const payload = nla(CMD_ATTRS.service.id | 0x8000, encodeAttrs(CMD_ATTRS.service.nested!,
      { af: 2, protocol: 6, port: 80 }));
    assert.deepEqual(parseService(payload), { ok: false, reason: 'service-key' });
    assert.deepEqual(parseService(encodeAttrs(CMD_ATTRS, { service: { af: 7, fwmark: 1 } })), { ok: false, reason: 'service-family' });
  });

  it('rtnetlink: an IPv4 address of 8 bytes and an IPv6 one of 4 (was: handed on as a wrong address)', () => {
    const ifa = (family: number, addr: Buffer) => Buffer.concat([Buffer.from([family, 24, 0, 0, 2, 0, 0, 0]),
      nla(1, addr), nla(2, addr)]);
    assert.deepEqual(decodeLinkAddr(20, ifa(2, Buffer.alloc(8, 10))), { ok: false, reason: 'addr-length', detail: '8' });
    assert.deepEqual(decodeLinkAddr(20, ifa(10, Buffer.alloc(4, 10))), { ok: false, reason: 'addr-length', detail: '4' });
    const ok = decodeLinkAddr(20, ifa(2, Buffer.from([10, 0, 0, 1])));
    assert.ok(ok.ok && 'addr' in ok && ok.addr.address === '10.0.0.1');
  });

  it('rtnetlink: a route whose RTA_DST is shorter than its family (was: bytes beyond it read as zeros)', () => {
    const rtmsg = Buffer.from([10, 64, 0, 0, 254, 18, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(decodeRouteRuleMessage(nlmsg(24, 0, Buffer.concat([rtmsg, nla(1, Buffer.alloc(8, 0x20))]))), { malformed: 'address-length' });
  });

  it('rtnetlink: an address notification flagged multipart (was: held by the package for a DONE that never comes: the event lost)', () => {
    const f = JSON.parse(readFileSync(new URL('../../fuzz/fixtures/rtnl-replies.json', import.meta.url), 'utf8')) as { events: string[] };
    const d = Buffer.from(f.events.find((e) => Buffer.from(e, 'hex').readUInt16LE(4) === 20)!, 'hex');
    d.writeUInt16LE(d.readUInt16LE(6) | 2, 6); // NLM_F_MULTI
    let feed: (d: Buffer) => void = () => {};
    const rtnl = new Rtnl(() => new netlinkPkg.RtNetlinkSocket(packageSocketOver(new FakeRawSocket())), undefined,
      (_g, onDatagram) => { feed = onDatagram; return { close: () => {}, setRcvBuf: () => undefined }; });
    const events: KernelEvent[] = [];
    rtnl.monitor((e) => events.push(e));
    feed(d);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.kind, 'addrAdded');
    feed(Buffer.alloc(0));
    assert.equal(malformedInput.snapshot()['rtnetlink:framing'], 1, 'an empty datagram is noted');
    rtnl.close();
  });

  it('IPC: a child\'s "stopped" without its usage (was: TypeError in the parent\'s message handler)', () => {
    assert.deepEqual(decodeChildToParent({ type: 'stopped' }), { ok: false, reason: 'stopped-usage' });
    assert.deepEqual(decodeChildToParent({ type: 'stopped', usage: { user: 1, system: 2 } }), { ok: true, msg: { type: 'stopped', usage: { user: 1, system: 2 } } });
    assert.deepEqual(decodeParentToChild({ type: 'reload', config: { global: null } }), { ok: false, reason: 'config-global' });
    assert.deepEqual(decodeParentToChild({ type: 'dump', kind: 'everything' }), { ok: false, reason: 'dump-kind' });
    const config = { global: {}, files: ['k.conf'], vrrpScripts: [], trackFiles: [], trackProcesses: [], vrrpInstances: [], vrrpSyncGroups: [], virtualServerGroups: [], virtualServers: [], staticIpaddress: [], staticRoutes: [], staticRules: [], extra: [] };
    assert.equal(decodeParentToChild({ type: 'reload', config, configLines: ['SECURITY VIOLATION - ...'] }).ok, true);
    assert.deepEqual(decodeParentToChild({ type: 'reload', config, configLines: [1] }), { ok: false, reason: 'reload-config-lines' });
  });

  it('HTTP: an endless body is hashed, not kept (was: every byte kept until the check ended)', () => {
    const r = new HttpResponseReader(1024);
    r.feed(Buffer.from('HTTP/1.0 200 OK\r\n\r\n'));
    for (let i = 0; i < 1000; i++) r.feed(Buffer.alloc(65536, 0x78));
    const e = r.end();
    assert.ok(!('failed' in e));
    assert.equal(e.raw.length, 1024);
    assert.equal(e.bodyBytes, 65536 * 1000);
    assert.equal(e.truncated, true);
  });
});
