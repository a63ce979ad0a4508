// The firewall's netlink traffic against keepalived 2.2.7's, datagram by datagram: for each capture
// in data/ka227-*.netlink.txt (strace of 2.2.7 running a scenario of
// test/integration/firewall/scenarios.ts; configs in test/integration/firewall/data) the same
// sequence of firewall events is fed to our VipFirewall (planner + codec) and the datagrams it would
// send are compared with the captured ones message by message and attribute by attribute (sequence
// numbers, port ids and the pad bytes libmnl leaves uninitialised aside).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeLogger } from '../../../../src/common/log.js';
import type { KeepalivedConfig, VrrpInstance } from '../../../../src/config/model.js';
import { parseConfigText } from '../../../../src/config/load.js';
import { encodeBatch, encodeMsg } from '../../../../src/vrrp/firewall/codec.js';
import { fwInstance } from '../../../../src/vrrp/firewall/fw-instance.js';
import type { NfFamily, NftMsg } from '../../../../src/vrrp/firewall/nft-model.js';
import { blocksVips } from '../../../../src/vrrp/firewall/settings.js';
import { VipFirewall } from '../../../../src/vrrp/firewall/vip-firewall.js';
import type { FirewallOps } from '../../../../src/vrrp/kernel/port.js';

const DATA = new URL('./data/', import.meta.url).pathname;
const SCEN = new URL('../../../integration/firewall/data/keepalived-2.2.7/', import.meta.url).pathname;

export function readCapture(name: string): Buffer[] {
  const out: Buffer[] = [];
  let cur: string[] | undefined;
  for (const line of readFileSync(`${DATA}ka227-${name}.netlink.txt`, 'utf8').split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    if (line.startsWith('datagram')) { cur = []; out.push(Buffer.alloc(0)); continue; }
    cur!.push(line.trim());
    out[out.length - 1] = Buffer.from(cur!.join(''), 'hex');
  }
  return out;
}

type Attr = { type: number; nested?: Attr[]; value?: string };

function attrs(b: Buffer): Attr[] {
  const out: Attr[] = [];
  for (let i = 0; i + 4 <= b.length;) {
    const len = b.readUInt16LE(i), t = b.readUInt16LE(i + 2);
    if (len < 4) break;
    const p = b.subarray(i + 4, i + len);
    out.push(t & 0x8000 ? { type: t & 0x3fff, nested: attrs(p) } : { type: t & 0x3fff, value: p.toString('hex') });
    i += (len + 3) & ~3;
  }
  return out;
}

/** A datagram as comparable data: per message its type, flags, nfgenmsg and attribute tree. */
export function messages(d: Buffer): { type: string; flags: string; family: number; resId: number; attrs: Attr[] }[] {
  const out = [];
  for (let i = 0; i + 16 <= d.length;) {
    const len = d.readUInt32LE(i);
    out.push({ type: d.readUInt16LE(i + 4).toString(16), flags: d.readUInt16LE(i + 6).toString(16), family: d[i + 16]!,
      resId: d.readUInt16BE(i + 18), attrs: attrs(d.subarray(i + 20, i + len)) });
    i += (len + 3) & ~3;
  }
  return out;
}

/** FirewallOps that keeps the datagrams the real socket would send. */
class Recorder implements FirewallOps {
  readonly grams: Buffer[] = [];
  private seq = 1;
  constructor(private readonly existing: NfFamily[] = []) {}
  tables(name: string): NfFamily[] {
    for (const family of ['ip', 'ip6'] as const) this.grams.push(encodeMsg({ op: 'getTable', family, table: name }, this.seq++));
    return this.existing;
  }
  apply(msgs: readonly NftMsg[]): undefined {
    const b = encodeBatch(msgs, this.seq);
    this.seq = b.nextSeq;
    this.grams.push(b.datagram);
    return undefined;
  }
}

function load(name: string, which: 'conf' | 'reloadConf' = 'conf'): KeepalivedConfig {
  const fx = JSON.parse(readFileSync(`${SCEN}${name}.json`, 'utf8')) as { conf: string; reloadConf?: string };
  const r = parseConfigText(fx[which]!, 'keepalived.conf', { configId: 'r1' });
  assert.equal(r.aborted, false);
  // Until the parser keeps eVIPs of the other family (issue 13, "VIPs and interfaces"), the IPv6
  // scenarios' IPv4 eVIP is put back here as keepalived 2.2.7 keeps it.
  for (const vi of r.config.vrrpInstances) {
    if (vi.family === 'inet6' && fx[which]!.includes('        10.199.0.102/24') && !vi.virtualIpaddressExcluded.some((v) => v.family === 'inet')) {
      vi.virtualIpaddressExcluded.push({ address: '10.199.0.102', prefixLen: 24, family: 'inet', options: [] });
    }
  }
  return r.config;
}

