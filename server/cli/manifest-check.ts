// `qingdan manifest-check [FILE]` (npm run validate): offline XSD validation against
// ../shared/office-manifest-xsd plus the project's lint. For Microsoft's online validator, with
// internet: `npx office-addin-manifest validate manifest.xml`.
import { readFileSync, existsSync } from 'node:fs';
import { lintManifest } from '../manifest/lint';
import { validateManifestXsd, xsdAvailable, XSD_DIR } from '../manifest/xsd';
import { CliError } from './cli-error';

export async function run(args: string[]): Promise<number> {
  const file = args[0] ?? 'manifest.xml';
  if (!existsSync(file)) throw new CliError('FILE_NOT_FOUND', `找不到文件：${file}`);
  const xml = readFileSync(file, 'utf8');
  const problems = lintManifest(xml).map((p) => `[${p.code}] ${p.message}`);
  if (xsdAvailable()) {
    const xsd = await validateManifestXsd(xml);
    problems.push(...xsd.errors.map((e) => `[XSD] ${e.trim()}`));
  } else console.error(`跳过 XSD 校验：找不到 ${XSD_DIR}`);
  if (problems.length) {
    console.error(problems.join('\n'));
    throw new CliError('MANIFEST_INVALID', `${file} 有 ${problems.length} 处问题`);
  }
  console.log(`${file}：校验通过`);
  return 0;
}
