// keepalived's filler for probe payloads it makes up itself (core/layer4.c set_buf): the text
// "keepalived check - " repeated over the buffer, the last copy cut short. Used for PING_CHECK's
// 128-byte echo data and UDP_CHECK's 32-byte datagram when no payload is configured.
const TEXT = Buffer.from('keepalived check - ', 'latin1');

export function fillPattern(b: Buffer): Buffer {
  for (let o = 0; o < b.length; o += TEXT.length) TEXT.copy(b, o, 0, Math.min(TEXT.length, b.length - o));
  return b;
}