/** The lab's r1: eth0 with the index the capture shows (a VMAC, when there is one, is index 2). */
interface World { eth0: number; vmac?: number }

function inst(cfg: KeepalivedConfig, name: string, w: World) {
  const vi = cfg.vrrpInstances.find((i) => i.name === name)!;
  const own = vi.useVmac ? w.vmac! : w.eth0;
  return fwInstance(vi, (v) => (v.dev ? { ifindex: w.eth0, ifname: 'eth0' } : { ifindex: own, ifname: vi.useVmac ? `vrrp.${vi.virtualRouterId}` : 'eth0' }), own);
}

const blocks = (cfg: KeepalivedConfig, vi: string): boolean =>
  blocksVips(cfg.vrrpInstances.find((i) => i.name === vi) as VrrpInstance, cfg.global);

interface Case {
  capture: string;
  world: World;
  existing?: NfFamily[];
  /** The firewall events of the scenario, in keepalived's order. */
  run: (fw: VipFirewall, w: World) => void;
}

const quiet = makeLogger(() => {}, 0);

/** init (nothing), MASTER, BACKUP, MASTER again, reload while MASTER, stop. */
function fullCycle(name: string) {
  return (fw: VipFirewall, w: World): void => {
    const a = load(name), b = load(name, 'reloadConf');
    fw.configure(a);
    fw.add(inst(a, 'VI_1', w));
    fw.remove(inst(a, 'VI_1', w));
    fw.add(inst(a, 'VI_1', w));
    fw.configure(b);
    fw.reconcile(inst(b, 'VI_1', w), blocks(b, 'VI_1'));
    fw.remove(inst(b, 'VI_1', w));
    fw.stop();
  };
}

function masterThenStop(name: string) {
  return (fw: VipFirewall, w: World): void => {
    const a = load(name);
    fw.configure(a);
    fw.add(inst(a, 'VI_1', w));
    fw.remove(inst(a, 'VI_1', w));
    fw.stop();
  };
}

const CASES: Case[] = [
  { capture: 'strict-v4', world: { eth0: 3 }, run: fullCycle('strict-v4') },
  { capture: 'strict-v6', world: { eth0: 338 }, run: fullCycle('strict-v6') },
  { capture: 'strict-v6-dont-track', world: { eth0: 3 }, run: masterThenStop('strict-v6-dont-track') },
  { capture: 'nftables-named', world: { eth0: 3 }, run: masterThenStop('nftables-named') },
  { capture: 'stale-table', world: { eth0: 3 }, existing: ['ip', 'ip6'], run: masterThenStop('stale-table') },
  {
    capture: 'two-instances', world: { eth0: 3 },
    run: (fw, w) => {
      const a = load('two-instances'), b = load('two-instances', 'reloadConf');
      fw.configure(a);
      fw.add(inst(a, 'VI_1', w));
      fw.add(inst(a, 'VI_2', w));
      fw.configure(b);
      fw.remove(inst(a, 'VI_2', w)); // VI_2 is gone: it stops as a MASTER would
      fw.forget('VI_2');
      fw.reconcile(inst(b, 'VI_1', w), blocks(b, 'VI_1'));
      fw.remove(inst(b, 'VI_1', w));
      fw.stop();
    },
  },
  {
    capture: 'vmac-v4-strict', world: { eth0: 366, vmac: 2 },
    run: (fw, w) => {
      const a = load('vmac-v4-strict');
      const v = { ifindex: w.vmac!, baseIfindex: w.eth0, family: 'inet' as const, otherFamily: false };
      fw.configure(a);
      fw.vmac('add', v);
      fw.add(inst(a, 'VI_1', w));
      fw.remove(inst(a, 'VI_1', w));
      fw.vmac('del', v);
      fw.stop();
    },
  },
  {
    capture: 'vmac-v6', world: { eth0: 372, vmac: 2 },
    run: (fw, w) => {
      const a = load('vmac-v6');
      const v = { ifindex: w.vmac!, baseIfindex: w.eth0, family: 'inet6' as const, otherFamily: false };
      fw.configure(a);
      assert.equal(blocks(a, 'VI_1'), false);
      fw.vmac('add', v);
      fw.vmac('del', v);
      fw.stop();
    },
  },
];

describe('VIP firewall netlink traffic = keepalived 2.2.7 captures', () => {
  for (const c of CASES) {
    it(`${c.capture}: same datagrams, messages and attributes`, () => {
      const rec = new Recorder(c.existing);
      c.run(new VipFirewall(rec, quiet), c.world);
      const want = readCapture(c.capture);
      assert.equal(rec.grams.length, want.length, `datagram count (ours ${rec.grams.length}, 2.2.7 ${want.length})`);
      want.forEach((w, i) => assert.deepEqual(messages(rec.grams[i]!), messages(w), `datagram ${i}`));
    });
  }
});
