// The VIP firewall planner: keepalived 2.2.7's nftables state machine as a pure core. It remembers
// which parts of the table exist (created lazily: a family's table and `out` chain, then the `in`
// chain, the `vips` set and its rules at the first VIP of that family, the link-local sets at the
// first link-local VIP, the VMAC maps at the first VMAC) and which VIPs of which instance are in a
// set, and turns "add/remove this instance's VIPs", "this VMAC appeared/went", "stop" into the
// batches of nf_tables messages 2.2.7 sends (same messages, same order, same batch boundaries:
// checked against strace captures). Table name, priority, counters come with each call, as 2.2.7
// reads them from the current configuration each time.
import type { IpFamily } from '../../config/model.js';
import { NFT_SET_CONSTANT, NFT_TYPE, type NfFamily, type NftBatch, type NftMsg, type NftSetElem } from './nft-model.js';
import {
  baseChain, chain, delTable, dropRouterSolicitRule, ifindexKey, linkLocalGotoRule, linkLocalKey,
  linkLocalKeyType, linkLocalRule,
  linkLocalSet, moveReportsRule, ndAcceptRule, ndElems, newSet, newTable, vipsRule, VMAC_MAP, VMAC_SET, vmacMapSet,
  vmacSet, type TableOpts,
} from './ruleset.js';

/** The firewall's global settings: nftables [TABLE], nftables_priority, nftables_counters, nftables_ifindex. */
export interface FirewallSettings extends TableOpts {
  /** nftables_ifindex: link-local VIPs are always keyed by interface index. */
  forceIfindex: boolean;
}

/** One VIP or eVIP of an instance as the firewall sees it. */
export interface FwAddr {
  /** Identity across reloads (address and interface): a VIP kept by a reload keeps its set membership. */
  id: string;
  family: IpFamily;
  /** The address (4 or 16 bytes). */
  bytes: Buffer;
  linkLocal: boolean;
  /** The interface the VIP is on. */
  ifindex: number;
  ifname: string;
  /** The VIP is on the instance's interface (or its VMAC). */
  onInstanceIf: boolean;
  /** no_track on the VIP. */
  noTrack: boolean;
}

/** An instance's VIPs then eVIPs, in configuration order. */
export interface FwInstance { name: string; dontTrackPrimary: boolean; addrs: FwAddr[] }

/** A use_vmac macvlan: its index, its base interface's, the instance family, eVIPs of the other family. */
export interface FwVmac { ifindex: number; baseIfindex: number; family: IpFamily; otherFamily: boolean }

interface SetupState {
  table: Record<NfFamily, boolean>;
  vips: Record<NfFamily, boolean>;
  /** vips_link_local (by index) / vips_link_local_name. */
  llIndex: boolean;
  llName: boolean;
  vmac: Record<NfFamily, boolean>;
}

const fresh = (): SetupState => ({ table: { ip: false, ip6: false }, vips: { ip: false, ip6: false }, llIndex: false,
  llName: false, vmac: { ip: false, ip6: false } });
const nf = (f: IpFamily): NfFamily => (f === 'inet' ? 'ip' : 'ip6');

/** A VIP in a set, and which link-local set it went to (by name or by index). */
interface Member { addr: FwAddr; byName: boolean }

/** Everything a planner remembers, for putting it back when the kernel refused a batch. */
export interface PlannerMemo { st: SetupState; setId: number; inSet: [string, [string, Member][]][] }

export class NftPlanner {
  private st = fresh();
  /** keepalived's set ids count up over the process's life, from 1. */
  private setId = 0;
  /** Instance -> its VIPs that are in a set now, by id. */
  private readonly inSet = new Map<string, Map<string, Member>>();

  /** The instance's VIPs that are in a set now. */
  members(inst: string): FwAddr[] { return [...(this.inSet.get(inst)?.values() ?? [])].map((m) => m.addr); }

