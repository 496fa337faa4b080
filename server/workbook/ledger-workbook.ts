// The 问题清单台账 workbook (issue 10): one row per ledger item, open items first.
import { PassThrough } from 'node:stream';
import type { LedgerItemView } from '../services/ledger';
import { createStreamingWorkbook } from './xlsx';

const HEADERS: [string, number][] = [
  ['序号', 6],
  ['任务', 36],
  ['责任单位', 16],
  ['填报单位', 14],
  ['提出月份', 10],
  ['存在问题', 36],
  ['整改措施', 36],
  ['整改期限', 12],
  ['状态', 8],
  ['销号时间', 18],
  ['销号人', 14],
  ['销号说明', 30],
  ['id', 6],
];

const MONTH = (p: string) => `${p.slice(0, 4)}年${Number(p.slice(5, 7))}月`;

export async function ledgerWorkbook(title: string, items: readonly LedgerItemView[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => (out.on('end', resolve), out.on('error', reject)));
  const wb = createStreamingWorkbook(out);
  const ws = wb.addWorksheet('问题清单台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = HEADERS.map(([, width]) => ({ width }));
  const titleRow = ws.addRow([`${title} 问题清单台账`]);
  titleRow.font = { name: '方正小标宋简体', size: 16, bold: true };
  ws.mergeCells(1, 1, 1, HEADERS.length);
  titleRow.commit();
  const head = ws.addRow(HEADERS.map(([h]) => h));
  head.font = { name: '黑体', bold: true };
  head.commit();
  const sorted = [...items].sort((a, b) => (a.status === b.status ? a.raisedIn.localeCompare(b.raisedIn) || a.id - b.id : a.status === 'open' ? -1 : 1));
  sorted.forEach((it, i) => {
    const row = ws.addRow([
      i + 1,
      it.task,
      it.owner,
      it.unit,
      MONTH(it.raisedIn),
      it.text,
      it.measures ?? '',
      it.due,
      it.status === 'open' ? (it.overdue ? '逾期未销号' : '未销号') : '已销号',
      it.closedAt ? new Date(new Date(it.closedAt).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '',
      it.closedBy ?? '',
      it.closeNote ?? '',
      it.id,
    ]);
    row.alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  });
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
