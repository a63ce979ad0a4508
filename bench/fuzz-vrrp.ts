// VRRP decoder + validation ladder fuzz run: N (default 1,000,000) random and mutated packets.
// Prints per-outcome counts, exceptions and throughput. Usage: npx tsx bench/fuzz-vrrp.ts [N] [seed]
import { runFuzz } from '../test/unit/vrrp/fuzz-gen.js';

const n = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const r = runFuzz(n, seed);
const counted = Object.values(r.byReason).reduce((a, b) => a + b, 0);
console.log(`packets: ${r.total}  counted: ${counted}  exceptions: ${r.exceptions}  decoded-ok: ${r.decodeOk}  accepted: ${r.accepted}`);
for (const [k, v] of Object.entries(r.byReason).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(22)} ${v}`);
console.log(`time: ${(r.ms / 1000).toFixed(2)} s  throughput: ${Math.round(r.total / (r.ms / 1000))} packets/s`);
if (r.exceptions) { console.error(r.firstException); process.exit(1); }
if (counted !== r.total) process.exit(1);
