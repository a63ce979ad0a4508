// `-d` dump of the parsed model: a readable, stable, indented tree (one "name = value" per line,
// objects and lists nested), positions shown as file:line:col. Not keepalived's own dump format
// (which is an internal debugging aid); meant for operators and for diffing two configs.
import type { KeepalivedConfig } from '../config/model.js';

function isPos(v: unknown): v is { file: string; line: number; col: number } {
  return typeof v === 'object' && v !== null && 'file' in v && 'line' in v && 'col' in v && Object.keys(v).length === 3;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

function walk(out: string[], key: string, v: unknown, ind: string, withPos: boolean): void {
  if (v === undefined) return;
  if (isPos(v)) { if (withPos) out.push(`${ind}${key} = ${v.file}:${v.line}:${v.col}`); return; }
  if (Array.isArray(v)) {
    if (v.length === 0) return;
    if (v.every((x) => typeof x !== 'object' || x === null)) { out.push(`${ind}${key} = [${v.map(scalar).join(', ')}]`); return; }
    out.push(`${ind}${key} (${v.length}):`);
    v.forEach((x, i) => walk(out, `[${i}]`, x, ind + '  ', withPos));
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return;
    const label = (v as { name?: unknown }).name;
    out.push(`${ind}${key}${typeof label === 'string' && key.startsWith('[') ? ` ${label}` : ''}:`);
    for (const [k, x] of entries) walk(out, k, x, ind + '  ', withPos);
    return;
  }
  out.push(`${ind}${key} = ${scalar(v)}`);
}

export function dumpConfig(cfg: KeepalivedConfig, opts: { positions?: boolean } = {}): string {
  const out: string[] = [];
  const withPos = opts.positions ?? true;
  for (const [k, v] of Object.entries(cfg)) walk(out, k, v, '', withPos);
  return out.join('\n') + '\n';
}
