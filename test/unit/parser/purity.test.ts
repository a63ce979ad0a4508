// The parser is pure: every fact about the machine comes in through ParseOptions.host (HostFacts).
// This test reads the import statements of every module under src/parser and of every module they
// load (type-only imports excepted), and fails when one of them reaches the file system, the OS,
// processes or the native addon, or reads the environment or the working directory, so that a
// later change cannot bring I/O back into the parser without this test saying so.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PARSER = path.join(ROOT, 'src/parser');

/** Node built-ins a pure module may use, and where. */
const ALLOWED: Record<string, (file: string) => boolean> = {
  'node:path': () => true,
  // isIP/isIPv4/isIPv6 only
  'node:net': () => true,
  // the lexer library's bundle is located and loaded at module load time (src/parser/chevrotain.ts)
  'node:module': (f) => f === 'src/parser/chevrotain.ts',
  'node:url': (f) => f === 'src/parser/chevrotain.ts',
};
/** Built-ins imported without the node: prefix. */
const BARE_BUILTINS = ['fs', 'fs/promises', 'os', 'child_process', 'net', 'dgram', 'path', 'module', 'url'];
/** Project modules that do I/O: reaching one from the parser is an error. */
const IMPURE_MODULES = ['src/host/system.ts', 'src/vrrp/io/native.ts', 'src/host/spawn-as.ts'];
/** Globals that read the process's environment. */
const IMPURE_GLOBALS: [RegExp, string][] = [
  [/\bprocess\.(cwd|env|chdir|umask|getuid|getgid)\b/, 'process state'],
  [/\brequire\(/, 'require()'],
];

interface Import { spec: string; typeOnly: boolean }

/** The module specifiers of a file's import / export-from statements and dynamic imports. */
export function importsOf(text: string): Import[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: Import[] = [];
  // the clause between the keyword and `from`: * [as X] | { ... } | X [, { ... } | , * as Y]
  const clause = String.raw`(?:\*(?:\s+as\s+\w+)?|\{[^}]*\}|\w+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+\w+))?)`;
  const statement = new RegExp(String.raw`^\s*(?:import|export)\s+(type\s+)?${clause}\s*from\s*'([^']+)'`, 'gm');
  for (const m of code.matchAll(statement)) {
    out.push({ spec: m[2]!, typeOnly: m[1] !== undefined });
  }
  for (const m of code.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of code.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

function sourceFiles(dir: string): string[] {
  const names = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return names.filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/** Every problem found in the modules reachable from src/parser, as "module: what". */
function impurities(): { problems: string[]; reached: Set<string> } {
  const problems: string[] = [];
  const reached = new Set<string>();
  const queue = sourceFiles(PARSER);
  while (queue.length) {
    const file = queue.pop()!;
    const rel = path.relative(ROOT, file);
    if (reached.has(rel)) continue;
    reached.add(rel);
    if (IMPURE_MODULES.includes(rel)) { problems.push(`${rel}: does I/O`); continue; }
    const text = fs.readFileSync(file, 'utf8');
    const code = text.replace(/^\s*\/\/.*$/gm, '');
    for (const [re, what] of IMPURE_GLOBALS) if (re.test(code)) problems.push(`${rel}: uses ${what}`);
    for (const imp of importsOf(text)) {
      if (imp.typeOnly) continue;
      if (imp.spec.startsWith('.')) {
        queue.push(path.resolve(path.dirname(file), imp.spec.replace(/\.js$/, '.ts')));
      } else if (imp.spec.startsWith('node:') || BARE_BUILTINS.includes(imp.spec)) {
        const ok = ALLOWED[imp.spec];
        if (!ok || !ok(rel)) problems.push(`${rel}: imports ${imp.spec}`);
      }
    }
  }
  return { problems, reached };
}

describe('parser purity', () => {
  it('nothing src/parser loads imports node:fs, node:os, child processes or the addon, or reads process state', () => {
    const { problems, reached } = impurities();
    assert.deepEqual(problems, []);
    // the walk did follow the parser's imports out of src/parser
    for (const m of ['src/host/script-security.ts', 'src/host/users.ts', 'src/common/rt-names.ts']) assert.ok(reached.has(m), m);
  });

  it('the scan sees what it must refuse (a test that can fail)', () => {
    assert.deepEqual(importsOf("import { readFileSync } from 'node:fs';\nimport type { X } from './x.js';\n"), [
      { spec: 'node:fs', typeOnly: false }, { spec: './x.js', typeOnly: true },
    ]);
    assert.deepEqual(importsOf("import {\n  a,\n  type B,\n} from '../host/system.js';\nconst m = await import('node:os');\n"), [
      { spec: '../host/system.js', typeOnly: false }, { spec: 'node:os', typeOnly: false },
    ]);
    assert.deepEqual(importsOf("// import { x } from 'node:fs';\nexport * from './y.js';\n"), [{ spec: './y.js', typeOnly: false }]);
    // a type declaration before an import does not make the import type-only
    assert.deepEqual(importsOf("export type T = { a: 1 }\nimport * as fs from 'node:fs';\nimport os, { cpus } from 'node:os';\n"), [
      { spec: 'node:fs', typeOnly: false }, { spec: 'node:os', typeOnly: false },
    ]);
  });
});
