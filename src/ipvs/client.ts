// IPVS Generic Netlink client: one method per kernel command, results as values, and counters of
// the messages sent (mutations and dumps separately) so tests and benches can count them.
import { IPVS_CMD, IPVS_GENL_NAME, IPVS_GENL_VERSION } from './constants.js';
import { msg, parseDaemons, parseDest, parseInfo, parseService, parseTimeouts, type Decoded } from './codec.js';
import { malformedInput } from '../common/malformed.js';
import type { GenlResult, GenlTransport } from './transport.js';
import type { DestKey, IpvsDaemon, IpvsDest, IpvsService, IpvsTimeouts, SvcKey } from './types.js';
import type { Af } from './ip.js';

export interface IpvsCounters {
  /** NEW/SET/DEL service and dest, FLUSH, SET_CONFIG, NEW/DEL_DAEMON requests sent. */
  mutations: number;
  /** GET_* requests sent (dumps and info). */
  queries: number;
  /** Requests the kernel rejected. */
  errors: number;
  /** Reply entries dropped as malformed (also noted in common/malformed.ts, which logs them). */
  malformed: number;
}

export class IpvsClient {
  readonly counters: IpvsCounters = { mutations: 0, queries: 0, errors: 0, malformed: 0 };

  /** Dumps run one at a time: the kernel answers EBUSY to a second dump on a socket, and the
   * netlink package reassembles only one multipart reply at a time. */
  private dumpChain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly t: GenlTransport, readonly familyId: number) {}

  /** Resolves the IPVS family; an error value (ENOENT when the kernel has no IPVS) otherwise. */
  static async open(t: GenlTransport): Promise<GenlResult<IpvsClient>> {
    const fam = await t.resolveFamily(IPVS_GENL_NAME);
    if (!fam.ok) return fam;
    return { ok: true, value: new IpvsClient(t, fam.value.id) };
  }

  private async send(cmd: number, data: Buffer, kind: 'mutation' | 'query', dump = false): Promise<GenlResult<Buffer[]>> {
    if (kind === 'mutation') this.counters.mutations++; else this.counters.queries++;
    let r: GenlResult<Buffer[]>;
    if (dump) {
      const p = this.dumpChain.then(() => this.t.request(this.familyId, cmd, IPVS_GENL_VERSION, data, true));
      this.dumpChain = p.catch(() => undefined);
      r = await p;
    } else {
      r = await this.t.request(this.familyId, cmd, IPVS_GENL_VERSION, data, false);
    }
    if (!r.ok) this.counters.errors++;
    return r;
  }

  private async done(cmd: number, data: Buffer): Promise<GenlResult<void>> {
    const r = await this.send(cmd, data, 'mutation');
    return r.ok ? { ok: true, value: undefined } : r;
  }

  addService(s: IpvsService) { return this.done(IPVS_CMD.NEW_SERVICE, msg.newService(s)); }
  editService(s: IpvsService) { return this.done(IPVS_CMD.SET_SERVICE, msg.setService(s)); }
  delService(k: SvcKey) { return this.done(IPVS_CMD.DEL_SERVICE, msg.delService(k)); }
  addDest(k: SvcKey, d: IpvsDest) { return this.done(IPVS_CMD.NEW_DEST, msg.newDest(k, d)); }
  editDest(k: SvcKey, d: IpvsDest) { return this.done(IPVS_CMD.SET_DEST, msg.setDest(k, d)); }
  delDest(k: SvcKey, d: DestKey & { af: Af }) { return this.done(IPVS_CMD.DEL_DEST, msg.delDest(k, d)); }
  flush() { return this.done(IPVS_CMD.FLUSH, msg.empty()); }
  setTimeouts(t: Partial<IpvsTimeouts>) { return this.done(IPVS_CMD.SET_CONFIG, msg.setTimeouts(t)); }
  startDaemon(d: IpvsDaemon) { return this.done(IPVS_CMD.NEW_DAEMON, msg.newDaemon(d)); }
  stopDaemon(state: IpvsDaemon['state']) { return this.done(IPVS_CMD.DEL_DAEMON, msg.delDaemon(state)); }

  /** The entries of a dump that decode; the others are counted and noted as malformed. */
  private entries<T>(payloads: Buffer[], decode: (p: Buffer) => Decoded<T>): T[] {
    const out: T[] = [];
    for (const p of payloads) {
      const d = decode(p);
      if (d.ok) out.push(d.value);
      else { this.counters.malformed++; malformedInput.note('ipvs', d.reason, `${p.length}-byte reply entry`); }
    }
    return out;
  }

  async getServices(): Promise<GenlResult<IpvsService[]>> {
    const r = await this.send(IPVS_CMD.GET_SERVICE, msg.empty(), 'query', true);
    if (!r.ok) return r;
    return { ok: true, value: this.entries(r.value, parseService) };
  }

  async getDests(k: SvcKey): Promise<GenlResult<IpvsDest[]>> {
    const r = await this.send(IPVS_CMD.GET_DEST, msg.getDests(k), 'query', true);
    if (!r.ok) return r;
    return { ok: true, value: this.entries(r.value, (p) => parseDest(p, k.af)) };
  }

  async getTimeouts(): Promise<GenlResult<IpvsTimeouts>> {
    const r = await this.send(IPVS_CMD.GET_CONFIG, msg.empty(), 'query');
    if (!r.ok) return r;
    return r.value[0] ? { ok: true, value: parseTimeouts(r.value[0]) } : { ok: false, errno: 'EIO', message: 'empty reply' };
  }

  async getInfo(): Promise<GenlResult<{ version: string; connTabSize: number }>> {
    const r = await this.send(IPVS_CMD.GET_INFO, msg.empty(), 'query');
    if (!r.ok) return r;
    return r.value[0] ? { ok: true, value: parseInfo(r.value[0]) } : { ok: false, errno: 'EIO', message: 'empty reply' };
  }

  async getDaemons(): Promise<GenlResult<IpvsDaemon[]>> {
    const r = await this.send(IPVS_CMD.GET_DAEMON, msg.empty(), 'query', true);
    if (!r.ok) return r;
    return { ok: true, value: this.entries(r.value, parseDaemons) };
  }

  close(): void { this.t.close(); }
}
