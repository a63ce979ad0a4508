// The real RouteOps of the KernelPort: route and rule requests (nl-route.ts codecs) on a request
// socket of our own (nl-channel.ts), errors worded as keepalived 2.2.7 logs them, and route / rule
// notifications from a socket in the rtnetlink groups asked for, each marked `own` when our request
// caused it (its nlmsg_pid is our request socket's port id).
import type { VirtualRoute, VirtualRule } from '../../config/model.js';
import { errnoName, isNativeError, strerror } from '../io/native.js';
import { monitorRecvErrorLines, NlGroups, NlRequests, type NlAnswer } from '../io/nl-channel.js';
import { decodeRouteRuleMessage, encodeRouteRequest, encodeRuleRequest, nlMsgTypeName, RTNLGRP, splitMessages, type IfindexOf, type RouteOp, type RouteEvent, type RuleEvent } from '../io/nl-route.js';
import { malformedInput } from '../../common/malformed.js';
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
    const want: [boolean, number][] = [[g.routes4, RTNLGRP.IPV4_ROUTE], [g.routes6, RTNLGRP.IPV6_ROUTE],
      [g.rules4, RTNLGRP.IPV4_RULE], [g.rules6, RTNLGRP.IPV6_RULE]];
    const list = want.filter(([on]) => on).map(([, grp]) => grp);
    if (list.length === 0) return;
    const s = NlGroups.open(list, (datagram) => {
      for (const ev of routeRuleEventsOf(datagram)) {
        if ('route' in ev) cb({ kind: 'route', ev: ev.route, own: !!this.req && ev.route.pid === this.req.portId });
        else cb({ kind: 'rule', ev: ev.rule, own: !!this.req && ev.rule.pid === this.req.portId });
      }
      // a failed read is logged as 2.2.7 logs its monitor socket's (through the runtime's logger,
      // which setRcvBufs gave us at start); route events lost to an overrun are not recovered
    }, (errno) => { for (const l of monitorRecvErrorLines(errno, strerror(errno))) this.bufs?.log(l); });
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

/**
 * The route and rule notifications of one datagram of the route/rule groups, in order; malformed
 * messages, messages of other rtnetlink types, and bytes after the last whole message are dropped
 * and noted (common/malformed.ts).
 */
export function routeRuleEventsOf(datagram: Buffer): ({ route: RouteEvent } | { rule: RuleEvent })[] {
  const msgs = splitMessages(datagram);
  if (msgs.rest) malformedInput.note('rtnetlink', 'framing', `${msgs.rest} bytes after the last whole message`);
  const out: ({ route: RouteEvent } | { rule: RuleEvent })[] = [];
  for (const m of msgs) {
    const d = decodeRouteRuleMessage(m);
    if ('malformed' in d) malformedInput.note('rtnetlink', `route-rule-${d.malformed}`, `message type ${m.readUInt16LE(4)}`);
    // the route and rule groups carry nothing else (netlink's own control messages, types below 16, aside)
    else if ('skip' in d) { if (d.skip >= 16) malformedInput.note('rtnetlink', 'route-rule-type', String(d.skip)); }
    else out.push(d);
  }
  return out;
}
