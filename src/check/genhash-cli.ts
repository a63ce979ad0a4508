// Runs genhash from source (tests: `node --import tsx src/check/genhash-cli.ts ...`).
import { genhashMain } from './genhash.js';

process.exitCode = await genhashMain(process.argv.slice(2));
