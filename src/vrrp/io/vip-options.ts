// What a virtual_ipaddress line asks of the kernel, as keepalived 2.2.7 sets it (alloc_ipaddress
// and netlink_ipaddress): address flags (home, mngtmpaddr, noprefixroute, autojoin; IFA_F_NODAD on
// IPv6 unless -nodad), the IPv6 preferred lifetime (preferred_lft N|forever; by default 0 for a /128,
// which marks it deprecated, forever otherwise), the IPv4 broadcast (an address, or '+' / '-' for
// the subnet's last / first address), scope and label (IPv4 only: 2.2.7 drops them on IPv6
// addresses), and the peer (which makes the prefix a host one). Pure: the VirtualIp in, numbers out.
import type { VirtualIp } from '../../config/model.js';
import { ipToBytes } from './addr.js';

// linux/if_addr.h values (a list of constants: alike in shape to other such lists, e.g. common/netlink.ts's)
export const IFA_F_NODAD = 0x02;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_MANAGETEMPADDR = 0x100;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;
/** "forever" for a lifetime. */
export const INFINITY_LIFE_TIME = 0xffffffff;

const FLAG_WORDS: Record<string, number> = {
  home: IFA_F_HOMEADDRESS, mngtmpaddr: IFA_F_MANAGETEMPADDR, noprefixroute: IFA_F_NOPREFIXROUTE,
  autojoin: IFA_F_MCAUTOJOIN,
};

/** rt_scopes names (iproute2's table, as keepalived reads it). */
export const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export interface VipAttrs {
  v6: boolean;
  local: Buffer;
  prefixLen: number;
  /** IFA_F_* flags of an add request (IFA_FLAGS). */
  flags: number;
  scope: number;
  /** IPv6 preferred lifetime in seconds (INFINITY_LIFE_TIME: no IFA_CACHEINFO). */
  preferredLft: number;
  broadcast?: Buffer;
  label?: string;
  peer?: Buffer;
}

/** The value after `word` in the VIP's kept options, if given. */
function optionValue(v: VirtualIp, word: string): string | undefined {
  const i = v.options.indexOf(word);
  return i >= 0 ? v.options[i + 1] : undefined;
}

/** IPv4 broadcast of `brd`: an address, or '+' / '-' (last / first address of the subnet, prefix <= 30). */
function broadcastOf(v: VirtualIp, local: Buffer, prefixLen: number): Buffer | undefined {
  if (v.brd === undefined || v.peer !== undefined) return undefined;
  if (v.brd !== '+' && v.brd !== '-') return ipToBytes(v.brd);
  if (prefixLen > 30) return undefined;
  const mask = prefixLen === 0 ? 0xffffffff : (0xffffffff >>> prefixLen);
  const base = local.readUInt32BE(0);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((v.brd === '+' ? (base | mask) : (base & ~mask)) >>> 0, 0);
  return out;
}

export function vipAttrs(v: VirtualIp): VipAttrs {
  const local = ipToBytes(v.address);
  if (!local) throw new RangeError(`vipAttrs: bad address ${v.address}`);
  const v6 = local.length === 16;
  const peer = v.peer !== undefined ? ipToBytes(v.peer) : undefined;
  // a peer address makes the prefix the peer's (a host prefix: 2.2.7 reads the peer without a mask)
  const prefixLen = peer ? (v6 ? 128 : 32) : v.prefixLen;
  let flags = 0;
  for (const w of v.options) flags |= FLAG_WORDS[w] ?? 0;
  if (v6 && !v.options.includes('-nodad')) flags |= IFA_F_NODAD;
  let preferredLft = INFINITY_LIFE_TIME;
  if (v6) {
    const p = optionValue(v, 'preferred_lft');
    if (p === 'forever') preferredLft = INFINITY_LIFE_TIME;
    else if (p !== undefined && /^\d+$/.test(p) && Number(p) <= INFINITY_LIFE_TIME) preferredLft = Number(p);
    else preferredLft = prefixLen === 128 ? 0 : INFINITY_LIFE_TIME;
  }
  const scope = v6 || v.scope === undefined ? 0 : (SCOPES[v.scope] ?? (Number(v.scope) & 0xff));
  const broadcast = v6 ? undefined : broadcastOf(v, local, prefixLen);
  return {
    v6, local, prefixLen, flags, scope, preferredLft,
    ...(broadcast ? { broadcast } : {}),
    ...(!v6 && v.label !== undefined ? { label: v.label } : {}),
    ...(peer ? { peer } : {}),
  };
}

/** keepalived's text for an address: IP, with /prefix unless a host prefix (ipaddresstos). */
export function vipText(v: VirtualIp): string {
  const full = v.family === 'inet6' ? 128 : 32;
  return v.prefixLen === full ? v.address : `${v.address}/${v.prefixLen}`;
}
