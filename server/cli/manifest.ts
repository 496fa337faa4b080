// `qingdan manifest --url https://plan.example.org [--out FILE]`: the add-in manifest for a deployment
// (intranet server, shared-folder catalog). Prints to stdout without --out.
import { writeFileSync } from 'node:fs';
import { buildManifest, normalizeBaseUrl } from '../manifest/manifest';
import { lintManifest } from '../manifest/lint';
import { CliError } from './errors';

export async function run(args: string[]): Promise<number> {
  let url: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--url') url = args[++i];
    else if (a.startsWith('--url=')) url = a.slice(6);
    else if (a === '--out') out = args[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
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
  if (out) {
    writeFileSync(out, xml);
    console.error(`已写入 ${out}（加载项地址 ${normalizeBaseUrl(url)}/addin/taskpane.html）`);
  } else process.stdout.write(xml);
  return 0;
}
