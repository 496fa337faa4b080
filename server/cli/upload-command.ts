// The CLI's upload command: `npx qingdan upload FILE --plan PLAN --period YYYY-MM [--annotated OUT] [--url URL --token T]`
// sends a filled-in 清单 through the same checks and push protocol as the API; prints the per-row
// results and writes the annotated copy next to FILE when anything was not saved. Exit 0: all saved
// or unchanged; 3: some rows rejected or in conflict; 1: the file was refused (nothing saved).
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PeriodId } from '../../model/progress';
import { NotFoundError } from '../services/plans';
import { annotatedName } from '../workbook/annotate';
import { WorkbookError } from '../workbook/errors';
import { uploadWorkbook } from '../services/workbook-upload';
import type { UploadResult } from '../workbook/upload-apply';
import { CliError } from './cli-error';
import { CLI_ACTOR, openConfigured, remoteFailure, remoteOf } from './workbook-target';

type Summary = Omit<UploadResult, 'annotated'>;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      plan: { type: 'string' },
      period: { type: 'string' },
      annotated: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!file || !values.plan || !values.period)
    throw new CliError('USAGE', '用法：qingdan upload 文件.xlsx --plan 计划编号 --period YYYY-MM [--annotated 输出.xlsx] [--url 服务地址 --token 令牌]', 2);
  if (!PeriodId.safeParse(values.period).success) throw new CliError('BAD_PERIOD', `月份格式须为 YYYY-MM：${values.period}`, 2);
  const bytes = await readFile(file).catch(() => {
    throw new CliError('NO_FILE', `无法读取文件：${file}`);
  });
  const annotatedPath = values.annotated ?? annotatedName(file);

  let summary: Summary;
  let annotated: Buffer;
  const remote = remoteOf(values);
  if (remote) {
    const res = await fetch(`${remote.url}/api/v1/plans/${encodeURIComponent(values.plan)}/periods/${values.period}/workbook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${remote.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    if (!res.ok) {
      const err = await remoteFailure(res.clone());
      const body = (await res.json().catch(() => ({}))) as { annotated?: { base64: string } };
      if (body.annotated) await writeAnnotated(annotatedPath, Buffer.from(body.annotated.base64, 'base64'));
      throw err;
    }
    const body = (await res.json()) as Summary & { annotated: { base64: string } };
    annotated = Buffer.from(body.annotated.base64, 'base64');
    summary = body;
  } else {
    const database = await openConfigured();
    try {
      const result = await uploadWorkbook(database.db, CLI_ACTOR, values.plan, values.period, bytes).catch(async (err) => {
        if (err instanceof NotFoundError) throw new CliError('NOT_FOUND', err.message);
        if (!(err instanceof WorkbookError)) throw err;
        if (err.annotated) await writeAnnotated(annotatedPath, err.annotated);
        const cells = err.errors
          .slice(0, 10)
          .map((e) => `\n  ${e.cell} ${e.message}`)
          .join('');
        throw new CliError(err.code, `${err.message}${cells}`);
      });
      ({ annotated, ...summary } = result);
    } finally {
      await database.close();
    }
  }

  if (values.json) console.log(JSON.stringify(summary, null, 2));
  console.error(`工作表“${summary.sheet}”：保存${summary.applied}行，未变${summary.unchanged}行，冲突${summary.conflicts}行，被拒${summary.rejected}行`);
  for (const r of summary.rows.filter((x) => x.outcome !== 'applied')) {
    const why =
      r.outcome === 'conflict'
        ? (r.conflict?.message ?? `已被他人修改（服务器版本${r.version}）`)
        : (r.errors ?? []).map((e) => `${e.cell ?? e.field} ${e.message}`).join('；');
    console.error(`  第${r.row}行 ${r.outcome === 'conflict' ? '冲突' : '被拒'}：${why}`);
  }
  if (summary.conflicts + summary.rejected > 0) {
    await writeAnnotated(annotatedPath, annotated);
    return 3;
  }
  return 0;
}

async function writeAnnotated(path: string, buf: Buffer): Promise<void> {
  await writeFile(path, buf);
  console.error(`已写出批注副本：${path}`);
}
