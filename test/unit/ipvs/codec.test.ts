// Encode/decode of IPVS attributes against byte vectors ipvsadm 1.31 sent to a real kernel 6.1
// (captured with strace in the scripts/vm guest: ipvsadm-vectors.txt), plus hand-built replies
// laid out from linux/ip_vs.h for what ipvsadm never sends (stats, daemons, info).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { msg, parseDaemons, parseDest, parseInfo, parseService, parseTimeouts } from '../../../src/ipvs/codec.js';
import { decodeAttrs, encodeAttrs } from '../../../src/ipvs/attrs.js';
import { nla, splitAttrs } from '../../../src/common/netlink.js';
import { CMD_ATTRS, DEST_ATTRS, SVC_ATTRS, IPVS_CMD } from '../../../src/ipvs/constants.js';
import type { IpvsDest, IpvsService } from '../../../src/ipvs/types.js';

const vectors = new Map<string, Buffer>();
{
  const lines = readFileSync(fileURLToPath(new URL('./ipvsadm-vectors.txt', import.meta.url)), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('> ')) vectors.set(lines[i].slice(2).replace(/ 2>&1$/, ''), Buffer.from(lines[i + 1], 'hex'));
  }
}
function vec(cmd: string): { cmd: number; attrs: Buffer } {
  const b = vectors.get(cmd);
  assert.ok(b, `vector for ${cmd}`);
  return { cmd: b[0], attrs: b.subarray(4) };
}
const nested = (attrs: Buffer, id: number) => splitAttrs(attrs).get(id)!;

const tcp80: IpvsService = { af: 2, protocol: 6, addr: '10.0.0.1', port: 80, fwmark: 0, sched: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff };
const udp6: IpvsService = { af: 10, protocol: 17, addr: '2001:db8::1', port: 53, fwmark: 0, sched: 'sh', flags: 0x19, timeout: 300, netmask: 64 };
const fwm7: IpvsService = { af: 2, protocol: 0, addr: '', port: 0, fwmark: 7, sched: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff };
const masq: IpvsDest = { af: 2, addr: '10.0.0.2', port: 8080, fwd: 0, weight: 5, uThresh: 100, lThresh: 10 };
const gue: IpvsDest = { af: 2, addr: '10.0.0.3', port: 0, fwd: 2, weight: 2, uThresh: 0, lThresh: 0, tunType: 1, tunPort: 6080, tunFlags: 0 };

/** Every attribute we send equals ipvsadm's byte for byte; ipvsadm's extras are listed. */
function assertSubset(ours: Buffer, theirs: Buffer, extrasAllowed: number[]) {
  const a = splitAttrs(ours), b = splitAttrs(theirs);
  for (const [id, p] of a) assert.deepEqual(p.toString('hex'), b.get(id)?.toString('hex'), `attr ${id}`);
  for (const id of b.keys()) if (!a.has(id)) assert.ok(extrasAllowed.includes(id), `ipvsadm sends attr ${id} we do not`);
}

describe('ipvs codec: byte vectors from ipvsadm (strace in the VM)', () => {
  const services: [string, IpvsService][] = [
    ['ipvsadm -A -t 10.0.0.1:80 -s rr', tcp80],
    ['ipvsadm -A -u [2001:db8::1]:53 -s sh -b sh-port,sh-fallback -p 300 -M 64', udp6],
    ['ipvsadm -A -f 7 -s wlc', fwm7],
  ];
  for (const [cmd, svc] of services) {
    it(`NEW_SERVICE is byte-identical: ${cmd}`, () => {
      const v = vec(cmd);
      assert.equal(v.cmd, IPVS_CMD.NEW_SERVICE);
      assert.equal(msg.newService(svc).toString('hex'), v.attrs.toString('hex'));
    });
    it(`NEW_SERVICE decodes back: ${cmd}`, () => {
      assert.deepEqual(parseService(vec(cmd).attrs), { ok: true, value: svc });
    });
  }

  it('NEW_DEST (NAT, weight, thresholds): dest attributes equal ipvsadm\'s; service key a subset', () => {
    const v = vec('ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 5 -x 100 -y 10');
    assert.equal(v.cmd, IPVS_CMD.NEW_DEST);
    const ours = msg.newDest(tcp80, masq);
    assertSubset(nested(ours, 2), nested(v.attrs, 2), [13, 14, 15]); // ipvsadm always sends zero tunnel attrs
    assertSubset(nested(ours, 1), nested(v.attrs, 1), [6, 7, 8, 9]);  // and a full service entry
    assert.deepEqual(parseDest(v.attrs, 2), { ok: true, value: masq });
  });

  it('NEW_DEST (TUN gue port 6080 nocsum, fwmark service) nested dest is byte-identical', () => {
    const v = vec('ipvsadm -a -f 7 -r 10.0.0.3 -i --tun-type gue --tun-port 6080 --tun-nocsum -w 2');
    const ours = msg.newDest(fwm7, gue);
    assert.equal(nested(ours, 2).toString('hex'), nested(v.attrs, 2).toString('hex'));
    assertSubset(nested(ours, 1), nested(v.attrs, 1), [6, 7, 8, 9]);
    assert.deepEqual(parseDest(v.attrs, 2), { ok: true, value: gue });
  });

  it('SET_DEST (weight 0) and DEL_DEST', () => {
    const e = vec('ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 0');
    assert.equal(e.cmd, IPVS_CMD.SET_DEST);
    assertSubset(nested(msg.setDest(tcp80, { ...masq, weight: 0, uThresh: 0, lThresh: 0 }), 2),
      nested(e.attrs, 2), [13, 14, 15]);
    const d = vec('ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.2:8080');
    assert.equal(d.cmd, IPVS_CMD.DEL_DEST);
    assertSubset(nested(msg.delDest(tcp80, masq), 2), nested(d.attrs, 2), [3, 4, 5, 6, 13, 14, 15]);
  });

  it('DEL_SERVICE sends the service key', () => {
    const d = vec('ipvsadm -D -t 10.0.0.1:80');
    assert.equal(d.cmd, IPVS_CMD.DEL_SERVICE);
    assertSubset(nested(msg.delService(tcp80), 1), nested(d.attrs, 1), [6, 7, 8, 9]);
  });

  it('SET_CONFIG timeouts and FLUSH are byte-identical', () => {
    const t = vec('ipvsadm --set 900 120 300');
    assert.equal(t.cmd, IPVS_CMD.SET_CONFIG);
    assert.equal(msg.setTimeouts({ tcp: 900, tcpfin: 120, udp: 300 }).toString('hex'), t.attrs.toString('hex'));
    assert.deepEqual(parseTimeouts(t.attrs), { tcp: 900, tcpfin: 120, udp: 300 });
    const f = vec('ipvsadm -C');
    assert.equal(f.cmd, IPVS_CMD.FLUSH);
    assert.equal(msg.empty().length, f.attrs.length);
  });
});

