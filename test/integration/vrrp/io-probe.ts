// Helper run inside a lab namespace by io.test.ts (npx tsx io-probe.ts MODE ...): exercises the
// VRRP socket and frame sender for real and prints one JSON line per fact.
import { VrrpSocket } from '../../../src/vrrp/io/vrrp-socket.js';
import { FrameSender } from '../../../src/vrrp/io/frame-sender.js';
import { buildGarp, buildUnsolicitedNa } from '../../../src/vrrp/io/frames.js';
import { Rtnl } from '../../../src/vrrp/io/rtnl.js';
import { isNativeError } from '../../../src/vrrp/io/native.js';
import { NlAddr } from '../../../src/vrrp/io/nl-addr.js';
import type { IpFamily } from '../../../src/config/model.js';

const [mode, family, ifname, group, count] = process.argv.slice(2) as [string, IpFamily, string, string, string?];
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const rtnl = Rtnl.open();
const link = (await rtnl.links()).find((l) => l.name === ifname)!;
const addrs = (await rtnl.addresses()).filter((a) => a.index === link.index && a.family === family);
const src = (family === 'inet6' ? addrs.find((a) => a.address.startsWith('fe80')) : addrs[0])!.address;
out({ ready: true, src, ifindex: link.index });

if (mode === 'recv') {
  const s = VrrpSocket.open({ family, ifname, ifindex: link.index, srcAddr: src, group }, (rx) => out({ rx: { ...rx, payload: rx.payload.toString('hex') } }), (e) => out({ error: e }));
  if (isNativeError(s)) { out({ error: s }); process.exit(1); }
  setTimeout(() => { s.close(); rtnl.close(); process.exit(0); }, Number(count ?? 3000));
} else if (mode === 'nladdr') {
  // VIP add/remove over our own rtnetlink socket: results of add, add again, del, del again
  const nl = NlAddr.open();
  if (isNativeError(nl)) { out({ error: nl }); process.exit(1); }
  const vip = family === 'inet' ? { address: '10.77.0.100', prefixLen: 24, family, options: [], label: 'eth0:vip' } : { address: 'fd77::100', prefixLen: 64, family, options: [] };
  const has = async () => (await rtnl.addresses()).some((a) => a.index === link.index && a.address === vip.address);
  const code = (e: { code: string } | undefined) => e?.code ?? 'ok';
  out({ step: 'add', result: code(await nl.addAddress(vip, link.index)), present: await has() });
  out({ step: 'add again', result: code(await nl.addAddress(vip, link.index)) });
  out({ step: 'del', result: code(await nl.delAddress(vip, link.index)), present: await has() });
  out({ step: 'del again', result: code(await nl.delAddress(vip, link.index)) });
  // the request is on the wire when addAddress returns, before its ACK is read
  const p = nl.addAddress(vip, link.index);
  const waiting = nl.inFlight;
  out({ step: 'sync', present: await has(), inFlight: waiting });
  out({ step: 'sync ack', result: code(await p), inFlight: nl.inFlight });
  await nl.delAddress(vip, link.index);
  nl.close(); rtnl.close();
  process.exit(0);
} else if (mode === 'send') {
  const s = VrrpSocket.open({ family, ifname, ifindex: link.index, srcAddr: src, group }, () => {});
  if (isNativeError(s)) { out({ error: s }); process.exit(1); }
  const payload = Buffer.from(family === 'inet' ? '21336401010132860ac600647333637265740000' : '313d96010064790dfe800000000000000000000001980100', 'hex');
  for (let i = 0; i < Number(count ?? 3); i++) out({ sent: s.send(payload, group) ?? 'ok' });
  const fs = FrameSender.open();
  if (isNativeError(fs)) { out({ error: fs }); process.exit(1); }
  const frame = family === 'inet' ? buildGarp(link.mac, '10.77.0.100') : buildUnsolicitedNa(link.mac, 'fe80::77:100');
  out({ frame: fs.send(frame, link.index) ?? 'ok', mac: link.mac.toString('hex') });
  fs.close(); s.close(); rtnl.close();
  process.exit(0);
}
