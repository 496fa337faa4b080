// ESLint (flat config, ESLint 9): typescript-eslint's recommended rules everywhere, the Office add-in
// rules for the task pane, and the layer lines (issue 8) as no-restricted-imports — model/ is pure TS,
// the browser layers never reach the server or node. tsconfig.layers.json checks the same lines by types.
import tseslint from 'typescript-eslint';
import officeAddins from 'eslint-plugin-office-addins';

const NODE_AND_SERVER_LIBS = ['node:*', 'pg', 'pg/*', 'drizzle-orm', 'drizzle-orm/*', 'hono', 'hono/*', '@hono/*', 'exceljs', '@electric-sql/pglite', '@electric-sql/pglite/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'drizzle/', 'coverage/', 'test-artifacts/', '.tsbuild/', 'data/', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter kept for its position or a value destructured away on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_AND_SERVER_LIBS, message: 'model/ is pure TypeScript: no node:, pg, drizzle, hono, exceljs or PGlite (issue 8).' },
            { group: ['**/server/**', '**/addin/**', '**/dashboard/**', '../server', '../addin', '../dashboard'], message: 'model/ must not import the server, the add-in or the dashboard (issue 8).' },
          ],
        },
      ],
    },
  },
  {
    files: ['addin/**/*.ts', 'dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The add-in and the dashboard run in a browser: no node: modules (issue 8).' },
            { group: ['**/server/**', '../server', '../../server'], message: 'The add-in and the dashboard reach the server over HTTP only, never by import (issue 8).' },
          ],
        },
      ],
    },
  },
  {
    files: ['addin/**/*.ts'],
    plugins: { 'office-addins': officeAddins },
    rules: {
      'office-addins/load-object-before-read': 'error',
      'office-addins/call-sync-after-load': 'error',
      'office-addins/no-context-sync-in-loop': 'error',
      'office-addins/no-empty-load': 'error',
      'office-addins/no-office-initialize': 'error',
      'office-addins/test-for-null-using-isNullObject': 'error',
      // Off: both give false positives on this code base. call-sync-before-read follows variables by name
      // only and flags reads of proxies that addin/excel/batcher.ts synced in another function;
      // no-navigational-load flags the `load('values, numberFormat')` property lists, which are not
      // navigation properties.
      'office-addins/call-sync-before-read': 'off',
      'office-addins/no-navigational-load': 'off',
    },
  },
);
