// `npx qingdan export PLAN PERIOD [--unit 单位] [--template] [--out FILE] [--url URL --token T]`
// writes the month's 重点任务清单 (.xlsx). See workbook-target.ts for where it reads from.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PeriodId } from '../../model/progress';
import { workbookMonth } from '../services/month-view';
import { NotFoundError } from '../services/plans';
import { writeWorkbook } from '../workbook/export';
import { previousCumulatives } from '../services/previous';
import { CliError } from './cli-error';
import { openConfigured, remoteFailure, remoteOf } from './workbook-target';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { unit: { type: 'string' }, template: { type: 'boolean' }, out: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
    allowPositionals: true,
  });
  const [planId, period] = positionals;
  if (!planId || !period)
    throw new CliError('USAGE', '用法：qingdan export 计划编号 月份(YYYY-MM) [--unit 单位] [--template] [--out 文件.xlsx] [--url 服务地址 --token 令牌]', 2);
  if (!PeriodId.safeParse(period).success) throw new CliError('BAD_PERIOD', `月份格式须为 YYYY-MM：${period}`, 2);
  const out = values.out ?? `${planId}-${period}${values.unit ? `-${values.unit}` : ''}${values.template ? '-模板' : ''}.xlsx`;

  const remote = remoteOf(values);
  if (remote) {
    const q = new URLSearchParams();
    if (values.unit) q.set('unit', values.unit);
    if (values.template) q.set('template', '1');
    const res = await fetch(`${remote.url}/api/v1/plans/${encodeURIComponent(planId)}/periods/${period}/workbook.xlsx?${q}`, {
      headers: { authorization: `Bearer ${remote.token}` },
    });
    if (!res.ok) throw await remoteFailure(res);
    await writeFile(out, Buffer.from(await res.arrayBuffer()));
  } else {
    const database = await openConfigured();
    try {
      // A closed month as it was closed (issue 11), like the HTTP export.
      const { plan, rows, lastYear } = (await workbookMonth(database.db, planId, period, values.unit).catch((err) => {
        throw err instanceof NotFoundError ? new CliError('NOT_FOUND', err.message) : err;
      }))!;
      const stream = createWriteStream(out);
      const previous = values.template ? undefined : await previousCumulatives(database.db, planId, period);
      await writeWorkbook(stream, { plan, period, rows, unit: values.unit, template: values.template, lastYear, previous });
      await finished(stream);
    } finally {
      await database.close();
    }
  }
  console.error(`已导出：${out}`);
  return 0;
}
