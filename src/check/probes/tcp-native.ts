// The kanet addon's TcpProber (native/src/tcp-prober.cc) for TCP_CHECK: a connect-then-close per
// check on a private epoll set, completions reported in batches. This module loads it and builds the
// tcp-handle.ts drives it (ids, deadlines, outcomes). Addresses go in as the strings the config
// holds (parsed by inet_pton in the addon): no Buffer per real server.
import { loadKanet, isNativeError, type KanetTcpBatch, type KanetTcpProber } from '../../vrrp/io/native.js';

export type TcpProberNative = KanetTcpProber;
export type BatchHandler = KanetTcpBatch;

export const BIND_ERR = 4096;

/** The addon's TcpProber bound to `onBatch`, or null when the addon is not built (or is older). */
export function loadTcpProber(onBatch: BatchHandler): TcpProberNative | null {
  if (process.env.KEEPALIVED_TS_NO_NATIVE_TCP === '1') return null;
  const k = loadKanet();
  if (isNativeError(k)) return null;
  const Ctor = k.TcpProber;
  if (typeof Ctor !== 'function') return null;
  try { return new Ctor(onBatch); } catch { return null; }
}
