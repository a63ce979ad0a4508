// `npm run ledger:readme`: rewrites README.md's not-implemented section from the keyword ledger
// (src/parser/ledger-readme.ts makes the text).
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeSection, replaceSection } from '../src/parser/ledger-readme.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceSection(before, readmeSection());
if (after !== before) writeFileSync(path, after);
process.stdout.write(after !== before ? 'README.md updated\n' : 'README.md already up to date\n');
