// IP address text <-> network-order bytes, the one copy for every subsystem (VRRP codec and I/O,
// IPVS, routes, firewall). Text out is inet_ntop()'s (glibc, as keepalived and iproute2 print it):
// RFC 5952 (lower case, the longest run of two or more zero words as '::', the first on a tie), and
// the IPv4-mapped / -compatible forms with a dotted quad. Pure; never throws (bad text -> undefined).

export function parseIpv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** 16 bytes of an IPv6 address ('::', an embedded dotted quad and a '%zone' suffix accepted). */
export function parseIpv6(s: string): Uint8Array | undefined {
  let text = s;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  const out = new Uint8Array(16);
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const tail = dbl >= 0 ? text.slice(dbl + 2) : '';
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const res: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIpv4(it);
        if (!v4) return undefined;
        res.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        res.push(parseInt(it, 16));
      }
    }
    return res;
  };
  const h = words(head);
  const t = words(tail);
  if (!h || !t) return undefined;
  if (dbl >= 0 ? h.length + t.length > 7 : h.length !== 8) return undefined;
  const all = dbl >= 0 ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  for (let i = 0; i < 8; i++) { out[2 * i] = all[i]! >>> 8; out[2 * i + 1] = all[i]! & 0xff; }
  return out;
}

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** inet_ntop(AF_INET6) of the 16 bytes at `off`. */
export function formatIpv6(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) return w.map((x) => x.toString(16)).join(':');
  // inet_ntop prints IPv4-mapped/compatible forms with a dotted quad
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    return `::${bestLen === 5 ? 'ffff:' : ''}${formatIpv4(b, off + 12)}`;
  }
  const left = w.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const right = w.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${left}::${right}`;
}
