// ESLint 10 flat config: typescript-eslint's recommended rules (syntax-only, no type information, so a
// run stays fast on two cores) plus a hand-picked set of ESLint core rules, tuned for NestJS.
// `npm run lint` runs with --max-warnings 0: every finding fails CI, so rules are either "error" or "off".
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const coreRules = {
  // The parts of eslint:recommended that TypeScript does not already check.
  'no-async-promise-executor': 'error',
  'no-case-declarations': 'error',
  'no-compare-neg-zero': 'error',
  'no-cond-assign': 'error',
  'no-constant-binary-expression': 'error',
  'no-constant-condition': ['error', { checkLoops: false }],
  'no-control-regex': 'error',
  'no-debugger': 'error',
  'no-dupe-else-if': 'error',
  'no-duplicate-case': 'error',
  'no-empty': ['error', { allowEmptyCatch: true }],
  'no-empty-character-class': 'error',
  'no-empty-pattern': 'error',
  'no-ex-assign': 'error',
  'no-fallthrough': 'error',
  'no-global-assign': 'error',
  'no-inner-declarations': 'off',
  'no-invalid-regexp': 'error',
  'no-irregular-whitespace': 'error',
  'no-loss-of-precision': 'error',
  'no-misleading-character-class': 'error',
  'no-prototype-builtins': 'error',
  'no-regex-spaces': 'error',
  'no-self-assign': 'error',
  'no-self-compare': 'error',
  'no-shadow-restricted-names': 'error',
  'no-sparse-arrays': 'error',
  'no-template-curly-in-string': 'error',
  'no-unsafe-finally': 'error',
  'no-unsafe-optional-chaining': 'error',
  'no-unused-labels': 'error',
  'no-useless-backreference': 'error',
  'no-useless-catch': 'error',
  'no-useless-escape': 'error',
  'no-var': 'error',
  'prefer-const': ['error', { destructuring: 'all' }],
  'require-yield': 'error',
  'valid-typeof': 'error',
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-restricted-syntax': [
    'error',
    { selector: 'CallExpression[callee.object.name="describe"][callee.property.name="only"]', message: 'no .only' },
    { selector: 'CallExpression[callee.object.name="it"][callee.property.name="only"]', message: 'no .only' },
    { selector: 'CallExpression[callee.object.name="test"][callee.property.name="only"]', message: 'no .only' },
  ],
};

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**', '**/*.d.ts'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      ...coreRules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Nest: classes whose only job is to carry decorators (modules, DTOs) and constructors that only
      // declare injected parameter properties are idiomatic.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-useless-constructor': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      // Declaration merging of a class and an interface is how Nest/TypeORM mixins are typed.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      // `import type` keeps decorator metadata correct only where it is safe; leave the choice to authors.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
    },
  },
  {
    // Three type-aware rules only (a forgotten `await` inside a transaction is a real bug); the full
    // type-checked preset would cost far more time on two cores for little gain. ~20 s for the tree.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests and test support may use `any` for fixtures and deliberately malformed input, and non-null
    // assertions on values the test has just created.
    files: ['test/**/*.ts', 'test/**/*.mjs', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Plain JavaScript files at the root (configs) and Jest's global setup run on Node.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        globalThis: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