  /**
   * Puts the instance's VIPs that are not in their set yet into it (add), or takes out those that
   * are (del): nft_add_addresses / nft_remove_addresses. Undefined when there is nothing to do.
   */
  update(s: FirewallSettings, inst: FwInstance, cmd: 'add' | 'del'): NftBatch | undefined {
    return this.updateAddrs(s, inst.name, inst.addrs, cmd, inst.dontTrackPrimary);
  }

  /** Takes VIPs a reload dropped out of their sets (firewall_remove_rule_to_iplist). */
  removeAddrs(s: FirewallSettings, inst: string, addrs: readonly FwAddr[]): NftBatch | undefined {
    return this.updateAddrs(s, inst, addrs, 'del', false);
  }

  /** The instance is gone (reload): forget its set membership. */
  forget(inst: string): void { this.inSet.delete(inst); }

  private updateAddrs(s: FirewallSettings, inst: string, addrs: readonly FwAddr[], cmd: 'add' | 'del', dontTrackPrimary: boolean): NftBatch | undefined {
    const add = cmd === 'add';
    const mine = this.inSet.get(inst) ?? new Map<string, Member>();
    const b: NftBatch = { msgs: [] };
    const elems = { v4: [] as NftSetElem[], v6: [] as NftSetElem[], llIndex: [] as NftSetElem[],
      llName: [] as NftSetElem[] };
    for (const a of addrs) {
      if (mine.has(a.id) === add) continue;
      if (a.family === 'inet') {
        this.setupVips(b, s, 'ip');
        elems.v4.push({ key: a.bytes });
      } else {
        this.setupVips(b, s, 'ip6');
        if (!a.linkLocal) elems.v6.push({ key: a.bytes });
        else {
          // by name only with dont_track_primary, for a VIP on the instance's interface or not tracked;
          // a removal takes it out of the set it went into
          const byName = mine.get(a.id)?.byName ?? (!s.forceIfindex && dontTrackPrimary
            && (a.onInstanceIf || a.noTrack));
          this.setupLinkLocal(b, s, byName);
          (byName ? elems.llName : elems.llIndex).push({ key: linkLocalKey(a.bytes, byName, a.ifindex, a.ifname) });
          if (add) mine.set(a.id, { addr: a, byName });
        }
      }
      if (!add) mine.delete(a.id);
      else if (!mine.has(a.id)) mine.set(a.id, { addr: a, byName: false });
    }
    this.inSet.set(inst, mine);
    const lists: [NfFamily, string, NftSetElem[]][] = [
      ['ip', 'vips', elems.v4], ['ip6', 'vips', elems.v6], ['ip6', linkLocalSet(false), elems.llIndex], ['ip6', linkLocalSet(true), elems.llName],
    ];
    for (const [family, set, list] of lists) {
      if (list.length === 0) continue;
      b.msgs.push(add ? { op: 'newElems', family, table: s.table, set, excl: true, elems: list } : { op: 'delElems', family, table: s.table, set, elems: list });
    }
    return b.msgs.length > 0 ? b : undefined;
  }

  /** A family's table and its `out` chain; the first table set up deletes stale tables of the name first. */
  private setupTable(b: NftBatch, s: FirewallSettings, f: NfFamily): void {
    if (this.st.table[f]) return;
    if (!this.st.table[f === 'ip' ? 'ip6' : 'ip']) b.deleteStale = s.table;
    b.msgs.push(newTable(f, s), baseChain(f, s, 'out'));
    this.st.table[f] = true;
  }

