// Offline XSD validation of a manifest against the [MS-OWEMXML] schemas in ../shared/office-manifest-xsd
// (read in place, never copied into the repo). Node only: used by tests and `npm run validate`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

/** ../shared/office-manifest-xsd relative to the repo root (this file is server/manifest/xsd.ts). */
export const XSD_DIR = fileURLToPath(new URL('../../../shared/office-manifest-xsd', import.meta.url));
const ENTRY = 'OfficeAppManifestV1_1.xsd';

export function xsdAvailable(dir = XSD_DIR): boolean {
  return existsSync(join(dir, ENTRY));
}

export async function validateManifestXsd(xml: string, dir = XSD_DIR): Promise<{ valid: boolean; errors: string[] }> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.xsd'))
    .map((f) => ({ fileName: f, contents: readFileSync(join(dir, f), 'utf8') }));
  const schema = files.find((f) => f.fileName === ENTRY)!;
  const result = await validateXML({
    xml: { fileName: 'manifest.xml', contents: xml },
    schema,
    preload: files.filter((f) => f !== schema),
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage ?? e.message) };
}
