// The "Interfaces" section of the USR1 data dump (keepalived 2.2.7's dump_if(), vrrp_if.c), from
// the kernel's view of each interface in the VRRP child's namespace: /sys/class/net/NAME (index,
// flags, operstate, MTU, hardware type and addresses) and the addresses getifaddrs() lists
// (os.networkInterfaces()). As 2.2.7 keeps them: the first IPv4 address that is not a VIP of an
// instance tracking the interface, the rest as "Additional"; IPv6 only link-local ones. Recorded
// layouts: test/unit/daemon/fixtures/ka-2.2.7*/keepalived.data and fixtures/interfaces-2.2.7.data.
// Not shown (not measured): the VMAC / IPVLAN lines of keepalived's own macvlan interfaces.
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { KeepalivedConfig } from '../../config/model.js';

export interface InterfaceInfo {
  name: string;
  index: number;
  /** ifi_flags as /sys/class/net/NAME/flags has them (IFF_RUNNING comes from `running`). */
  flags: number;
  running: boolean;
  mtu: number;
  /** ARPHRD_* */
  hwType: number;
  /** aa:bb:..., absent when the interface has no hardware address. */
  mac?: string;
  broadcast?: string;
  /** In the kernel's order: IPv4, then IPv6 with their scope ids (0 = global). */
  ipv4: string[];
  ipv6: { address: string; scopeid: number }[];
}

const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_POINTOPOINT = 0x10,
  IFF_NOARP = 0x80, IFF_MULTICAST = 0x1000;

/** Every interface of this network namespace, by index. */
export function readInterfaces(sysClassNet = '/sys/class/net'): InterfaceInfo[] {
  const addrs = networkInterfaces();
  const out: InterfaceInfo[] = [];
  let names: string[];
  try { names = readdirSync(sysClassNet); } catch { return []; }
  for (const name of names) {
    const rd = (f: string) => { try { return readFileSync(`${sysClassNet}/${name}/${f}`, 'utf8').trim(); } catch { return ''; } };
    const index = Number(rd('ifindex'));
    if (!Number.isInteger(index) || index <= 0) continue;
    const flags = Number.parseInt(rd('flags'), 16) || 0;
    const oper = rd('operstate');
    const mac = rd('address');
    const a = addrs[name] ?? [];
    out.push({
      name, index, flags, running: (flags & IFF_UP) !== 0 && (oper === 'up' || oper === 'unknown'),
      mtu: Number(rd('mtu')) || 0, hwType: Number(rd('type')) || 0,
      // keepalived shows no hardware address for an all-zero one (lo)
      ...(mac && !/^[0:]*$/.test(mac) ? { mac, broadcast: rd('broadcast') } : {}),
      ipv4: a.filter((x) => x.family === 'IPv4').map((x) => x.address),
      ipv6: a.filter((x) => x.family === 'IPv6').map((x) => ({ address: x.address, scopeid: x.scopeid ?? 0 })),
    });
  }
  return out.sort((x, y) => x.index - y.index);
}

/** Instances tracking an interface, in configuration order, as "NAME, weight W[ reverse]". */
function trackers(cfg: KeepalivedConfig, ifname: string): string[] {
  const out: string[] = [];
  for (const vi of cfg.vrrpInstances) {
    const t = vi.trackInterface.find((x) => x.name === ifname);
    if (t) out.push(`${vi.name}, weight ${t.weight}${t.reverse ? ' reverse' : ''}`);
    else if (vi.interface === ifname && !vi.dontTrackPrimary) out.push(`${vi.name}, weight 0`);
  }
  return out;
}

/** Addresses keepalived ignores on an interface: the VIPs and eVIPs of the instances tracking it. */
function ownAddresses(cfg: KeepalivedConfig, ifname: string): Set<string> {
  const s = new Set<string>();
  for (const vi of cfg.vrrpInstances) {
    if (vi.interface !== ifname && !vi.trackInterface.some((x) => x.name === ifname)) continue;
    for (const v of [...vi.virtualIpaddress, ...vi.virtualIpaddressExcluded]) s.add(v.address);
  }
  return s;
}

function hwTypeText(t: number): string {
  if (t === 772) return 'LOOPBACK';
  if (t === 1) return 'ETHERNET';
  return `UNKNOWN (${t})`;
}

export function interfacesLines(cfg: KeepalivedConfig, ifs: readonly InterfaceInfo[]): string[] {
  const L = ['------< Interfaces >------'];
  for (const i of ifs) {
    const own = ownAddresses(cfg, i.name);
    const v4 = i.ipv4.filter((a) => !own.has(a));
    const v6 = i.ipv6.filter((a) => a.address.toLowerCase().startsWith('fe80:') && !own.has(a.address)).map((a) => a.address);
    L.push(` Name = ${i.name}`, `   index = ${i.index}`, `   IPv4 address = ${v4[0] ?? '(none)'}`);
    if (v4.length > 1) L.push('   Additional IPv4 addresses :', ...v4.slice(1).map((a) => `     ${a}`));
    L.push(`   IPv6 address = ${v6[0] ?? '(none)'}`);
    if (v6.length > 1) L.push('   Additional IPv6 addresses :', ...v6.slice(1).map((a) => `     ${a}`));
    if (i.mac) L.push(`   MAC = ${i.mac}`, `   MAC broadcast = ${i.broadcast ?? ''}`);
    const f = i.flags;
    L.push(
      `   State = ${f & IFF_UP ? '' : 'not '}UP, ${i.running ? '' : 'not '}RUNNING${f & IFF_BROADCAST ? '' : ', no broadcast'}${f & IFF_LOOPBACK ? ', loopback' : ''}${f & IFF_POINTOPOINT ? ', point to point' : ''}${f & IFF_NOARP ? ', no arp' : ''}${f & IFF_MULTICAST ? '' : ', no multicast'}`,
      `   Seen up = ${f & IFF_UP ? 1 : 0}`,
      '   Delayed state change running = false',
      '   Up debounce timer = 0us',
      '   Down debounce timer = 0us',
      `   MTU = ${i.mtu}`,
      `   HW Type = ${hwTypeText(i.hwType)}`,
      '   NIC netlink status update',
      '   Reset ARP config counter 0',
      '   Original arp_ignore 0',
      '   Original arp_filter 0',
      '   Original promote_secondaries 0',
      '   Reset promote_secondaries counter 0',
    );
    const t = trackers(cfg, i.name);
    if (t.length) L.push('   Tracking VRRP instances :', ...t.map((x) => `     ${x}`));
  }
  return L;
}
