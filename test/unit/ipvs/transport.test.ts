// The genl transport's batching against the host kernel's nlctrl family (no root, no IPVS needed):
// many concurrent non-dump requests leave in one datagram and each gets its own reply or error.
import { strict as assert } from 'node:assert';
import { openGenlTransport } from '../../../src/ipvs/transport.js';

const GENL_ID_CTRL = 0x10, CTRL_CMD_GETFAMILY = 3, CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2;

function nameAttr(name: string): Buffer {
  const v = Buffer.from(`${name}\0`);
  const len = 4 + v.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0); b.writeUInt16LE(CTRL_ATTR_FAMILY_NAME, 2); v.copy(b, 4);
  return b;
}
function familyId(payload: Buffer): number | undefined {
  for (let o = 0; o + 4 <= payload.length;) {
    const len = payload.readUInt16LE(o), type = payload.readUInt16LE(o + 2) & 0x3fff;
    if (len < 4) break;
    if (type === CTRL_ATTR_FAMILY_ID) return payload.readUInt16LE(o + 4);
    o += (len + 3) & ~3;
  }
  return undefined;
}

describe('genl transport: requests issued in one turn go out batched', () => {
  it('200 concurrent GETFAMILY requests: each answered, errors as values in the right places', async () => {
    const t = openGenlTransport();
    if (!t.ok) throw new Error(`no NETLINK_GENERIC socket: ${t.message}`);
    try {
      const names = Array.from({ length: 200 }, (_, i) => (i % 3 === 2 ? `kip-no-such-${i}` : 'nlctrl'));
      const rs = await Promise.all(names.map((n) => t.value.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
        2, nameAttr(n), false)));
      rs.forEach((r, i) => {
        if (names[i] === 'nlctrl') {
          assert.ok(r.ok, `request ${i}: ${!r.ok && r.message}`);
          assert.equal(familyId(r.value[0]), GENL_ID_CTRL, `request ${i}`);
        } else {
          assert.ok(!r.ok, `request ${i} for a missing family succeeded`);
          assert.equal(r.errno, 'ENOENT');
          assert.equal(r.message, 'No such file or directory');
        }
      });
    } finally { t.value.close(); }
  });
});