describe('ipvs codec: hand-built layouts from linux/ip_vs.h', () => {
  it('nla pads to 4 bytes and the nested flag is set on nests', () => {
    assert.equal(nla(6, Buffer.from('rr\0')).toString('hex'), '0700060072720000');
    const b = encodeAttrs(CMD_ATTRS, { service: { af: 2 } });
    assert.equal(b.toString('hex'), '0c000180' + '0600010002000000');
  });

  it('a dumped service with stats and stats64 decodes (stats ignored by the model)', () => {
    const stats = Buffer.concat([nla(1, Buffer.from('05000000', 'hex')), nla(4, Buffer.from('0001000000000000', 'hex'))]);
    const svc = Buffer.concat([
      nla(1, Buffer.from('0200', 'hex')), nla(2, Buffer.from('0600', 'hex')),
      nla(3, Buffer.from('c0a80001000000000000000000000000', 'hex')), nla(4, Buffer.from('1f90', 'hex')),
      nla(6, Buffer.from('wlc\0')), nla(7, Buffer.from('0300000000000000', 'hex')) /* PERSISTENT|HASHED */,
      nla(8, Buffer.from('2c010000', 'hex')), nla(9, Buffer.from('ffffff00', 'hex')),
      nla(10 | 0x8000, stats), nla(11, Buffer.from('sip\0')),
    ]);
    const payload = nla(1 | 0x8000, svc);
    assert.deepEqual(parseService(payload), { ok: true, value: {
      af: 2, protocol: 6, addr: '192.168.0.1', port: 8080, fwmark: 0, sched: 'wlc', flags: 1, timeout: 300,
      netmask: 0x00ffffff, peName: 'sip',
    } });
    const raw = decodeAttrs(SVC_ATTRS, svc);
    assert.deepEqual(raw.stats, { conns: 5, inbytes: 256n });
  });

  it('a dumped IPv6 destination with connection counters', () => {
    const d = Buffer.concat([
      nla(1, Buffer.from('20010db8000000000000000000000010', 'hex')), nla(2, Buffer.from('0050', 'hex')),
      nla(3, Buffer.from('03000000', 'hex')), nla(4, Buffer.from('07000000', 'hex')),
      nla(5, Buffer.from('00000000', 'hex')), nla(6, Buffer.from('00000000', 'hex')),
      nla(7, Buffer.from('02000000', 'hex')), nla(11, Buffer.from('0a00', 'hex')),
    ]);
    assert.deepEqual(parseDest(nla(2 | 0x8000, d), 10), { ok: true, value: { af: 10, addr: '2001:db8::10', port: 80, fwd: 3, weight: 7, uThresh: 0, lThresh: 0 } });
    assert.equal(decodeAttrs(DEST_ATTRS, d).activeConns, 2);
  });

  it('NEW_DAEMON: state, ifname, syncid, maxlen, group, port, ttl', () => {
    const b = msg.newDaemon({ state: 'master', ifname: 'eth0', syncId: 5, maxlen: 1400, group: '224.0.0.81', port: 8848, ttl: 2 });
    const hand = nla(3 | 0x8000, Buffer.concat([
      nla(1, Buffer.from('01000000', 'hex')), nla(2, Buffer.from('eth0\0')), nla(3, Buffer.from('05000000', 'hex')),
      nla(4, Buffer.from('7805', 'hex')), nla(5, Buffer.from('e0000051', 'hex')), nla(7, Buffer.from('9022', 'hex')),
      nla(8, Buffer.from('02', 'hex')),
    ]));
    assert.equal(b.toString('hex'), hand.toString('hex'));
    assert.deepEqual(parseDaemons(b), { ok: true, value: { state: 'master', ifname: 'eth0', syncId: 5, maxlen: 1400, group: '224.0.0.81', port: 8848, ttl: 2 } });
    assert.equal(msg.delDaemon('backup').toString('hex'), nla(3 | 0x8000, nla(1, Buffer.from('02000000', 'hex'))).toString('hex'));
  });

  it('GET_INFO reply: version 1.2.1, table size 4096', () => {
    const b = Buffer.concat([nla(1, Buffer.from('01020100', 'hex')), nla(2, Buffer.from('00100000', 'hex'))]);
    assert.deepEqual(parseInfo(b), { version: '1.2.1', connTabSize: 4096 });
  });
});
