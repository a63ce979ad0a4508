// NETLINK_ROUTE sockets of our own (the kanet addon) for requests whose answer matters but whose
// write must not wait: NlRequests writes a prepared request with one synchronous sendto (the
// kernel applies it inside the write, so requests on different sockets keep their order) and
// resolves a promise with the kernel's answer when the ACK arrives; it knows its port id (learnt
// at open from the ACK of a NOOP), which the kernel puts in the notifications a request causes.
// NlGroups listens to rtnetlink multicast groups and hands each message on.
import { C, check, isNativeError, loadKanet, type Kanet, type KanetPoller, type NativeError } from './native.js';
import { applyRcvBuf, type RcvBuf } from './rcvbuf.js';
import { ackErrno, msgSeq, NLM_F_ACK, NLM_F_REQUEST, nlRequest, splitMessages } from '../../common/netlink.js';

const AF_NETLINK = 16, NETLINK_ROUTE = 0, SOL_NETLINK = 270, NETLINK_ADD_MEMBERSHIP = 1;
const NLMSG_NOOP = 1;
const KERNEL = Buffer.alloc(0);

/** Netlink ACKs in one datagram: [sequence number, errno (0 = success)] of each NLMSG_ERROR message. */
export function parseAcks(buf: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (const m of splitMessages(buf)) {
    const errno = ackErrno(m);
    if (errno !== undefined) out.push([msgSeq(m), errno]);
  }
  return out;
}

export { splitMessages };

/** A request's answer: 0 (done) or the errno, with the sequence number it was sent with. */
export interface NlAnswer { errno: number; seq: number }

function openSocket(k: Kanet): number | NativeError {
  const fd = k.socket(AF_NETLINK, C.SOCK_RAW, NETLINK_ROUTE);
  if (fd < 0) return check(k, fd, 'socket(AF_NETLINK)')!;
  const b = k.bind(fd, AF_NETLINK, KERNEL, 0);
  if (b < 0) { k.close(fd); return check(k, b, 'bind(AF_NETLINK)')!; }
  return fd;
}

export class NlRequests {
  private seq = 1;
  private readonly pending = new Map<number, (errno: number) => void>();
  private readonly rxBuf = Buffer.alloc(16384);
  private readonly poller: KanetPoller;
  private closed = false;

  private constructor(readonly k: Kanet, private readonly fd: number, readonly portId: number) {
    this.poller = new k.Poller(fd, () => this.drain());
  }

  static open(): NlRequests | NativeError {
    const k = loadKanet();
    if (isNativeError(k)) return k;
    const fd = openSocket(k);
    if (typeof fd !== 'number') return fd;
    // the kernel answers a NOOP with an ACK addressed to us: its nlmsg_pid is our port id
    const noop = nlRequest(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, []);
    const s = k.sendto(fd, noop, AF_NETLINK, KERNEL, 0);
    const buf = Buffer.alloc(256);
    const n = s < 0 ? s : k.recvPlain(fd, buf);
    if (n < 16) { k.close(fd); return check(k, n < 0 ? n : -5, 'netlink port id')!; }
    return new NlRequests(k, fd, buf.readUInt32LE(12));
  }

  /** Writes `msg` (its sequence number set here) now; the promise gives the kernel's answer. */
  request(msg: Buffer): { seq: number; answer: Promise<NlAnswer> } {
    const seq = this.seq;
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    if (this.closed) return { seq, answer: Promise.resolve({ errno: 9, seq }) };
    msg.writeUInt32LE(seq, 8);
    const r = this.k.sendto(this.fd, msg, AF_NETLINK, KERNEL, 0);
    if (r < 0) return { seq, answer: Promise.resolve({ errno: -r, seq }) };
    return { seq, answer: new Promise((resolve) => { this.pending.set(seq, (errno) => resolve({ errno, seq })); }) };
  }

  /** Sizes the receive buffer (vrrp_netlink_cmd_rcv_bufs); 2.2.7's failure line, if any. */
  setRcvBuf(b: RcvBuf): string | undefined { return this.closed ? undefined : applyRcvBuf(this.fd, b); }

