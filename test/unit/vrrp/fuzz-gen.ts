// Deterministic packet fuzzer shared by the mocha fuzz test and bench/fuzz-vrrp.ts: random bytes and
// mutations of real captured keepalived packets (some re-checksummed so deeper ladder rungs are
// reached), pushed through decodeAdvert + validateAdvert. Counts every outcome; catches nothing
// silently (an exception is counted and reported).

import { decodeAdvert, encodeAdvert } from '../../../src/vrrp/packet.js';
import { validateAdvert, type LadderConfig, type RxPacket } from '../../../src/vrrp/validate.js';
import { parseFrame, vectors, type RxFrame } from './helpers.js';
import { mulberry32 } from '../../fuzz/harness.js';

export { mulberry32 };

const seeds: RxFrame[] = vectors.map((v) => parseFrame(v.frame));

export const fuzzConfigs: LadderConfig[] = [
  { name: 'VI_1', vrid: 51, version: 2, family: 'inet', vips: ['10.198.0.100'], authType: 1, pass: 's3cret', advertIntCs: 100, checkAddrs: true },
  { name: 'VI_1', vrid: 51, version: 2, family: 'inet', vips: ['10.198.0.100'], authType: 0, advertIntCs: 100, checkAddrs: false },
  { name: 'VI_1', vrid: 51, version: 3, family: 'inet', vips: ['10.198.0.100'], authType: 0, advertIntCs: 100, checkAddrs: true },
  { name: 'VI_1', vrid: 61, version: 3, family: 'inet6', vips: ['fe80::198:100'], authType: 0, advertIntCs: 100, checkAddrs: true },
  // unicast with check_unicast_src and a TTL range
  { name: 'VI_1', vrid: 51, version: 2, family: 'inet', vips: ['10.198.0.100'], authType: 0, advertIntCs: 100, checkAddrs: true, unicastPeers: [{ address: '10.198.0.1', minTtl: 250, maxTtl: 255 }], checkUnicastSrc: true },
];

const ADDRS = ['10.198.0.1', '10.198.0.2', '224.0.0.18', 'fe80::1', 'ff02::12', '', 'garbage', '999.1.1.1', '::'];

export function makePacket(rnd: () => number): { pkt: RxPacket; family: 'inet' | 'inet6' } {
  const r = rnd();
  const seed = seeds[Math.floor(rnd() * seeds.length)]!;
  let payload: Uint8Array;
  let family = seed.family;
  if (r < 0.3) {
    // pure random bytes
    payload = new Uint8Array(Math.floor(rnd() * 96));
    for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(rnd() * 256);
    if (rnd() < 0.5 && payload.length > 1) payload[0] = (rnd() < 0.5 ? 0x21 : 0x31);
    family = rnd() < 0.5 ? 'inet' : 'inet6';
  } else {
    payload = seed.payload.slice();
    const muts = 1 + Math.floor(rnd() * 4);
    for (let m = 0; m < muts; m++) {
      const k = rnd();
      if (k < 0.35 && payload.length) { const i = Math.floor(rnd() * payload.length);
        payload[i] = payload[i]! ^ (1 << Math.floor(rnd() * 8)); }
      else if (k < 0.55 && payload.length) { payload[Math.floor(rnd() * payload.length)] = Math.floor(rnd() * 256); }
      else if (k < 0.65) { payload = payload.slice(0, Math.floor(rnd() * payload.length)); }
      else if (k < 0.75) { const e = new Uint8Array(payload.length + 1 + Math.floor(rnd() * 20)); e.set(payload);
        for (let i = payload.length; i < e.length; i++) e[i] = Math.floor(rnd() * 256); payload = e; }
      else if (k < 0.85 && payload.length > 3) { payload[3] = Math.floor(rnd() * 5); }
      else if (payload.length > 0) { payload[0] = (Math.floor(rnd() * 16) << 4) | Math.floor(rnd() * 3); }
    }
    if (rnd() < 0.5) {
      // re-checksum so later rungs are exercised
      const d = decodeAdvert(payload, family);
      if (d.ok) payload = encodeAdvert(d.advert, { src: seed.src, dst: seed.dst, v3Ipv4Checksum: rnd() < 0.5 ? 'pseudo' : 'plain' });
    }
  }
  const ttl = rnd() < 0.9 ? 255 : Math.floor(rnd() * 256);
  const src = rnd() < 0.9 ? seed.src : ADDRS[Math.floor(rnd() * ADDRS.length)]!;
  const dst = rnd() < 0.9 ? seed.dst : ADDRS[Math.floor(rnd() * ADDRS.length)]!;
  return { pkt: { payload, ttl, src, dst }, family };
}

export interface FuzzResult {
  total: number;
  accepted: number;
  exceptions: number;
  firstException?: string;
  byReason: Record<string, number>;
  decodeOk: number;
  ms: number;
}

export function runFuzz(n: number, seed = 1): FuzzResult {
  const rnd = mulberry32(seed);
  const res: FuzzResult = { total: 0, accepted: 0, exceptions: 0, byReason: {}, decodeOk: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    res.total++;
    try {
      const { pkt, family } = makePacket(rnd);
      if (decodeAdvert(pkt.payload, family).ok) res.decodeOk++;
      // mostly a config that matches the packet's version/family, so the deeper rungs are reached
      const ver = pkt.payload.length ? pkt.payload[0]! >>> 4 : 0;
      const matching = fuzzConfigs.filter((c) => c.family === family && c.version === ver);
      const cfg = matching.length && (i & 3) !== 0 ? matching[i % matching.length]!
        : fuzzConfigs[i % fuzzConfigs.length]!;
      const r = validateAdvert(cfg, pkt);
      const key = r.ok ? `accepted${r.checksumForm ? `:${r.checksumForm}` : ''}` : r.reason;
      if (r.ok) res.accepted++;
      res.byReason[key] = (res.byReason[key] ?? 0) + 1;
    } catch (e) {
      res.exceptions++;
      res.firstException ??= String((e as Error).stack ?? e);
    }
  }
  res.ms = performance.now() - t0;
  return res;
}
