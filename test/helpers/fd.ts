// Reading what is waiting on a non-blocking descriptor (a FIFO opened O_NONBLOCK) in tests.
import { readSync } from 'node:fs';

/** Everything readable now on non-blocking `fd`: reads until end of file or EAGAIN; other errors throw. */
export function readAvailable(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
  }
  return Buffer.concat(chunks);
}
