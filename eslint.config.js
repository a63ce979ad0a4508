// Lint rules (issue 16's guardrails; `npm run lint`, not yet part of `npm test`: the tree is not clean yet): no
// double casts through `unknown` (decode or narrow instead), lines at most 120 columns (strings excepted).
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'native/build/**'] },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'TSAsExpression > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
        message: '`as unknown as` hides a type error: decode the value or narrow it with a typed helper.',
      }],
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
];
