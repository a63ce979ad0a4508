// The kanet addon's TcpProber (native/src/tcp-prober.cc) for TCP_CHECK: a connect-then-close per
// check on a private epoll set, completions reported in batches. This module loads it and builds the
// tcp-handle.ts drives it (ids, deadlines, outcomes). Addresses go in as the strings the config
// holds (parsed by inet_pton in the addon): no Buffer per real server.
import { loadKanet, isNativeError } from '../../vrrp/io/native.js';

export interface TcpProberNative {
  /** fd (>= 0), -errno (socket/connect), or -(errno + BIND_ERR) when bind() failed. */
  start(id: number, family: 4 | 6, host: string, port: number, bindto: string | null, bindPort: number): number;
  /** Closes an fd still in flight (deadline passed); nothing is reported for it. */
  cancel(fd: number): void;
  /** 1 when the kernel completed the connect (getpeername succeeds), else 0. */
  connected(fd: number): number;
  close(): void;
}
export type BatchHandler = (ids: Int32Array, errs: Int32Array, n: number) => void;
type ProberCtor = new (onBatch: BatchHandler) => TcpProberNative;

export const BIND_ERR = 4096;

/** The addon's TcpProber bound to `onBatch`, or null when the addon is not built (or is older). */
export function loadTcpProber(onBatch: BatchHandler): TcpProberNative | null {
  if (process.env.KEEPALIVED_TS_NO_NATIVE_TCP === '1') return null;
  const k = loadKanet();
  if (isNativeError(k)) return null;
  const Ctor = (k as unknown as { TcpProber?: ProberCtor }).TcpProber;
  if (typeof Ctor !== 'function') return null;
  try { return new Ctor(onBatch); } catch { return null; }
}
