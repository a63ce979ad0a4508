// An in-memory nf_tables for unit tests of the VIP firewall: tables per family with their chains,
// rules, sets and set elements, changed by the firewall's messages (src/vrrp/firewall/nft-model.ts)
// with the kernel's all-or-nothing batches and its errors (ENOENT for a missing table, chain or
// set or element; EEXIST for an element added again with NLM_F_EXCL). `unavailable` makes every
// request fail as on a kernel without nf_tables.
import type { NfFamily, NftExpr, NftMsg } from '../../src/vrrp/firewall/nft-model.js';
import type { KernelError } from '../../src/vrrp/kernel/port.js';
import { errnoOf } from '../../src/vrrp/io/native.js';

export interface FakeChain { hook?: { hook: 'input' | 'output'; priority: number }; rules: NftExpr[][] }
export interface FakeSet { keyType: number; keyLen: number; flags: number; elems: Map<string, string | undefined> }
export interface FakeTable { chains: Map<string, FakeChain>; sets: Map<string, FakeSet> }

const err = (code: string, message: string): KernelError => ({ code, errno: errnoOf(code), text: code, message });

export class FakeNftables {
  tables = new Map<string, FakeTable>();
  unavailable = false;

  private key(f: NfFamily, t: string): string { return `${f} ${t}`; }

  table(f: NfFamily, t: string): FakeTable | undefined { return this.tables.get(this.key(f, t)); }

  /** A set's elements as hex keys (`key` or `key:data`), sorted. */
  elems(f: NfFamily, t: string, set: string): string[] {
    const s = this.table(f, t)?.sets.get(set);
    return s ? [...s.elems].map(([k, d]) => (d === undefined ? k : `${k}:${d}`)).sort() : [];
  }

  tablesNamed(name: string): NfFamily[] | KernelError {
    if (this.unavailable) return err('EOPNOTSUPP', 'get table: Operation not supported');
    return (['ip', 'ip6'] as const).filter((f) => this.tables.has(this.key(f, name)));
  }

  apply(msgs: readonly NftMsg[]): KernelError | undefined {
    if (this.unavailable) return err('EOPNOTSUPP', 'nftables batch: Operation not supported');
    const work = new Map([...this.tables].map(([k, t]) => [k, structuredClone(t)]));
    for (const m of msgs) {
      const e = this.one(work, m);
      if (e) return e;
    }
    this.tables = work;
    return undefined;
  }

  private one(work: Map<string, FakeTable>, m: NftMsg): KernelError | undefined {
    const k = this.key(m.family, m.table);
    const t = work.get(k);
    const where = `${m.family} ${m.table}`;
    if (m.op === 'newTable') { if (!t) work.set(k, { chains: new Map(), sets: new Map() }); return undefined; }
    if (!t) return err('ENOENT', `${m.op} ${where}: No such file or directory`);
    switch (m.op) {
      case 'delTable': work.delete(k); return undefined;
      case 'getTable': return undefined;
      case 'newChain': if (!t.chains.has(m.chain)) t.chains.set(m.chain, { ...(m.hook ? { hook: m.hook } : {}), rules: [] }); return undefined;
      case 'newSet':
        if (!t.sets.has(m.set)) t.sets.set(m.set, { keyType: m.keyType, keyLen: m.keyLen,
          flags: m.flags ?? 0, elems: new Map() });
        return undefined;
      case 'newRule': {
        const c = t.chains.get(m.chain);
        if (!c) return err('ENOENT', `add rule ${where} ${m.chain}: No such file or directory`);
        for (const x of m.exprs) {
          if (x.e === 'lookup' && !t.sets.has(x.set)) return err('ENOENT', `add rule ${where} ${m.chain}: set ${x.set}: No such file or directory`);
          if (x.e === 'verdict' && x.verdict === 'goto' && !t.chains.has(x.chain)) return err('ENOENT', `goto ${x.chain}: No such file or directory`);
        }
        c.rules.push(m.exprs);
        return undefined;
      }
      case 'newElems': case 'delElems': {
        const s = t.sets.get(m.set);
        if (!s) return err('ENOENT', `${m.op} ${where} ${m.set}: No such file or directory`);
        for (const el of m.elems) {
          const key = el.key.toString('hex');
          if (el.key.length !== s.keyLen) return err('EINVAL', `${m.op} ${where} ${m.set}: key length ${el.key.length} != ${s.keyLen}`);
          if (m.op === 'newElems') {
            if (s.elems.has(key) && m.excl) return err('EEXIST', `add element ${where} ${m.set}: File exists`);
            s.elems.set(key, el.data?.toString('hex'));
          } else {
            if (!s.elems.has(key)) return err('ENOENT', `delete element ${where} ${m.set}: No such file or directory`);
            s.elems.delete(key);
          }
        }
        return undefined;
      }
    }
  }
}
