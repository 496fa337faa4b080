// The layer lines hold (issue 8): an import or a global across the wrong line fails `npm test`.
// ESLint (eslint.config.js no-restricted-imports) guards imports; each layer's tsconfig guards globals
// (model/ has no DOM and no node types). Probes are linted/compiled in memory, never written to disk.
import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

async function lint(path: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** Type-checks one probe file as if it were `path`, with the compiler options of its layer's tsconfig. */
function typeErrors(path: string, code: string): string[] {
  const file = join(ROOT, path);
  const configPath = join(dirname(file), 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dirname(configPath));
  const { composite: _c, declaration: _d, emitDeclarationOnly: _e, tsBuildInfoFile: _t, outDir: _o, ...options } = parsed.options;
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, code, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], { ...options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('layers: imports (ESLint)', () => {
  it('model/ may not import node:, pg, drizzle, hono, exceljs, PGlite or the server', async () => {
    for (const spec of [
      'node:fs',
      'pg',
      'drizzle-orm',
      'hono',
      'exceljs',
      '@electric-sql/pglite',
      '../server/app',
      '../addin/controller',
      '../dashboard/main',
    ]) {
      const messages = await lint('model/layer-probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(messages, spec).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports' })]);
    }
  });

  it('addin/ and dashboard/ may not import the server or node:', async () => {
    expect(await lint('addin/layer-probe.ts', "import { createApp } from '../server/app';\nexport const x = createApp;\n")).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('over HTTP only') }),
    ]);
    expect(await lint('dashboard/layer-probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('no node: modules') }),
    ]);
  });

  it('imports along the lines are clean', async () => {
    expect(await lint('model/layer-probe.ts', "import { ERROR_MESSAGES } from './errors';\nexport const x = ERROR_MESSAGES;\n")).toEqual([]);
    expect(await lint('addin/layer-probe.ts', "import { ERROR_MESSAGES } from '../model/errors';\nexport const x = ERROR_MESSAGES;\n")).toEqual([]);
  });
});

describe('layers: globals (tsconfig per layer)', () => {
  it('model/ sees neither the DOM nor node', () => {
    expect(typeErrors('model/layer-probe.ts', 'export const title = document.title;\n')).toEqual([
      expect.stringMatching(/^TS2584 Cannot find name 'document'/),
    ]);
    expect(typeErrors('model/layer-probe.ts', 'export const env = process.env.X;\n')).toEqual([
      expect.stringMatching(/^TS25(80|91) Cannot find name 'process'/),
    ]);
  });

  it('the add-in sees the DOM and office-js; the server sees node', () => {
    expect(typeErrors('addin/layer-probe.ts', 'export const title = document.title;\nexport const f = (r: Excel.Range) => r.address;\n')).toEqual([]);
    expect(typeErrors('server/layer-probe.ts', 'export const env = process.env.X;\n')).toEqual([]);
    expect(typeErrors('server/layer-probe.ts', 'export const title = document.title;\n')).toEqual([expect.stringMatching(/^TS2584 /)]);
  });
});
