// The Process resources section at the end of each USR1 data dump (keepalived-ts's own): the text
// of a sample, and the soak's reader getting the numbers back; a live sample of this process.
import assert from 'node:assert/strict';
import { parseResourceLines, resourceLines, sampleResources } from '../../../src/daemon/process-resources.js';

describe('daemon: process resources in the data dump', () => {
  it('lines of a sample (handles counted by kind, most first) and the numbers read back', () => {
    const s = { role: 'vrrp', pid: 42, rssKb: 63012, heapUsed: 12.34 * 1048576, heapTotal: 20 * 1048576, external: 1048576, fds: 27,
      handles: ['Timeout', 'PollWrap', 'Timeout', 'PipeWrap', 'Timeout', 'PollWrap'] };
    const lines = resourceLines(s);
    assert.deepEqual(lines, [
      '------< Process resources (keepalived-ts) >------',
      ' Process = vrrp (pid 42)',
      ' RSS = 63012 kB',
      ' Heap used = 12.3 MB, heap total = 20.0 MB, external = 1.0 MB',
      ' File descriptors = 27',
      ' Active libuv handles and requests = 6 (Timeout 3, PollWrap 2, PipeWrap 1)',
    ]);
    assert.deepEqual(parseResourceLines(`------< Interfaces >------\n x\n${lines.join('\n')}\n`), { role: 'vrrp', pid: 42, rssKb: 63012, heapUsedMb: 12.3, fds: 27, handles: 6 });
    assert.equal(parseResourceLines('------< Global definitions >------\n'), undefined);
  });

  it('a live sample of this process: pid, RSS and descriptors from /proc, an active timer counted', () => {
    const t = setTimeout(() => {}, 10_000);
    try {
      const s = sampleResources('test');
      assert.equal(s.pid, process.pid);
      assert.ok(s.rssKb > 1000 && s.heapUsed > 0 && (s.fds ?? 0) >= 3);
      assert.ok(s.handles.includes('Timeout'));
    } finally { clearTimeout(t); }
  });
});
