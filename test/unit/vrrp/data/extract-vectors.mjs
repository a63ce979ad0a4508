// One-off: pull every VRRP frame out of keepalived-2.2.7-captures/vectors/*.bytes.txt into
// vectors.json (deduplicated by frame bytes). Usage: node extract-vectors.mjs <vectors dir> > vectors.json
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const out = [];
const seen = new Set();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.bytes.txt')).sort()) {
  const text = readFileSync(join(dir, f), 'utf8');
  for (const block of text.split(/^=== /m).slice(1)) {
    const head = /^packet #(\d+)\s+kind=(\S+)\s+len=(\d+)/.exec(block);
    if (!head || !head[2].startsWith('vrrp')) continue;
    const hex = [];
    for (const line of block.split('\n')) {
      const m = /^  [0-9a-f]{4}  ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})/.exec(line);
      if (m) hex.push(...m[1].trim().split(/\s+/));
    }
    const frame = hex.join('');
    if (hex.length !== Number(head[3])) throw new Error(`${f} #${head[1]}: ${hex.length} != ${head[3]}`);
    if (seen.has(frame)) continue;
    seen.add(frame);
    out.push({ file: f.replace('.bytes.txt', '.pcap'), packet: Number(head[1]), kind: head[2], frame });
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
