// Records real process-event connector datagrams for the codec test (run as root in the initial
// network namespace: `node --import tsx test/unit/vrrp/process-track/data/capture-connector.ts`).
// It listens, runs `sh -c 'printf renamed > /proc/self/comm; exec /bin/true'` and writes every
// datagram about that shell (and the listen acknowledgement) with the pid it expects, to
// connector-datagrams.json beside this file.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { openConnector } from '../../../../../src/vrrp/process-track/connector-port.js';

const port = openConnector();
if ('errno' in port) throw new Error(`connector: errno ${port.errno}`);
const buf = Buffer.alloc(256);
const got: { hex: string; n: number }[] = [];
port.startReading(() => {
  for (;;) {
    const r = port.recv(buf);
    if ('errno' in r) break;
    got.push({ hex: buf.subarray(0, r.n).toString('hex'), n: r.n });
  }
});
if (port.listen(true) !== undefined) throw new Error('listen refused (not in the initial network namespace?)');
await new Promise((r) => setTimeout(r, 200));
const child = spawn('/bin/sh', ['-c', 'printf renamed > /proc/self/comm; exec /bin/true'], { stdio: 'ignore' });
const pid = child.pid!;
await new Promise((r) => child.on('exit', r));
await new Promise((r) => setTimeout(r, 200));
port.listen(false);
port.close();
const mine = got.filter((g) => {
  const b = Buffer.from(g.hex, 'hex');
  if (b.length < 60) return false;
  const what = b.readUInt32LE(36);
  return what === 0 || [b.readUInt32LE(52), b.readUInt32LE(56), b.readUInt32LE(60)].includes(pid);
});
const out = { recorded: new Date().toISOString().slice(0, 10), how: 'capture-connector.ts: sh -c "printf renamed > /proc/self/comm; exec /bin/true"', pid, datagrams: mine };
writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'connector-datagrams.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${mine.length} datagrams for pid ${pid}`);
