// Bytes of the kernel's process-event connector (linux/connector.h, linux/cn_proc.h): the listen /
// ignore request we send, and the event datagrams we receive. A datagram is a netlink header (16
// bytes), a cn_msg (20 bytes: idx, val, seq, ack, len, flags) and a proc_event (what, cpu, 8-byte
// timestamp, then the event's fields). Only the events track_process uses are decoded; the rest are
// 'other'. Also the per-CPU sequence check that tells how many events were missed.

export const CN_IDX_PROC = 1;
export const CN_VAL_PROC = 1;
const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const EV = NLMSG_HDRLEN + CN_MSG_LEN; // proc_event offset
const DATA = EV + 16;                 // event_data offset

export const PROC_EVENT = { NONE: 0, FORK: 1, EXEC: 2, COMM: 0x200, EXIT: 0x80000000 } as const;

/** PROC_CN_MCAST_LISTEN / PROC_CN_MCAST_IGNORE request, sent to the kernel (port 0). */
export function listenRequest(enable: boolean, pid: number): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + 4);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(pid >>> 0, 12);
  b.writeUInt32LE(CN_IDX_PROC, 16);
  b.writeUInt32LE(CN_VAL_PROC, 20);
  b.writeUInt16LE(4, 32);
  b.writeUInt32LE(enable ? 1 : 2, 36);
  return b;
}

export type ProcEvent =
  | { kind: 'ack'; cpu: number; seq: number }
  | { kind: 'fork'; cpu: number; seq: number; parentPid: number; parentTgid: number; childPid: number; childTgid: number }
  | { kind: 'exec'; cpu: number; seq: number; pid: number; tgid: number }
  | { kind: 'comm'; cpu: number; seq: number; pid: number; tgid: number; comm: Buffer }
  | { kind: 'exit'; cpu: number; seq: number; pid: number; tgid: number }
  | { kind: 'other'; cpu: number; seq: number; what: number };

/**
 * Decodes one datagram of `n` bytes. Undefined for what keepalived skips without a word: netlink
 * NOOP/ERROR, another connector, a cpu number >= cpus, an ack flag that does not fit the event;
 * 'short' when the netlink length is invalid ("proc_event !NLMSG_OK").
 */
export function decodeProcEvent(buf: Buffer, n: number, cpus: number): ProcEvent | 'short' | undefined {
  if (n < NLMSG_HDRLEN) return 'short';
  const len = buf.readUInt32LE(0);
  if (len < NLMSG_HDRLEN || len > n) return 'short';
  const type = buf.readUInt16LE(4);
  if (type === NLMSG_ERROR || type === NLMSG_NOOP) return undefined;
  if (n < DATA) return undefined;
  if (buf.readUInt32LE(16) !== CN_IDX_PROC || buf.readUInt32LE(20) !== CN_VAL_PROC) return undefined;
  const seq = buf.readUInt32LE(24);
  const ack = buf.readUInt32LE(28);
  const what = buf.readUInt32LE(EV);
  const cpu = buf.readUInt32LE(EV + 4);
  if (cpu >= cpus) return undefined;
  if ((what === PROC_EVENT.NONE ? 1 : 0) !== ack) return undefined;
  const u32 = (i: number) => (n >= DATA + 4 * (i + 1) ? buf.readUInt32LE(DATA + 4 * i) : 0);
  switch (what) {
    case PROC_EVENT.NONE: return { kind: 'ack', cpu, seq };
    case PROC_EVENT.FORK: return { kind: 'fork', cpu, seq, parentPid: u32(0), parentTgid: u32(1), childPid: u32(2), childTgid: u32(3) };
    case PROC_EVENT.EXEC: return { kind: 'exec', cpu, seq, pid: u32(0), tgid: u32(1) };
    case PROC_EVENT.COMM: {
      const raw = buf.subarray(DATA + 8, Math.min(n, DATA + 24));
      const nul = raw.indexOf(0);
      return { kind: 'comm', cpu, seq, pid: u32(0), tgid: u32(1), comm: Buffer.from(nul < 0 ? raw : raw.subarray(0, nul)) };
    }
    case PROC_EVENT.EXIT: return { kind: 'exit', cpu, seq, pid: u32(0), tgid: u32(1) };
    default: return { kind: 'other', cpu, seq, what };
  }
}

/**
 * Per-CPU sequence numbers: each event's seq should follow the previous one of its CPU. Returns the
 * number of events missed before this one (0 when in order or when the CPU had no event yet).
 */
export class SeqTracker {
  private last: number[];
  constructor(cpus: number) { this.last = new Array<number>(cpus).fill(-1); }
  reset(): void { this.last.fill(-1); }
  /** Records `seq` for `cpu`; returns how many were missed (keepalived's "Missed N messages on CPU c"). */
  see(cpu: number, seq: number): number {
    const prev = this.last[cpu] ?? -1;
    this.last[cpu] = seq;
    if (prev === -1 || prev + 1 === seq || (seq === 0 && prev === 0xffffffff)) return 0;
    return seq - prev - 1;
  }
}