  /** Requests still waiting for their answer (tests). */
  get inFlight(): number { return this.pending.size; }

  private drain(): void {
    for (;;) {
      if (this.closed) return;
      const n = this.k.recvPlain(this.fd, this.rxBuf);
      if (n <= 0) return;
      for (const [seq, errno] of parseAcks(this.rxBuf.subarray(0, n))) {
        const cb = this.pending.get(seq);
        if (cb) { this.pending.delete(seq); cb(errno); }
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller.stop();
    this.k.close(this.fd);
    for (const cb of this.pending.values()) cb(9);
    this.pending.clear();
  }
}

const EAGAIN = 11, EINTR = 4, ENOBUFS = 105;
const READS_PER_WAKEUP = 32;

/**
 * keepalived 2.2.7's lines for a failed read of its netlink monitor socket (netlink_parse_info):
 * an overrun (ENOBUFS, events were dropped) or another recvmsg error.
 */
export function monitorRecvErrorLines(errno: number, text: string): string[] {
  return errno === ENOBUFS
    ? [`Netlink: Receive buffer overrun on monitor socket - (${text})`, '  - increase the relevant netlink_rcv_bufs global parameter and/or set force']
    : [`Netlink: recvmsg error on monitor socket  - ${errno} (${text})`];
}

/**
 * A socket in rtnetlink multicast groups; each received datagram goes to `onDatagram` (a copy it
 * may keep; the caller frames it, splitMessages()), a failed read (its errno) to `onError`. After ENOBUFS (the kernel
 * dropped notifications: the buffer was full) reading goes on with what the kernel queued next, and the
 * ENOBUFS is handed on once the queue has been read empty (see pump()).
 */
export class NlGroups {
  private readonly rxBuf = Buffer.alloc(65536);
  private readonly poller: KanetPoller;
  private closed = false;
  /** ENOBUFS was read; reported once the queue is empty. */
  private lost = false;

  private constructor(private readonly k: Kanet, private readonly fd: number,
    private readonly onDatagram: (datagram: Buffer) => void,
    private readonly onError: (errno: number) => void) {
    this.poller = new k.Poller(fd, () => this.pump());
  }

  /**
   * Reads a bounded number of datagrams: a flood of notifications must not keep timers (adverts)
   * waiting. The poll is level-triggered: what is left is read on the next turn of the loop.
   */
  private pump(): void {
    for (let budget = READS_PER_WAKEUP; budget > 0; budget--) {
      if (this.closed) return;
      const n = this.k.recvPlain(this.fd, this.rxBuf);
      if (n === -EINTR) continue;
      // ENOBUFS: the kernel dropped notifications. It says so once, then drops silently until
      // the queue has been read empty (netlink's "congested" state), so the loss is reported when
      // the queue is drained: whatever is dumped after that misses nothing unreported.
      if (n === -ENOBUFS) { this.lost = true; continue; }
      if (n === -EAGAIN && this.lost) { this.lost = false; this.onError(ENOBUFS); }
      if (n < 0 && n !== -EAGAIN) this.onError(-n);
      if (n <= 0) return;
      this.onDatagram(Buffer.from(this.rxBuf.subarray(0, n)));
    }
  }

  static open(groups: readonly number[], onDatagram: (datagram: Buffer) => void,
      onError: (errno: number) => void = () => {}): NlGroups | NativeError {
    const k = loadKanet();
    if (isNativeError(k)) return k;
    const fd = openSocket(k);
    if (typeof fd !== 'number') return fd;
    for (const g of groups) {
      const v = Buffer.alloc(4);
      v.writeInt32LE(g);
      const r = k.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, v);
      if (r < 0) { k.close(fd); return check(k, r, `NETLINK_ADD_MEMBERSHIP ${g}`)!; }
    }
    return new NlGroups(k, fd, onDatagram, onError);
  }

  /** Sizes the receive buffer (vrrp_netlink_monitor_rcv_bufs); 2.2.7's failure line, if any. */
  setRcvBuf(b: RcvBuf): string | undefined { return this.closed ? undefined : applyRcvBuf(this.fd, b); }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller.stop();
    this.k.close(this.fd);
  }
}