  private setupVips(b: NftBatch, s: FirewallSettings, f: NfFamily): void {
    if (this.st.vips[f]) return;
    this.setupTable(b, s, f);
    const m = b.msgs;
    if (f === 'ip') {
      m.push(baseChain(f, s, 'in'), newSet(f, s, 'vips', NFT_TYPE.IPADDR, ++this.setId), vipsRule(f, s, 'in'), vipsRule(f, s, 'out'));
    } else {
      m.push(baseChain(f, s, 'in'), chain(f, s, 'in_link_local'), chain(f, s, 'out_link_local'), newSet(f, s, 'vips', NFT_TYPE.IP6ADDR, ++this.setId));
      const nd = ++this.setId;
      m.push(newSet(f, s, 'neighbor-discovery', NFT_TYPE.ICMPV6_TYPE, nd, { flags: NFT_SET_CONSTANT }), ndElems(s, nd),
        ndAcceptRule(s, 'in'), linkLocalGotoRule(s, 'in'), ndAcceptRule(s, 'out'), linkLocalGotoRule(s, 'out'), vipsRule(f, s, 'in'), vipsRule(f, s, 'out'));
    }
    this.st.vips[f] = true;
  }

  private setupLinkLocal(b: NftBatch, s: FirewallSettings, byName: boolean): void {
    if (byName ? this.st.llName : this.st.llIndex) return;
    b.msgs.push(newSet('ip6', s, linkLocalSet(byName), linkLocalKeyType(byName), ++this.setId), linkLocalRule(s, 'in', byName), linkLocalRule(s, 'out', byName));
    if (byName) this.st.llName = true; else this.st.llIndex = true;
  }

  /** A VMAC was created (after `old`, when it replaces one) or deleted: its entries in the VMAC maps. */
  vmac(s: FirewallSettings, cmd: 'add' | 'del', v: FwVmac, old?: FwVmac): NftBatch {
    const b: NftBatch = { msgs: [] };
    if (old) this.vmacEntries(b, s, 'del', old);
    this.vmacEntries(b, s, cmd, v);
    return b;
  }

  private vmacEntries(b: NftBatch, s: FirewallSettings, cmd: 'add' | 'del', v: FwVmac): void {
    this.vmacFamily(b, s, cmd, v, nf(v.family));
    if (v.otherFamily) this.vmacFamily(b, s, cmd, v, v.family === 'inet' ? 'ip6' : 'ip');
  }

  private vmacFamily(b: NftBatch, s: FirewallSettings, cmd: 'add' | 'del', v: FwVmac, f: NfFamily): void {
    let mapId: number | undefined, setId: number | undefined;
    if (!this.st.vmac[f]) {
      this.setupTable(b, s, f);
      mapId = ++this.setId;
      b.msgs.push(vmacMapSet(f, s, mapId));
      if (f === 'ip6') { setId = ++this.setId; b.msgs.push(vmacSet(s, setId)); }
      b.msgs.push(moveReportsRule(f, s));
      if (f === 'ip6') b.msgs.push(dropRouterSolicitRule(s));
      this.st.vmac[f] = true;
    }
    const op = cmd === 'add' ? 'newElems' : 'delElems';
    const elems = (set: string, id: number | undefined, list: NftSetElem[]): NftMsg => ({ op, family: f, table: s.table,
      set, ...(id ? { setId: id } : {}), elems: list });
    b.msgs.push(elems(VMAC_MAP, mapId, [{ key: ifindexKey(v.ifindex), data: ifindexKey(v.baseIfindex) }]));
    if (f === 'ip6') b.msgs.push(elems(VMAC_SET, setId, [{ key: ifindexKey(v.ifindex) }]));
  }

  /** Stop: the tables set up are deleted (ip, then ip6) and everything starts again from nothing. */
  cleanup(s: FirewallSettings): NftBatch | undefined {
    const msgs: NftMsg[] = [];
    if (this.st.table.ip) msgs.push(delTable('ip', s.table));
    if (this.st.table.ip6) msgs.push(delTable('ip6', s.table));
    this.st = fresh();
    return msgs.length > 0 ? { msgs } : undefined;
  }

  memo(): PlannerMemo {
    return { st: structuredClone(this.st), setId: this.setId, inSet: [...this.inSet].map(([k, v]) => [k, [...v]]) };
  }

  restore(m: PlannerMemo): void {
    this.st = structuredClone(m.st);
    this.setId = m.setId;
    this.inSet.clear();
    for (const [k, v] of m.inSet) this.inSet.set(k, new Map(v));
  }
}
