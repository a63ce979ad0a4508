// The real RouteOps of the KernelPort: route and rule requests (nl-route.ts codecs) on a request
// socket of our own (nl-channel.ts), errors worded as keepalived 2.2.7 logs them, and route / rule
// notifications from a socket in the rtnetlink groups asked for, each marked `own` when our request
// caused it (its nlmsg_pid is our request socket's port id).
import type { VirtualRoute, VirtualRule } from '../../config/model.js';
import { errnoName, isNativeError } from '../io/native.js';
import { NlGroups, NlRequests, type NlAnswer } from '../io/nl-channel.js';
import { decodeRouteRuleMessage, encodeRouteRequest, encodeRuleRequest, nlMsgTypeName, RTNLGRP, type IfindexOf, type RouteOp } from '../io/nl-route.js';
import type { KernelError, RouteGroups, RouteOps, RouteRuleEvent } from './port.js';
import type { RcvBuf } from '../io/rcvbuf.js';

export class LinuxRoutes implements RouteOps {
  private req?: NlRequests;
  private groups?: NlGroups;
  /** Why the request socket could not be opened (every request then fails with it). */
  problem?: string;

  open(): void {
    const r = NlRequests.open();
    if (isNativeError(r)) this.problem = r.message;
    else this.req = r;
  }

  private answer(msg: Buffer | undefined, what: string): Promise<KernelError | undefined> {
    const type = msg ? msg.readUInt16LE(4) : 0;
    if (!this.req) return Promise.resolve({ errno: 9, code: 'EBADF', text: 'Bad file descriptor', message: `${what}: netlink socket not open${this.problem ? ` (${this.problem})` : ''}` });
    if (!msg) return Promise.resolve(this.error(19, 0, type, what));
    const { answer } = this.req.request(msg);
    return answer.then((a: NlAnswer) => (a.errno === 0 ? undefined : this.error(a.errno, a.seq, type, what)));
  }

  private error(errno: number, seq: number, type: number, what: string): KernelError {
    const text = this.req ? this.req.k.strerror(errno) : `errno ${errno}`;
    return { errno, code: errnoName(errno), text, message: type ? `Netlink: error: ${text}(${errno}), type=${nlMsgTypeName(type)}(${type}), seq=${seq}, pid=0` : `${what}: ${text}` };
  }

  route(op: RouteOp, route: VirtualRoute, ifindexOf: IfindexOf): Promise<KernelError | undefined> {
    // an interface that does not exist: keepalived sends its old index 0, which the kernel refuses
    const msg = encodeRouteRequest(route, op, ifindexOf) ?? encodeRouteRequest(route, op, () => 0);
    return this.answer(msg, `${op} route`);
  }

  rule(op: 'add' | 'del', rule: VirtualRule): Promise<KernelError | undefined> {
    return this.answer(encodeRuleRequest(rule, op), `${op} rule`);
  }

  private subscribed = '';
  /** vrrp_netlink_cmd / _monitor_rcv_bufs, kept for a notification socket opened later; failures go to `log`. */
  private bufs?: { cmd: RcvBuf; monitor: RcvBuf; log: (line: string) => void };

  /** Sizes the request socket's and the notification socket's receive buffers, now and when (re)opened. */
  setRcvBufs(cmd: RcvBuf, monitor: RcvBuf, log: (line: string) => void): void {
    this.bufs = { cmd, monitor, log };
    for (const l of [this.req?.setRcvBuf(cmd), this.groups?.setRcvBuf(monitor)]) if (l) log(l);
  }

  /** Subscribes (again, when a reload changes the groups). */
  monitor(g: RouteGroups, cb: (ev: RouteRuleEvent) => void): void {
    const key = JSON.stringify(g);
    if (key === this.subscribed) return;
    this.groups?.close();
    this.groups = undefined;
    this.subscribed = key;
    const want: [boolean, number][] = [[g.routes4, RTNLGRP.IPV4_ROUTE], [g.routes6, RTNLGRP.IPV6_ROUTE], [g.rules4, RTNLGRP.IPV4_RULE], [g.rules6, RTNLGRP.IPV6_RULE]];
    const list = want.filter(([on]) => on).map(([, grp]) => grp);
    if (list.length === 0) return;
    const s = NlGroups.open(list, (msg) => {
      const d = decodeRouteRuleMessage(msg);
      if (!d) return;
      if ('route' in d) cb({ kind: 'route', ev: d.route, own: !!this.req && d.route.pid === this.req.portId });
      else cb({ kind: 'rule', ev: d.rule, own: !!this.req && d.rule.pid === this.req.portId });
    });
    if (isNativeError(s)) { this.problem ??= s.message; return; }
    this.groups = s;
    const l = this.bufs && s.setRcvBuf(this.bufs.monitor);
    if (l) this.bufs!.log(l);
  }

  close(): void {
    this.groups?.close();
    this.req?.close();
    this.groups = undefined;
    this.req = undefined;
  }
}
