// Sends prebuilt Ethernet frames (gratuitous ARP, unsolicited NA) through one AF_PACKET SOCK_RAW
// socket, like keepalived's "gratuitous ARP shared channel". Protocol 0: it never receives.
import { C, check, isNativeError, loadKanet, type Kanet, type NativeError } from './native.js';

export class FrameSender {
  private constructor(private readonly k: Kanet, private fd: number) {}

  static open(): FrameSender | NativeError {
    const k = loadKanet();
    if (isNativeError(k)) return k;
    const fd = k.socket(C.AF_PACKET, C.SOCK_RAW, 0);
    if (fd < 0) return check(k, fd, 'socket(AF_PACKET)')!;
    return new FrameSender(k, fd);
  }

  send(frame: Buffer, ifindex: number): NativeError | undefined {
    if (this.fd < 0) return { errno: 9, op: 'sendFrame', message: 'sendFrame: closed' };
    return check(this.k, this.k.sendFrame(this.fd, frame, ifindex), `sendFrame ifindex ${ifindex}`);
  }

  close(): void { if (this.fd >= 0) { this.k.close(this.fd); this.fd = -1; } }
}
