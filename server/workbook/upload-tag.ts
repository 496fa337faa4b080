// The plan and month the export wrote into the workbook's keywords (docProps/core.xml): an upload of
// another plan's or month's 清单 is refused before any row is read.
import type { PeriodId } from '../../model/progress';
import { WorkbookError } from './errors';
import { readZipEntry } from './zipcheck';
import { decodeXml } from './xml-text';

export function parseKeywords(keywords: string | undefined): { plan?: string; period?: string } {
  if (!keywords || !keywords.startsWith('qingdan')) return {};
  return { plan: /plan=(\S+)/.exec(keywords)?.[1], period: /period=(\S+)/.exec(keywords)?.[1] };
}

/** The workbook's keywords, where the export put plan and month. */
function keywordsOf(buffer: Buffer): string | undefined {
  const xml = readZipEntry(buffer, 'docProps/core.xml')?.toString('utf8');
  const m = xml && /<(?:\w+:)?keywords\b[^>]*>([^<]*)</.exec(xml);
  return m ? decodeXml(m[1]) : undefined;
}

/** Throws WRONG_PLAN / WRONG_PERIOD when the file says it is another plan's or month's; untagged files pass. */
export function checkTag(buffer: Buffer, planId: string, period: PeriodId): void {
  const tag = parseKeywords(keywordsOf(buffer));
  if (tag.plan && tag.plan !== planId) throw new WorkbookError('WRONG_PLAN', `这是另一份工作要点（${tag.plan}）的清单，不能上传到本计划`, 409);
  if (tag.period && tag.period !== period) {
    throw new WorkbookError('WRONG_PERIOD', `这是${tag.period}的清单，不能上传到${period}；请导出${period}的清单或在对应月份上传`, 409);
  }
}
