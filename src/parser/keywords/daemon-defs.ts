// global_defs keywords about the daemon's plumbing (keepalived/core/global_parser.c), with 2.2.7's
// checks and messages: the receive buffers of its netlink sockets (*_rcv_bufs, *_rcv_bufs_force),
// reloads (reload_check_config, reload_time_file, reload_repeat, reload_file), config_save_dir
// (created here through the host's files when missing, as 2.2.7's parent does while it reads the
// file, -t included), tmp_config_directory and random_seed. The daemon applies them (src/daemon/,
// src/vrrp/io/nl-bufs.ts).
import type { KeywordDef, KwArgs } from '../schema.js';
import type { GlobalDefs, NetlinkBufKind } from '../../config/model.js';
import { parseBool, readUnsigned } from '../values.js';
import { isHostError } from '../../host/facts.js';

type G = GlobalDefs;

const BUF_KINDS: readonly NetlinkBufKind[] = ['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'process_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor'];

/** `KIND_rcv_bufs SIZE`: 0 leaves the size as it was (2.2.7 only stores a non-zero value). */
function rcvBufs(kind: NetlinkBufKind): KeywordDef<G> {
  return {
    name: `${kind}_rcv_bufs`, priority: 'P1', args: ['uint'],
    handle: (g, a) => {
      const t = a.opt(1);
      if (t === undefined) { a.error(`${kind}_rcv_bufs size missing`); return; }
      const v = readUnsigned(a, t, 0, 4294967295);
      if (v === undefined) { a.error(`${kind}_rcv_bufs size (${t}) invalid`); return; }
      if (v) ((g.netlinkRcvBufs ??= {})[kind] ??= {}).size = v;
    },
  };
}

/** `KIND_rcv_bufs_force [BOOL]` (bare: true). */
function rcvBufsForce(kind: NetlinkBufKind): KeywordDef<G> {
  const name = `${kind}_rcv_bufs_force`;
  return {
    name, priority: 'P1', args: ['bool'],
    handle: (g, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      if (v === undefined) { a.error(`Invalid value '${t}' for global ${name} specified`); return; }
      ((g.netlinkRcvBufs ??= {})[kind] ??= {}).force = v;
    },
  };
}

/** config_save_dir's check: an existing directory, else one created (mode 0700) where nothing exists. */
function saveDir(a: KwArgs, dir: string): string | undefined {
  const keep = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  const st = a.host.files.stat(dir);
  if (isHostError(st)) {
    if (st.code !== 'ENOENT') { a.error(`config_save_dir ${dir} error ${st.errno} - ${st.text}`); return undefined; }
    const m = a.host.files.mkdir(dir, 0o700);
    if (!m) return keep;
    a.error(`Unable to create config_save_dir ${dir} (error ${m.errno} - ${m.text})`);
    return undefined;
  }
  if (st.kind === 'dir') return keep;
  a.error(`config_save_dir ${dir} exists and is not a directory`);
  return undefined;
}

export const daemonKeywords: KeywordDef<G>[] = [
  ...BUF_KINDS.flatMap((k) => [rcvBufs(k), rcvBufsForce(k)]),
  {
    name: 'reload_check_config', priority: 'P1', args: ['string'],
    handle: (g, a) => { g.reloadCheckConfig = a.opt(1) ?? '/dev/null'; },
  },
  {
    name: 'reload_time_file', priority: 'P1', args: ['string'],
    handle: (g, a) => { if (a.size !== 2) { a.error('reload_time_file invalid'); return; } g.reloadTimeFile = a.need(1); },
  },
  { name: 'reload_repeat', priority: 'P1', args: ['none'], handle: (g) => { g.reloadRepeat = true; } },
  {
    name: 'reload_file', priority: 'P1', args: ['string'],
    handle: (g, a) => { g.reloadFile = a.opt(1) ?? true; },
  },
  {
    name: 'config_save_dir', priority: 'P1', args: ['string'],
    handle: (g, a) => { const d = saveDir(a, a.need(1)); if (d !== undefined) g.configSaveDir = d; },
  },
  {
    name: 'tmp_config_directory', priority: 'P1', args: ['string'],
    handle: (g, a) => {
      if (g.tmpConfigDirectory !== undefined) { a.error('tmp_config_directory already specified - ignoring'); return; }
      const d = a.opt(1);
      if (d === undefined) { a.error('tmp_config_directory missing directory name'); return; }
      g.tmpConfigDirectory = d;
      g.tmpConfigDirectoryPos = a.pos(0);
    },
  },
  {
    name: 'random_seed', priority: 'P1', args: ['uint'],
    handle: (g, a) => {
      const t = a.need(1);
      const v = readUnsigned(a, t, 0, 4294967295);
      if (v === undefined) { a.error(`random_seed ${t} invalid`); return; }
      g.randomSeed = v;
    },
  },
];
