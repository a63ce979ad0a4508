// The real FirewallOps: nf_tables batches on a NETLINK_NETFILTER socket of the project's addon, the
// way keepalived 2.2.7 programs its table (libnftnl messages over libmnl), so the table, chains,
// sets and rules are the very objects 2.2.7 makes and `nft list ruleset` shows them the same.
// Chosen over the nft command or libnftables: no program or extra library at run time (only the
// kernel), and the exact messages of 2.2.7 rather than whatever nft's parser would build from text.
// nfnetlink handles a request inside sendmsg(), so every answer is already queued when sendto()
// returns: the socket is opened on first use, written and drained synchronously, no poller.
import { getSystemErrorName } from 'node:util';
import { C, isNativeError, loadKanet, type Kanet } from '../io/native.js';
import type { FirewallOps, KernelError } from '../kernel/port.js';
import { encodeBatch, encodeMsg, parseReplies, type NftReply } from './codec.js';
import type { NfFamily, NftMsg } from './nft-model.js';

const AF_NETLINK = 16, NETLINK_NETFILTER = 12;
const ENOENT = 2;
const KERNEL = Buffer.alloc(0);

function errnoName(errno: number): string {
  try { return getSystemErrorName(-errno); } catch { return `E${errno}`; }
}

/** What a message is about, for error lines: "add elements to ip keepalived vips". */
export function describe(m: NftMsg): string {
  const where = `${m.family} ${m.table}`;
  switch (m.op) {
    case 'newTable': return `create table ${where}`;
    case 'delTable': return `delete table ${where}`;
    case 'getTable': return `get table ${where}`;
    case 'newChain': return `create chain ${where} ${m.chain}`;
    case 'newSet': return `create set ${where} ${m.set}`;
    case 'newElems': return `add elements to ${where} ${m.set}`;
    case 'delElems': return `delete elements from ${where} ${m.set}`;
    case 'newRule': return `add rule to ${where} ${m.chain}`;
  }
}

export class NftSocket implements FirewallOps {
  private k?: Kanet;
  private fd = -1;
  /** Sequence numbers start from the time, as keepalived's do. */
  private seq = Math.floor(Date.now() / 1000) >>> 0;
  private readonly rx = Buffer.alloc(65536);

  private error(errno: number, what: string): KernelError {
    const code = errnoName(errno);
    const text = this.k ? this.k.strerror(errno) : code;
    return { code, errno, text, message: `${what}: ${text}` };
  }

  private open(): KernelError | undefined {
    if (this.fd >= 0) return undefined;
    const k = loadKanet();
    if (isNativeError(k)) return { code: 'ENOENT', errno: 2, text: 'No such file or directory', message: k.message };
    this.k = k;
    const fd = k.socket(AF_NETLINK, C.SOCK_RAW, NETLINK_NETFILTER);
    if (fd < 0) return this.error(-fd, 'netfilter netlink socket');
    this.fd = fd;
    return undefined;
  }

  /** Sends one datagram and collects the answers already queued for it. */
  private exchange(datagram: Buffer, what: string): Map<number, NftReply[]> | KernelError {
    const k = this.k!;
    const sent = k.sendto(this.fd, datagram, AF_NETLINK, KERNEL, 0);
    if (sent < 0) return this.error(-sent, what);
    const replies = new Map<number, NftReply[]>();
    for (;;) {
      const n = k.recvPlain(this.fd, this.rx);
      if (n === -C.EAGAIN) break;
      if (n < 0) return this.error(-n, what);
      for (const r of parseReplies(this.rx.subarray(0, n))) {
        const l = replies.get(r.seq);
        if (l) l.push(r); else replies.set(r.seq, [r]);
      }
    }
    return replies;
  }

  tables(name: string): NfFamily[] | KernelError {
    const e = this.open();
    if (e) return e;
    const found: NfFamily[] = [];
    for (const family of ['ip', 'ip6'] as const) {
      const msg: NftMsg = { op: 'getTable', family, table: name };
      const seq = this.seq++;
      const replies = this.exchange(encodeMsg(msg, seq), describe(msg));
      if (replies instanceof Map) {
        const mine = replies.get(seq) ?? [];
        const ack = mine.find((r) => r.kind === 'ack');
        if (mine.some((r) => r.kind === 'table')) found.push(family);
        else if (ack && ack.kind === 'ack' && ack.errno !== 0 && ack.errno !== ENOENT) return this.error(ack.errno, describe(msg));
      } else return replies;
    }
    return found;
  }

  apply(msgs: readonly NftMsg[]): KernelError | undefined {
    if (msgs.length === 0) return undefined;
    const e = this.open();
    if (e) return e;
    const { datagram, acked, nextSeq } = encodeBatch(msgs, this.seq);
    this.seq = nextSeq >>> 0;
    const replies = this.exchange(datagram, 'nftables batch');
    if (!(replies instanceof Map)) return replies;
    // the batch as a whole refused (e.g. no nf_tables: EOPNOTSUPP on the batch begin)
    for (const [seq, rs] of replies) {
      const bad = rs.find((r) => r.kind === 'ack' && r.errno !== 0);
      if (bad && bad.kind === 'ack' && !acked.includes(seq)) return this.error(bad.errno, 'nftables batch');
    }
    for (let i = 0; i < acked.length; i++) {
      const ack = replies.get(acked[i]!)?.find((r) => r.kind === 'ack');
      if (!ack) return { code: 'EIO', errno: 5, text: 'Input/output error', message: `${describe(msgs[i]!)}: no answer from the kernel` };
      if (ack.kind === 'ack' && ack.errno !== 0) return this.error(ack.errno, describe(msgs[i]!));
    }
    return undefined;
  }

  close(): void {
    if (this.fd >= 0) this.k?.close(this.fd);
    this.fd = -1;
  }
}
