// Reads the annotated packet dumps (*.bytes.txt) of the keepalived 2.2.7 captures into Buffers.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// shared/ sits beside the repository (CI clones main next to it); /work/shared on developer machines.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CAPTURES = [path.resolve(REPO, '../shared'), '/work/shared']
  .map((d) => `${d}/reference/keepalived-2.2.7-captures/vectors`).find((d) => existsSync(d)) ?? '/work/shared/reference/keepalived-2.2.7-captures/vectors';

export interface CapturedPacket { index: number; kind: string; bytes: Buffer }

export function readCapture(name: string): CapturedPacket[] {
  const text = readFileSync(`${CAPTURES}/${name}`, 'utf8');
  const out: CapturedPacket[] = [];
  let cur: CapturedPacket | undefined;
  let hex: number[] = [];
  for (const line of text.split('\n')) {
    const head = /^=== packet #(\d+)\s+kind=(\S+)/.exec(line);
    if (head) {
      if (cur) { cur.bytes = Buffer.from(hex); out.push(cur); }
      cur = { index: Number(head[1]), kind: head[2]!, bytes: Buffer.alloc(0) };
      hex = [];
      continue;
    }
    const row = /^ {2}[0-9a-f]{4} {2}((?:[0-9a-f]{2} ?)+)/.exec(line);
    if (row && cur) for (const h of row[1]!.trim().split(/\s+/)) hex.push(parseInt(h, 16));
  }
  if (cur) { cur.bytes = Buffer.from(hex); out.push(cur); }
  return out;
}

export function capturesAvailable(): boolean {
  try { readFileSync(`${CAPTURES}/vrrpv2-garp-after-transition.bytes.txt`); return true; } catch { return false; }
}

/** Every frame of a classic (little- or big-endian) pcap file of the captures. */
export function readPcap(name: string): { t: number; bytes: Buffer }[] {
  const f = readFileSync(`${CAPTURES}/${name}`);
  const magic = f.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (o: number) => (le ? f.readUInt32LE(o) : f.readUInt32BE(o));
  const out: { t: number; bytes: Buffer }[] = [];
  for (let o = 24; o + 16 <= f.length;) {
    const len = u32(o + 8);
    out.push({ t: u32(o) + u32(o + 4) / (nano ? 1e9 : 1e6), bytes: f.subarray(o + 16, o + 16 + len) });
    o += 16 + len;
  }
  return out;
}
