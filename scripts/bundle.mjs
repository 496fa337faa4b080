// The esbuild step shared by build-addin.mjs and build-dashboard.mjs: one entry bundled with its
// dependencies from node_modules (no CDN) into a fresh dist/<name>/, minified with source maps, plus
// the page's static files copied beside it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** `<name>/<entry>.ts` → `dist/<name>/<entry>.js`, and `copy` (files of `<name>/`) alongside; returns the folder and the bundle's size. */
export async function bundle({ name, entry, target, copy = [] }) {
  const out = `${root}dist/${name}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const outfile = `${out}/${entry}.js`;
  await build({
    entryPoints: [`${root}${name}/${entry}.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    target,
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const f of copy) copyFileSync(`${root}${name}/${f}`, `${out}/${f}`);
  return { out, kb: (statSync(outfile).size / 1024).toFixed(0) };
}
