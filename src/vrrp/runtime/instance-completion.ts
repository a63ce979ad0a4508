// 2.2.7's vrrp_complete_instance for each instance of a file, in its order: the parameter lines,
// the firewall's line at the first instance that needs it, then a kept one (at a reload: its
// parameter lines) finds the VMAC / ipvlan it made ("Found matching interface") and a new one is
// made (VMAC, ipvlan, socket, VIP requests prepared); "Assigned address" for each interface no
// instance before used (measured in the qemu guest: test/vm/links/keepalived-2.2.7.txt). Then the
// track groups' lines and the sync groups over the members.
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import { SyncGroupCore } from '../sync-group.js';
import type { VipFirewall } from '../firewall/vip-firewall.js';
import { trackGroups } from '../track-groups.js';
import { assignedLines } from './assigned-lines.js';
import type { InstanceFactory } from './instance-factory.js';
import { configuredIfname, vipList, type Inst } from './instance.js';
import type { LinkTable } from './link-table.js';
import type { VipExecutor } from './vip-executor.js';

export interface CompletionDeps {
  firewall: Pick<VipFirewall, 'configure'>;
  factory: Pick<InstanceFactory, 'derive' | 'create'>;
  vips: Pick<VipExecutor, 'prepare'>;
  links: LinkTable;
  log: Logger;
  /** The running instances (new ones are added) and sync groups (new ones are added), by name. */
  insts: Map<string, Inst>;
  groups: Map<string, SyncGroupCore>;
}

export class InstanceCompletion {
  constructor(private readonly d: CompletionDeps) {}

  /**
   * Completes the file's instances named in `start` (made now) and in `kept` (running, with their
   * parameter lines); the instances made, in order.
   */
  async complete(config: KeepalivedConfig, start: readonly VrrpInstance[],
    kept: ReadonlyMap<string, { logs: readonly string[] }> = new Map()): Promise<Inst[]> {
    const { log, insts } = this.d;
    const fw = this.d.firewall.configure(config);
    const assigned = new Set<string>();
    const assign = (names: readonly string[]): void =>
      this.logAssigned(names.filter((n) => !assigned.has(n) && !!assigned.add(n)), config);
    const created: Inst[] = [];
    const starting = new Set(start.map((c) => c.name));
    for (const cfg of config.vrrpInstances) {
      const k = kept.get(cfg.name);
      if (!k && !starting.has(cfg.name)) continue;
      const derived = k ? undefined : this.d.factory.derive(cfg, config);
      for (const l of k?.logs ?? derived?.logs ?? []) log.info(l);
      if (fw.at === cfg.name) for (const l of fw.logs) log.info(l);
      const old = k ? insts.get(cfg.name) : undefined;
      if (old) {
        const made = old.vmac ?? (old.ipvlan?.index ? old.ipvlan : undefined);
        if (made) log.info(`(${cfg.name}) Found matching interface ${made.name}`);
        assign([configuredIfname(old), ...(old.ipvlan?.index ? [old.ipvlan.name] : [])]);
        continue;
      }
      assign([cfg.interface ?? config.global.defaultInterface]);
      const inst = await this.d.factory.create(cfg, config, derived!);
      if (!inst) continue;
      if (inst.ipvlan) assigned.add(inst.ipvlan.name);
      insts.set(cfg.name, inst);
      this.d.vips.prepare(inst);
      created.push(inst);
    }
    for (const l of trackGroups(config).lines) log.info(l);
    for (const g of config.vrrpSyncGroups) {
      const members = g.group.map((n) => insts.get(n)).filter((x): x is Inst => !!x);
      if (members.length === 0 || this.d.groups.has(g.name)) continue;
      const core = new SyncGroupCore(g.name, members.map((m) => m.fsm));
      this.d.groups.set(g.name, core);
      for (const m of members) m.group = core;
    }
    return created;
  }

  /** "Assigned address" lines for these interfaces, VIPs of the file and of the running instances excepted. */
  private logAssigned(names: readonly string[], config: KeepalivedConfig): void {
    const running = [...this.d.insts.values()];
    const cfgs = [...config.vrrpInstances, ...running.map((i) => i.cfg)];
    const vips = new Set(cfgs.flatMap((c) => vipList(c).map((v) => v.address)));
    const ipvlanAddr = new Map(running.flatMap((i) => {
      const a = i.cfg.useIpvlan?.address;
      return i.ipvlan && a ? [[i.ipvlan.name, a] as const] : [];
    }));
    const links = this.d.links;
    const lines = assignedLines(names, { link: (n) => links.get(n), addressesOf: (i) => links.addressesOf(i), vips,
      ipvlanAddr });
    for (const l of lines) this.d.log.detail(l);
  }
}
