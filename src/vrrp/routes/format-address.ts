// A static_ipaddress entry as keepalived 2.2.7 writes it in "Restoring deleted static address ..."
// (format_ipaddress()): "192.168.201.1/24 dev lan1 scope global label lan1:st set",
// "fd00:201::1/64 dev lan1 scope global preferred_lft forever set". Pure but for iproute2's names
// (scope), read once from /etc/iproute2 (src/host/system.ts).
import type { StaticAddress } from '../../config/model.js';
import { systemRouteNames as names } from '../../host/system.js';
const FOREVER = 0xffffffff;

/** The IPv4 broadcast as written (an address, or '+' / '-' for the subnet's last / first address). */
function broadcast(a: StaticAddress): string | undefined {
  if (a.family !== 'inet' || a.brd === undefined || a.peer !== undefined) return undefined;
  if (a.brd !== '+' && a.brd !== '-') return a.brd;
  if (a.prefixLen > 30) return undefined;
  const base = a.address.split('.').reduce((n, o) => (n << 8) | Number(o), 0) >>> 0;
  const mask = a.prefixLen === 0 ? 0xffffffff : 0xffffffff >>> a.prefixLen;
  const v = (a.brd === '+' ? base | mask : base & ~mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (v >>> s) & 0xff).join('.');
}

export function formatStaticAddress(a: StaticAddress, set: boolean): string {
  const v6 = a.family === 'inet6';
  const prefixLen = a.peer !== undefined ? (v6 ? 128 : 32) : a.prefixLen;
  let s = prefixLen === (v6 ? 128 : 32) ? a.address : `${a.address}/${prefixLen}`;
  const brd = broadcast(a);
  if (brd !== undefined) s += ` brd ${brd}`;
  s += ` dev ${a.dev ?? ''}`;
  const scope = v6 || a.scope === undefined ? 0 : (names.find('scope', a.scope) ?? 0);
  s += ` scope ${names.name('scope', scope)}`;
  if (!v6 && a.label !== undefined) s += ` label ${a.label}`;
  if (a.peer !== undefined) s += ` peer ${a.peer}/${prefixLen}`;
  for (const w of ['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin']) if (a.options.includes(w)) s += ` ${w}`;
  if (a.noTrack) s += ' no_track';
  const tg = a.options.indexOf('track_group');
  if (tg >= 0 && a.options[tg + 1] !== undefined) s += ` track_group ${a.options[tg + 1]}`;
  if (v6) {
    const i = a.options.indexOf('preferred_lft');
    const p = i >= 0 ? a.options[i + 1] : undefined;
    const lft = p === 'forever' ? FOREVER : p !== undefined && /^\d+$/.test(p) ? Number(p) : a.prefixLen === 128 ? 0 : FOREVER;
    s += lft === 0 ? ' deprecated' : lft === FOREVER ? ' preferred_lft forever' : ` preferred_lft ${lft}`;
  }
  if (set) s += ' set';
  return s;
}
