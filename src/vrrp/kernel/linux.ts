// The real KernelPort: thin wrappers around src/vrrp/io/* (rtnetlink dumps and monitor through the
// netlink library, VIP requests on our own NETLINK_ROUTE socket, raw VRRP sockets and the AF_PACKET
// frame sender of the native addon), /proc/sys for sysctls, and nf_tables batches for the VIP
// firewall (src/vrrp/firewall/nft-socket.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { NftSocket } from '../firewall/nft-socket.js';
import { FrameSender } from '../io/frame-sender.js';
import { linkProbe } from '../io/link-probe.js';
import { errnoName, isNativeError, strerror, type NativeError } from '../io/native.js';
import { NlAddr } from '../io/nl-addr.js';
import { Rtnl } from '../io/rtnl.js';
import { VrrpSocket } from '../io/vrrp-socket.js';
import type { KernelError, KernelPort, KernelProblem, VrrpChannel } from './port.js';
import { LinuxRoutes } from './linux-routes.js';
import type { RcvBuf } from '../io/rcvbuf.js';

const fromNative = (e: NativeError): KernelError => ({ code: errnoName(e.errno), errno: e.errno,
  text: strerror(e.errno), message: e.message });

const closedError = (what: string): KernelError => ({ code: 'EBADF', errno: 9, text: strerror(9), message: `${what}: channel not open` });

export class LinuxKernel implements KernelPort {
  private rtnl?: Rtnl;
  private nl?: NlAddr;
  private fs?: FrameSender;
  /** Opened on first use (only configurations that need the VIP firewall open it). */
  private readonly nft = new NftSocket();

  open(): KernelProblem[] {
    const problems: KernelProblem[] = [];
    this.rtnl = Rtnl.open();
    const nl = NlAddr.open();
    if (isNativeError(nl)) problems.push({ channel: 'command', message: nl.message });
    else this.nl = nl;
    this.routes.open();
    if (this.routes.problem) problems.push({ channel: 'routes', message: this.routes.problem });
    const fs = FrameSender.open();
    if (isNativeError(fs)) problems.push({ channel: 'frames', message: fs.message });
    else this.fs = fs;
    return problems;
  }

  private get rt(): Rtnl {
    if (!this.rtnl) throw new Error('LinuxKernel: open() first');
    return this.rtnl;
  }

  readonly net: KernelPort['net'] = {
    links: () => this.rt.links(),
    addresses: () => this.rt.addresses(),
    monitor: (cb, onError) => { this.rt.monitor(cb, onError); this.sizeRtnl(); },
  };

  /** vrrp_netlink_*_rcv_bufs, kept for the sockets opened after they were set. */
  private bufs?: { cmd: RcvBuf; monitor: RcvBuf; log: (line: string) => void };

  setNetlinkRcvBufs(cmd: RcvBuf, monitor: RcvBuf, log: (line: string) => void): void {
    this.bufs = { cmd, monitor, log };
    this.sizeRtnl();
    const l = this.nl?.setRcvBuf(cmd);
    if (l) log(l);
    this.routes.setRcvBufs(cmd, monitor, log);
  }

  private sizeRtnl(): void {
    if (!this.bufs || !this.rtnl) return;
    for (const l of this.rtnl.setRcvBufs(this.bufs.cmd, this.bufs.monitor)) this.bufs.log(l);
  }

  readonly addrs: KernelPort['addrs'] = {
    prepare: (vip, ifindex) => this.nl?.prepare(vip, ifindex),
    add: (vip, ifindex) => this.nl ? this.nl.addAddress(vip, ifindex) : Promise.resolve(closedError(`add ${vip.address}`)),
    del: (vip, ifindex) => this.nl ? this.nl.delAddress(vip, ifindex) : Promise.resolve(closedError(`del ${vip.address}`)),
  };

  readonly sockets: KernelPort['sockets'] = {
    open: (opts, onRx, onError) => {
      const s = VrrpSocket.open(opts, onRx, (e) => onError(fromNative(e)));
      if (isNativeError(s)) return fromNative(s);
      const ch: VrrpChannel = {
        fd: s.fd,
        send: (payload, dst, src) => { const e = s.send(payload, dst, src); return e && fromNative(e); },
        drain: () => s.drain(),
        setRcvBuf: (bytes) => { const e = s.setRcvBuf(bytes); return e && fromNative(e); },
        close: () => s.close(),
      };
      return ch;
    },
  };

  readonly frames: KernelPort['frames'] = {
    send: (frame, ifindex) => {
      if (!this.fs) return closedError(`sendFrame ifindex ${ifindex}`);
      const e = this.fs.send(frame, ifindex);
      return e && fromNative(e);
    },
  };

  readonly links: KernelPort['links'] = {
    createMacvlan: (parent, name, mac, opts) => this.rt.createMacvlan(parent, name, mac, !opts?.down, opts?.master),
    createIpvlan: (parent, name, opts) => this.rt.createIpvlan(parent, name, opts.mode, opts.master),
    setUp: (index) => this.rt.setLinkUp(index),
    delete: (index) => this.rt.deleteLink(index),
  };

  readonly sysctl: KernelPort['sysctl'] = {
    read: (key) => {
      try { return readFileSync(`/proc/sys/${key}`, 'utf8').trim(); } catch (e) { return fsError(e); }
    },
    write: (key, value) => {
      try { writeFileSync(`/proc/sys/${key}`, value); return undefined; } catch (e) { return fsError(e); }
    },
  };

  readonly firewall: KernelPort['firewall'] = {
    tables: (name) => this.nft.tables(name),
    apply: (msgs) => this.nft.apply(msgs),
  };

  readonly linkbeat: KernelPort['linkbeat'] = {
    probe: (ifname, kind) => { const r = linkProbe(ifname, kind); return typeof r === 'number' ? r : fromNative(r); },
  };
  readonly routes = new LinuxRoutes();

  close(): void {
    this.nft.close();
    this.routes.close();
    this.fs?.close();
    this.nl?.close();
    this.rtnl?.close();
    this.fs = undefined;
    this.nl = undefined;
    this.rtnl = undefined;
  }
}

function fsError(e: unknown): KernelError {
  const err = e as NodeJS.ErrnoException;
  const errno = Math.abs(err.errno ?? 5);
  return { code: err.code ?? 'EIO', errno, text: strerror(errno), message: err.message ?? String(e) };
}
