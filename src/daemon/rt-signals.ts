// Real-time signals (SIGRTMIN+2 = 36 JSON dump, SIGRTMAX-1 = 63 STATS_CLEAR). Node's
// process.on() only knows named signals, and an uncaught real-time signal terminates the process,
// so `kill -36 <pid>` would kill the daemon. libuv can watch any signal number; Node exposes that
// only through its internal signal_wrap binding, reachable when node runs with
// --expose-internals (bin/keepalived passes it). Without the flag this returns false and the
// caller logs that the JSON/STATS_CLEAR signals are not available.
import { createRequire } from 'node:module';

interface SignalWrap { onsignal: (n: number) => void; start(n: number): number; unref(): void }

export function watchRealtimeSignal(signo: number, cb: () => void): boolean {
  if (!process.execArgv.includes('--expose-internals')) return false;
  const require = createRequire(import.meta.url);
  const emit = process.emitWarning;
  try {
    // The binding module warns once that it is for internal testing; keep the console clean.
    process.emitWarning = (() => {}) as typeof process.emitWarning;
    const { internalBinding } = require('internal/test/binding') as { internalBinding(n: string): { Signal: new () => SignalWrap } };
    const { Signal } = internalBinding('signal_wrap');
    const s = new Signal();
    s.onsignal = () => cb();
    if (s.start(signo) !== 0) return false;
    s.unref();
    return true;
  } catch {
    return false;
  } finally {
    process.emitWarning = emit;
  }
}
