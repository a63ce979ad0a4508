// Small real servers for checker tests: node misc.mjs MODE HOST PORT
//   udp-echo  : echoes every datagram
//   tcp       : accepts and closes
//   tcp-peers : accepts and closes, printing `peer ADDRESS PORT` for each connection
//   blackhole : accepts and never answers
//   reset     : accepts, then resets the connection (RST)
//   garbage   : answers any request with bytes that are not HTTP/SMTP
//   http500   : answers with a valid HTTP 500
import net from 'node:net';
import dgram from 'node:dgram';

const [mode, host, port] = process.argv.slice(2);
const ready = () => process.stdout.write('ready\n');
const held = [];
if (mode === 'udp-echo') {
  const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  s.bind(Number(port), host, ready);
} else {
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    if (mode === 'tcp') c.end();
    else if (mode === 'tcp-peers') { process.stdout.write(`peer ${c.remoteAddress} ${c.remotePort}\n`); c.end(); }
    else if (mode === 'blackhole') held.push(c);
    else if (mode === 'reset') c.once('data', () => c.resetAndDestroy());
    else if (mode === 'garbage') { c.write('\x00\x01garbage\xff\r\n\r\n'); c.once('data', () => c.end('\x00garbage')); }
    else if (mode === 'http500') c.once('data', () => c.end('HTTP/1.0 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!'));
  });
  srv.listen(Number(port), host, ready);
}
