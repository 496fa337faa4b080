// `qingdan manifest --url https://plan.example.org [--out FILE]`: the add-in manifest for a deployment
// (intranet server, shared-folder catalog). Prints to stdout without --out. With --out, `--id random|GUID`
// and `--name TEXT` give the copy its own add-in id and display name through office-addin-manifest
// (Microsoft's package, offline: it reads and rewrites the file) — e.g. a test deployment next to the
// production one; the file is then checked again by the lint (the XSD check: npm run validate).
import { readFileSync, writeFileSync } from 'node:fs';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { buildManifest, normalizeBaseUrl } from '../manifest/manifest';
import { lintManifest } from '../manifest/lint';
import { CliError } from './cli-error';

export async function run(args: string[]): Promise<number> {
  let url: string | undefined;
  let out: string | undefined;
  let id: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--url') url = args[++i];
    else if (a.startsWith('--url=')) url = a.slice(6);
    else if (a === '--out') out = args[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '--id') id = args[++i];
    else if (a === '--name') name = args[++i];
    else throw new CliError('BAD_ARGUMENT', `未知参数：${a}（用法：qingdan manifest --url https://… [--out 文件]）`, 2);
  }
  if (!url) throw new CliError('URL_REQUIRED', '须用 --url 指定部署地址，例如 --url https://plan.example.org', 2);
  try {
    normalizeBaseUrl(url);
  } catch (err) {
    throw new CliError('BAD_URL', (err as Error).message, 2);
  }
  const xml = buildManifest(url);
  const problems = lintManifest(xml);
  if (problems.length) throw new CliError('MANIFEST_LINT', problems.map((p) => p.message).join('；'));
  if ((id || name) && !out) throw new CliError('OUT_REQUIRED', '--id/--name 须与 --out 一起使用', 2);
  if (id && id !== 'random' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new CliError('BAD_ID', `加载项 id 须为 GUID 或 random：${id}`, 2);
  if (out) {
    writeFileSync(out, xml);
    if (id || name) {
      const info = await OfficeAddinManifest.modifyManifestFile(out, id, name);
      const again = lintManifest(readFileSync(out, 'utf8'));
      if (again.length) throw new CliError('MANIFEST_LINT', again.map((p) => p.message).join('；'));
      console.error(`加载项 id ${info.id}，名称 ${info.displayName}`);
    }
    console.error(`已写入 ${out}（加载项地址 ${normalizeBaseUrl(url)}/addin/taskpane.html）`);
  } else process.stdout.write(xml);
  return 0;
}
