// ESLint (flat config, ESLint 9): typescript-eslint's recommended rules everywhere, the Office add-in
// rules for the task pane, and the layer lines (issue 8) as no-restricted-imports — model/ is pure TS,
// the browser layers never reach the server or node. tsconfig.layers.json checks the same lines by types.
import tseslint from 'typescript-eslint';
import officeAddins from 'eslint-plugin-office-addins';

const NODE_AND_SERVER_LIBS = [
  'node:*',
  'pg',
  'pg/*',
  'drizzle-orm',
  'drizzle-orm/*',
  'hono',
  'hono/*',
  '@hono/*',
  'exceljs',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'drizzle/', 'coverage/', 'test-artifacts/', '.tsbuild/', 'data/', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter kept for its position or a value destructured away on purpose.
      // `ok ? a() : b()` and `x && f()` as statements are the house style.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benchmarks read JSON response bodies and reach into fakes: `any` is the honest type there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // The Excel fake's getter/setter objects (runtime.enableEvents, format.protection.locked) reach the
    // outer object through `ctx`/`fmt`.
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['ctx', 'fmt'] }] },
  },
  {
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_AND_SERVER_LIBS, message: 'model/ is pure TypeScript: no node:, pg, drizzle, hono, exceljs or PGlite (issue 8).' },
            {
              group: ['**/server/**', '**/addin/**', '**/dashboard/**', '../server', '../addin', '../dashboard'],
              message: 'model/ must not import the server, the add-in or the dashboard (issue 8).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['addin/**/*.ts', 'dashboard/**/*.ts', 'console/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The add-in and the dashboard run in a browser: no node: modules (issue 8).' },
            {
              group: ['**/server/**', '../server', '../../server'],
              message: 'The add-in and the dashboard reach the server over HTTP only, never by import (issue 8).',
            },
          ],
        },
      ],
    },
  },
  {
    // A function over 80 lines mixes concerns more often than not (issue 8): split in every layer. Route
    // tables register one small function per route group (server/routes/plans.ts mounting plan-crud…).
    files: ['model/**/*.ts', 'addin/**/*.ts', 'dashboard/**/*.ts', 'console/**/*.ts', 'server/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['addin/**/*.ts'],
    plugins: { 'office-addins': officeAddins },
    rules: {
      'office-addins/load-object-before-read': 'error',
      'office-addins/no-context-sync-in-loop': 'error',
      'office-addins/no-empty-load': 'error',
      'office-addins/no-office-initialize': 'error',
      'office-addins/test-for-null-using-isNullObject': 'error',
      // Off: false positives on this code base. The plugin only recognises a sync written
      // `context.sync()` (a variable named `context`); ours is `ctx.sync()`, so call-sync-after-load flags
      // every read after a sync (addin/excel/read.ts usedRowCount), and call-sync-before-read flags reads
      // of proxies synced in another function (addin/excel/batcher.ts); no-navigational-load flags plain
      // property lists such as load(['isNullObject', 'rowIndex', 'rowCount']).
      'office-addins/call-sync-after-load': 'off',
      'office-addins/call-sync-before-read': 'off',
      'office-addins/no-navigational-load': 'off',
    },
  },
);
