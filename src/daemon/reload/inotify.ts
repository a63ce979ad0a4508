// inotify(7) through the project's addon (native/src/inotify.cc): an instance, its watches, and
// its events decoded (struct inotify_event: wd, mask, cookie, len, name) and handed on as they
// become readable (kanet's Poller).
import { isNativeError, loadKanet, type Kanet, type KanetPoller } from '../../vrrp/io/native.js';

export const IN = {
  MODIFY: 0x2, CLOSE_WRITE: 0x8, MOVED_FROM: 0x40, MOVED_TO: 0x80, CREATE: 0x100, DELETE: 0x200,
  DELETE_SELF: 0x400, MOVE_SELF: 0x800,
} as const;

export interface InotifyEvent { wd: number; mask: number; name: string }

interface InotifyAddon extends Kanet {
  inotifyInit(): number;
  inotifyAddWatch(fd: number, path: string, mask: number): number;
  inotifyRmWatch(fd: number, wd: number): number;
  readFd(fd: number, buf: Buffer): number;
}

/** The events in one read(2) of an inotify descriptor. */
export function decodeInotify(buf: Buffer, n: number): InotifyEvent[] {
  const out: InotifyEvent[] = [];
  for (let off = 0; off + 16 <= n;) {
    const len = buf.readUInt32LE(off + 12);
    const raw = buf.subarray(off + 16, Math.min(n, off + 16 + len));
    const nul = raw.indexOf(0);
    out.push({ wd: buf.readInt32LE(off), mask: buf.readUInt32LE(off + 4),
      name: raw.subarray(0, nul < 0 ? raw.length : nul).toString() });
    off += 16 + len;
  }
  return out;
}

/** One inotify instance; `onEvents` gets every batch read. */
export class Inotify {
  private readonly buf = Buffer.alloc(4096);
  private poller?: KanetPoller;
  private closed = false;

  private constructor(private readonly k: InotifyAddon, private readonly fd: number,
      onEvents: (evs: InotifyEvent[]) => void) {
    this.poller = new k.Poller(fd, () => {
      for (;;) {
        if (this.closed) return;
        const n = this.k.readFd(this.fd, this.buf);
        if (n <= 0) return;
        onEvents(decodeInotify(this.buf, n));
      }
    });
  }

  /** A new instance, or the errno. */
  static open(onEvents: (evs: InotifyEvent[]) => void): Inotify | { errno: number } {
    const k = loadKanet();
    if (isNativeError(k)) return { errno: k.errno };
    const a = k as InotifyAddon;
    const fd = a.inotifyInit();
    return fd < 0 ? { errno: -fd } : new Inotify(a, fd, onEvents);
  }

  /** A watch descriptor, or -errno. */
  add(path: string, mask: number): number { return this.closed ? -9 : this.k.inotifyAddWatch(this.fd, path, mask); }

  remove(wd: number): void { if (!this.closed && wd >= 0) this.k.inotifyRmWatch(this.fd, wd); }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.stop();
    this.poller = undefined;
    this.k.close(this.fd);
  }
}
