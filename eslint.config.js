// Lint rules (issue 16's guardrails; `npm run lint`, a tier of `npm test`): no double casts through `unknown`
// (decode or narrow instead), lines at most 120 columns (strings excepted), and the house layout as @stylistic
// rules (single quotes, semicolons, 2-space indent, spacing), so `npm run lint -- --fix` formats a file.
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

/** Layout rules the tree already follows; each is fixable by `eslint --fix`. */
const layout = {
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/semi-spacing': 'error',
  '@stylistic/semi-style': ['error', 'last'],
  '@stylistic/no-extra-semi': 'error',
  // 2 spaces a level; continuation lines of a wrapped signature or type stay as written (the house puts them 4 in)
  '@stylistic/indent': ['error', 2, {
    SwitchCase: 1, FunctionDeclaration: { parameters: 'off' }, FunctionExpression: { parameters: 'off' },
    ignoredNodes: ['TSTypeLiteral > *', 'TSTypeAnnotation > *', 'TSUnionType > *', 'TSFunctionType > *'],
  }],
  '@stylistic/no-tabs': 'error',
  '@stylistic/no-mixed-spaces-and-tabs': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/eol-last': ['error', 'always'],
  '@stylistic/linebreak-style': ['error', 'unix'],
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1 }],
  '@stylistic/padded-blocks': ['error', 'never'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/comma-style': ['error', 'last'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/key-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/space-unary-ops': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-in-parens': 'error',
  '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
  '@stylistic/block-spacing': 'error',
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/rest-spread-spacing': 'error',
  '@stylistic/template-curly-spacing': 'error',
  '@stylistic/template-tag-spacing': 'error',
  '@stylistic/computed-property-spacing': 'error',
  '@stylistic/no-whitespace-before-property': 'error',
  '@stylistic/function-call-spacing': 'error',
  '@stylistic/switch-colon-spacing': 'error',
  '@stylistic/dot-location': ['error', 'property'],
  '@stylistic/new-parens': 'error',
  '@stylistic/no-floating-decimal': 'error',
  '@stylistic/quote-props': ['error', 'as-needed'],
  '@stylistic/spaced-comment': ['error', 'always', { markers: ['/'], block: { balanced: true } }],
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/type-generic-spacing': 'error',
  '@stylistic/type-named-tuple-spacing': 'error',
  '@stylistic/yield-star-spacing': ['error', 'after'],
};

export default [
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'native/build/**'] },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@stylistic': stylistic },
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'TSAsExpression > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
        message: '`as unknown as` hides a type error: decode the value or narrow it with a typed helper.',
      }],
      'max-len': ['error', {
        code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true,
      }],
      ...layout,
    },
  },
];
