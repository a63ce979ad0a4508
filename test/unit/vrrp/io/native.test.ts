// The N-API addon on its own: errors come back as -errno values, and (as root) raw IPv4/IPv6
// sockets on loopback deliver packets through the uv_poll readiness callback with the received
// TTL / hop limit and the destination from IP_PKTINFO / IPV6_PKTINFO ancillary data.
import assert from 'node:assert/strict';
import { C, intOpt, isNativeError, loadKanet, type Kanet, type RecvResult } from '../../../../src/vrrp/io/native.js';

const EXPERIMENTAL_PROTO = 253; // RFC 3692 experimentation protocol number: nothing else listens

describe('vrrp/io native addon', () => {
  let k: Kanet;
  before(function () {
    const r = loadKanet();
    if (isNativeError(r)) this.skip();
    k = r as Kanet;
  });

  it('returns -errno values instead of throwing', () => {
    assert.equal(k.close(-1), -9); // EBADF
    assert.equal(k.setsockopt(-1, C.SOL_SOCKET, C.SO_RCVBUF, intOpt(1)), -9);
    assert.equal(k.recv(-1, Buffer.alloc(16)), -9);
    assert.equal(k.sendFrame(-1, Buffer.alloc(10), 1), -22); // EINVAL: shorter than an Ethernet header
    assert.equal(k.sendto(-1, Buffer.alloc(4), C.AF_INET, Buffer.alloc(3), 0), -22); // bad address length
    assert.equal(k.strerror(-11), 'Resource temporarily unavailable');
  });

  for (const fam of ['inet', 'inet6'] as const) {
    it(`${fam}: raw loopback packet arrives via the poller with TTL/hop limit and destination`, async function () {
      if (process.getuid?.() !== 0) this.skip();
      const v6 = fam === 'inet6';
      const af = v6 ? C.AF_INET6 : C.AF_INET;
      const lo = v6 ? Buffer.from('00000000000000000000000000000001', 'hex') : Buffer.from([127, 0, 0, 1]);
      const fd = k.socket(af, C.SOCK_RAW, EXPERIMENTAL_PROTO);
      assert.ok(fd >= 0, `socket: ${fd}`);
      try {
        if (v6) {
          assert.equal(k.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, intOpt(1)), 0);
          assert.equal(k.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, intOpt(1)), 0);
          assert.equal(k.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, intOpt(255)), 0);
        } else {
          assert.equal(k.setsockopt(fd, C.IPPROTO_IP, C.IP_RECVTTL, intOpt(1)), 0);
          assert.equal(k.setsockopt(fd, C.IPPROTO_IP, C.IP_PKTINFO, intOpt(1)), 0);
          assert.equal(k.setsockopt(fd, C.IPPROTO_IP, C.IP_TTL, intOpt(255)), 0);
        }
        assert.equal(k.recv(fd, Buffer.alloc(64)), -C.EAGAIN);
        const got = new Promise<RecvResult>((resolve) => {
          const p = new k.Poller(fd, () => {
            const r = k.recv(fd, Buffer.alloc(256));
            if (typeof r !== 'number') { p.stop(); resolve(r); }
          });
        });
        const payload = Buffer.from('kanet-probe');
        assert.equal(k.sendto(fd, payload, af, lo, 0), payload.length);
        const r = await got;
        assert.equal(r.n, v6 ? payload.length : 20 + payload.length); // IPv4 raw sockets see the IP header
        assert.equal(r.ttl, 255);
        assert.deepEqual(r.src, lo);
        assert.deepEqual(r.dst, lo);
        assert.ok(r.ifindex > 0);
      } finally { k.close(fd); }
    });
  }
});
