// Chevrotain for the line lexer, loaded from the package's own single-file ESM bundle
// (lib/chevrotain.mjs, lodash-es inlined) instead of its "." export (lib/src/api.js), which
// imports ~640 lodash-es modules: 0.7-1.0 s of module loading at every daemon start and every
// `-t`, against 35-45 ms for the bundle. Same package, same version, same exports.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

/** lib/src/api.js (the "." export) -> lib/chevrotain.mjs next to it. */
const bundle = join(dirname(createRequire(import.meta.url).resolve('chevrotain')), '..', 'chevrotain.mjs');
const chevrotain = (await import(pathToFileURL(bundle).href)) as Chevrotain;

export const createToken: Chevrotain['createToken'] = chevrotain.createToken;
export const Lexer: Chevrotain['Lexer'] = chevrotain.Lexer;
export type { IToken } from 'chevrotain';
