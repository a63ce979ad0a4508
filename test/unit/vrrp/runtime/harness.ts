// Runs VRRP runtimes (src/vrrp/runtime) on fake kernels without root: each router has a FakeKernel
// with its interfaces, a keepalived.conf text parsed by the project parser, a logger that keeps
// keepalived's lines with the fake clock's time, and the notify events. Routers on one FakeSegment
// hear each other's adverts. Time moves only through advance().
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/common/clock.js';
import { makeLogger } from '../../../../src/common/log.js';
import type { KeepalivedConfig } from '../../../../src/config/model.js';
import { parseConfigText } from '../../../../src/config/load.js';
import { decodeAdvert } from '../../../../src/vrrp/packet.js';
import { VrrpRuntime, type StateChangeEvent } from '../../../../src/vrrp/runtime/vrrp-runtime.js';
import { FakeKernel, FakeSegment, type FakeLinkSpec, type KernelOp } from '../../../helpers/fake-kernel.js';
import { FakeTimers } from '../../../helpers/fake-timers.js';
import { nftText } from '../../../helpers/nft-render.js';

export interface LogLine { at: number; level: string; msg: string }

export class Router {
  readonly kernel: FakeKernel;
  readonly runtime: VrrpRuntime;
  readonly lines: LogLine[] = [];
  readonly notifies: (StateChangeEvent & { at: number })[] = [];

  constructor(readonly name: string, private readonly lab: Lab, links: FakeLinkSpec[],
      opts: { releaseVipsAlways?: boolean } = {}) {
    this.kernel = new FakeKernel(lab.clock, lab.timers);
    for (const l of links) this.kernel.addLink({ segment: lab.segment, ...l });
    this.kernel.ops.length = 0;
    const logger = makeLogger((level, msg) => { this.lines.push({ at: lab.clock.now(), level, msg }); }, 1);
    this.runtime = new VrrpRuntime({ logger, clock: lab.clock, timers: lab.timers, kernel: this.kernel, ...opts,
      onStateChange: (ev) => { this.notifies.push({ ...ev, at: lab.clock.now() }); } });
  }

  async start(conf: string): Promise<void> {
    await this.runtime.start(parse(conf));
    await this.lab.settle();
  }

  async reload(conf: string): Promise<void> {
    await this.runtime.reload(parse(conf));
    await this.lab.settle();
  }

  async stop(opts: { dontRelease?: boolean } = {}): Promise<void> {
    await this.runtime.stop(opts);
    await this.lab.settle();
  }

  state(instance = 'VI_1'): string | undefined { return this.runtime.stateOf(instance); }

  /** A mark for since(): the lines and operations so far. */
  mark(): { lines: number; ops: number } { return { lines: this.lines.length, ops: this.kernel.ops.length }; }

  /** Log lines after a mark (the clock may not have moved in between). */
  since(m: { lines: number }): string[] { return this.lines.slice(m.lines).map((l) => l.msg); }

  /** Kernel operations after a mark, described, optionally only some kinds. */
  opsSince(m: { ops: number }, kinds?: KernelOp['op'][]): string[] {
    return this.kernel.ops.slice(m.ops).filter((o) => !kinds || kinds.includes(o.op)).map(describe);
  }

  /** Log lines (text only) since `from` (clock time), optionally only those matching. */
  log(from = 0, match?: RegExp): string[] {
    return this.lines.filter((l) => l.at >= from && (!match || match.test(l.msg))).map((l) => l.msg);
  }

  /** Recorded kernel operations since `from`, adverts shown with their priority, others short. */
  ops(from = 0, kinds?: KernelOp['op'][]): string[] {
    return this.kernel.ops.filter((o) => o.at >= from && (!kinds || kinds.includes(o.op))).map(describe);
  }
}

export function describe(o: KernelOp): string {
  const e = o.error ? ` ! ${o.error}` : '';
  switch (o.op) {
    case 'advert': {
      const d = decodeAdvert(o.payload, o.dst.includes(':') ? 'inet6' : 'inet');
      return `advert ${o.ifname} ${o.src}>${o.dst} prio ${d.ok ? d.advert.priority : '?'}${e}`;
    }
    case 'addrAdd': case 'addrDel': return `${o.op} ${o.address}/${o.prefixLen} ${o.ifname}${e}`;
    case 'garp': case 'na': return `${o.op} ${o.address} ${o.ifname}${e}`;
    case 'socketOpen': case 'socketClose': return `${o.op} ${o.ifname} ${o.family}${o.group ? ` ${o.group}` : ''}${o.sendOnly ? ' tx' : ''}${e}`;
    case 'linkCreate': return `linkCreate ${o.ifname} on ${o.parent} ${o.mac}${o.kind === 'ipvlan' ? ` ipvlan ${o.mode}` : ''}${o.master ? ` master ${o.master}` : ''}${e}`;
    case 'linkDelete': return `linkDelete ${o.ifname}${e}`;
    case 'sysctl': return `sysctl ${o.key}=${o.value}${e}`;
    case 'rcvbuf': return `rcvbuf ${o.ifname} ${o.family} ${o.bytes}${e}`;
    case 'nftBatch': return `nft [${o.msgs.map(nftText).join('; ')}]${e}`;
    case 'nftTables': return `nft tables ${o.table}${e}`;
  }
}

export function parse(conf: string): KeepalivedConfig {
  const r = parseConfigText(conf, 'test.conf', { configId: 'test', hostname: 'test' });
  assert.ok(!r.aborted, `config aborted: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.config;
}

export class Lab {
  readonly clock = new FakeClock(0);
  readonly timers = new FakeTimers(this.clock);
  readonly segment = new FakeSegment(this.timers);

  router(name: string, links: FakeLinkSpec[], opts: { releaseVipsAlways?: boolean } = {}): Router {
    return new Router(name, this, links, opts);
  }

  get now(): number { return this.clock.now(); }

  /** Moves time on by `ms`, running every timer, packet and event that falls due. */
  advance(ms: number): Promise<void> { return this.timers.advance(ms); }

  /** Delivers what is due now (events, packets) and lets promises settle. */
  settle(): Promise<void> { return this.timers.advance(0); }
}

/** A one-instance config (v2, 1 s adverts). `extra`: more lines in the instance block. */
export function instanceConf(o: { priority: number; vips?: string[]; state?: 'MASTER' | 'BACKUP'; extra?: string[]; iface?: string; global?: string[] }): string {
  return [
    'global_defs {', ...(o.global ?? []).map((l) => `  ${l}`), '}',
    'vrrp_instance VI_1 {',
    `  state ${o.state ?? 'BACKUP'}`,
    `  interface ${o.iface ?? 'eth0'}`,
    '  virtual_router_id 51',
    `  priority ${o.priority}`,
    '  advert_int 1',
    ...(o.extra ?? []).map((l) => `  ${l}`),
    '  virtual_ipaddress {',
    ...(o.vips ?? ['10.0.0.100/24']).map((v) => `    ${v}`),
    '  }',
    '}',
  ].join('\n');
}
