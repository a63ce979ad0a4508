// What one of the daemon's processes holds, for the end of its USR1 data dump (keepalived-ts's own
// section; 2.2.7 has none): resident memory, the V8 heap, open descriptors and the libuv handles
// and requests keeping its event loop busy, counted by kind. A soak (bench/soak.ts) samples it
// every minute to see whether any of them grows. The sample is taken at the edge (sampleResources);
// the text is a pure function of it.
import { readdirSync, readFileSync } from 'node:fs';

export interface ResourceSample {
  role: string;
  pid: number;
  /** VmRSS from /proc/self/status, kB (process.memoryUsage().rss / 1024 without /proc). */
  rssKb: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Open descriptors (/proc/self/fd), undefined without /proc. */
  fds?: number;
  /** process.getActiveResourcesInfo(): one entry per active libuv handle or request (timers included). */
  handles: readonly string[];
}

export function sampleResources(role: string): ResourceSample {
  const m = process.memoryUsage();
  let rssKb = Math.round(m.rss / 1024);
  let fds: number | undefined;
  try {
    const vm = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (vm) rssKb = Number(vm[1]);
    // (the listing's own descriptor is in it: one less)
    fds = readdirSync('/proc/self/fd').length - 1;
  } catch { /* no /proc */ }
  return { role, pid: process.pid, rssKb, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
    ...(fds !== undefined ? { fds } : {}), handles: process.getActiveResourcesInfo() };
}

const mb = (n: number): string => (n / 1048576).toFixed(1);

/** The dump section: one fact per line, `Name = value`, as the rest of the data dump. */
export function resourceLines(s: ResourceSample): string[] {
  const kinds = new Map<string, number>();
  for (const h of s.handles) kinds.set(h, (kinds.get(h) ?? 0) + 1);
  const byKind = [...kinds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    '------< Process resources (keepalived-ts) >------',
    ` Process = ${s.role} (pid ${s.pid})`,
    ` RSS = ${s.rssKb} kB`,
    ` Heap used = ${mb(s.heapUsed)} MB, heap total = ${mb(s.heapTotal)} MB, external = ${mb(s.external)} MB`,
    ` File descriptors = ${s.fds ?? 'unknown'}`,
    ` Active libuv handles and requests = ${s.handles.length}${byKind ? ` (${byKind})` : ''}`,
  ];
}

/** The numbers back out of a dump's section (the soak's reader). */
export function parseResourceLines(text: string): { role: string; pid: number; rssKb: number; heapUsedMb: number;
    fds?: number; handles: number } | undefined {
  const i = text.indexOf('------< Process resources (keepalived-ts) >------');
  if (i < 0) return undefined;
  const t = text.slice(i);
  const m = (re: RegExp): RegExpExecArray | null => re.exec(t);
  const p = m(/ Process = (\S+) \(pid (\d+)\)/), rss = m(/ RSS = (\d+) kB/), heap = m(/ Heap used = ([\d.]+) MB/), fd = m(/ File descriptors = (\d+)/), h = m(/ Active libuv handles and requests = (\d+)/);
  if (!p || !rss || !heap || !h) return undefined;
  return { role: p[1]!, pid: Number(p[2]), rssKb: Number(rss[1]), heapUsedMb: Number(heap[1]),
    ...(fd ? { fds: Number(fd[1]) } : {}), handles: Number(h[1]) };
}
