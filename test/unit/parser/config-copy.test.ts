// keepalived 2.2.7's consolidated copy of a configuration (what config_save_dir keeps as
// keepalived.conf.PID.N and its check process writes): recorded from `keepalived -t -i kpbnode -f
// DIR/keepalived.conf` with config_save_dir /tmp (data/config-copy-2.2.7/, the directory written as
// <DIR>): comments and blanks stripped, blank lines kept, include lines blank, "# FILE" / "!" around
// every file read (inc/a.conf twice), "#! ..." for the includes that found nothing, CR/LF removed,
// a 1500-byte line in 1023-byte pieces, definitions and @ids left as written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configCopy } from '../../../src/config/load.js';

const DIR = fileURLToPath(new URL('./data/config-copy-2.2.7', import.meta.url));

describe('parser: the consolidated configuration copy of keepalived 2.2.7', () => {
  it('is byte for byte the copy 2.2.7 wrote', () => {
    const want = readFileSync(`${DIR}/keepalived.copy-2.2.7`, 'latin1').split('<DIR>').join(DIR);
    const got = configCopy(`${DIR}/keepalived.conf`, { configId: 'kpbnode' }).toString('latin1');
    assert.equal(got, want);
  });
});
