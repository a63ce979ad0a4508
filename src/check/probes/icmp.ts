// PING_CHECK probe: one ICMP / ICMPv6 echo per check on a datagram ICMP socket, as keepalived
// 2.2.7's check_ping.c: a new socket(AF_INET[6], SOCK_DGRAM, IPPROTO_ICMP[V6]) per check (made by
// the kanet addon, watched with its Poller: no child process), SO_RCVBUF 128 KiB, an echo request
// of 8 + 128 bytes ("keepalived check - " repeated) whose sequence number comes from one counter,
// and success on the first echo reply before connect_timeout (milliseconds). The kernel gives a
// datagram ICMP socket only the replies carrying its own echo id. 2.2.7 sets no bindto, bind_if or
// fwmark on this socket, and neither do we. Such a socket needs the caller's group inside
// net.ipv4.ping_group_range: ping-group.ts widens it as keepalived does.
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { C, loadKanet, isNativeError, type Kanet, type KanetPoller } from '../../vrrp/io/native.js';
import { fillPattern } from './pattern.js';
import { parseIp } from '../../vrrp/addr.js';
import { once } from './once.js';

const SOCK_DGRAM = 2;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
const ICMP_ECHO = 8, ICMP_ECHOREPLY = 0;
const ICMP6_ECHO_REQUEST = 128, ICMP6_ECHO_REPLY = 129;
const PAYLOAD = 128;
const RCVBUF = 128 * 1024;

/** One sequence counter for every PING_CHECK of the process (2.2.7's static seq_no). */
let seqNo = 0;

/** The echo request keepalived sends: type, code 0, checksum and id 0 (the kernel sets both), seq. */
export function echoRequest(v6: boolean, seq: number): Buffer {
  const b = Buffer.alloc(8 + PAYLOAD);
  b[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  // 2.2.7 stores the counter in host byte order (little-endian on x86/arm64).
  b.writeUInt16LE(seq & 0xffff, 6);
  fillPattern(b.subarray(8));
  return b;
}

/** What one received datagram means: success, or keepalived's line for a bad one. */
export function judgeReply(v6: boolean, n: number, buf: Buffer): Outcome {
  const what = v6 ? 'ICMPv6' : 'ICMP';
  if (n < 0) return { ok: false, why: 'failed', errLine: `recv ${what} packet error` };
  if (n < 8) return { ok: false, why: 'failed', errLine: `Error, got short ${what} packet, ${n} bytes` };
  const type = buf[0]!;
  if (type !== (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY)) return { ok: false, why: 'failed', errLine: `Got ${what} packet with type 0x${type.toString(16)}` };
  return { ok: true };
}

const TIMEOUT: Outcome = Object.freeze({ ok: false, why: 'timeout' });

/** One echo to `host` (an IP literal) within timeoutMs. */
export function icmpEcho(host: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const v6 = host.includes(':');
    const k: Kanet | string = (() => { const x = loadKanet(); return isNativeError(x) ? x.message : x; })();
    // socket() refused: keepalived logs this and tries again after delay_loop, the state untouched.
    const noSocket = (): void => { process.nextTick(resolve, { ok: false, why: 'error', errLine: `ICMP${v6 ? 'v6' : ''} connect fail to create socket. Rescheduling.` }); };
    if (typeof k === 'string') { noSocket(); return; }
    const a = parseIp(host, v6 ? 'inet6' : 'inet');
    const addr = a ? Buffer.from(a) : null;
    const fd = addr ? k.socket(v6 ? C.AF_INET6 : C.AF_INET, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) : -1;
    if (fd < 0) { noSocket(); return; }
    const rb = Buffer.alloc(4);
    rb.writeInt32LE(RCVBUF);
    k.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, rb); // a failure only changes the buffer size
    let poller: KanetPoller | null = null;
    let timer: NodeJS.Timeout | null = null;
    const finish = once((o: Outcome): void => {
      if (timer) clearTimeout(timer);
      if (poller) poller.stop();
      k.close(fd);
      resolve(o);
    });
    const sent = k.sendto(fd, echoRequest(v6, seqNo++), v6 ? C.AF_INET6 : C.AF_INET, addr!, 0);
    if (sent < 0) {
      const line = v6 ? `send ICMPv6 packet fail - errno ${-sent}` : 'send ICMP packet fail';
      process.nextTick(finish, { ok: false, why: 'failed', errLine: line });
      return;
    }
    const buf = Buffer.alloc(8 + PAYLOAD);
    timer = setTimeout(finish, timeoutMs, TIMEOUT);
    poller = new k.Poller(fd, () => {
      const n = k.recvPlain(fd, buf);
      if (n === -C.EAGAIN) return;
      finish(judgeReply(v6, n, buf));
    });
  });
}

export function pingProbe(spec: ProbeSpec): Probe {
  const p = spec.params;
  const key = `PING|${p.connectIp}|${p.connectTimeoutMs}`;
  return { key: () => key, run: () => icmpEcho(p.connectIp, p.connectTimeoutMs) };
}
