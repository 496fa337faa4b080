// A task table flattened into text (重点工作任务分解表 copied out of Word or a web page): a header row
// 序号 工作任务 责任单位 完成时限, then one line per row, 1<TAB>task<TAB>units<TAB>deadline. Each row is a
// task numbered as printed; the header names what each column holds.
import type { UnitRole } from '../plan';
import { isUnit } from './targets';

export type ColumnRole = UnitRole | 'deadline' | 'text' | 'quantity';

export interface TableHeader {
  columns: ColumnRole[]; // column 0 is 序号
  // Quantity columns (新增就业（人）): the header's name and where its unit is, in the header line.
  quantities: ({ name: string; unitStart: number; unitEnd: number } | undefined)[];
  spaced: boolean; // cells separated by single spaces (else by tabs, wide or repeated spaces)
}

export interface TableCell {
  start: number; // offsets in the line
  end: number;
  role: ColumnRole;
  column: number; // index in the header
}

const WIDE_SEP = /\t+|[ \u00a0\u3000]{2,}|\u3000/g;
const ANY_SEP = /[\s\u00a0\u3000]+/g;

function cells(line: string, sep: RegExp): { start: number; end: number }[] {
  // With tabs every tab is a cell boundary, so an empty cell (\t\t) keeps the columns in place.
  if (sep === WIDE_SEP && line.includes('\t')) {
    const out: { start: number; end: number }[] = [];
    let at = 0;
    for (const part of line.split('\t')) {
      let a = at;
      let b = at + part.length;
      while (a < b && /\s/.test(line[a])) a++;
      while (b > a && /\s/.test(line[b - 1])) b--;
      out.push({ start: a, end: b });
      at += part.length + 1;
    }
    return out;
  }
  const out: { start: number; end: number }[] = [];
  let at = 0;
  sep.lastIndex = 0;
  for (let m = sep.exec(line); m; m = sep.exec(line)) {
    if (m.index > at) out.push({ start: at, end: m.index });
    at = m.index + m[0].length;
  }
  if (at < line.length) out.push({ start: at, end: line.length });
  return out;
}

function roleOf(name: string): ColumnRole {
  if (/牵头|主办|主责/.test(name)) return 'lead';
  if (/配合|协办|参与/.test(name)) return 'co';
  if (/责任|实施|负责|承办|单位|部门/.test(name)) return 'exec';
  if (/时限|时间|期限|时序|进度/.test(name)) return 'deadline';
  return 'text';
}

/** The header row of a flattened task table, if `line` (trimmed view) is one. */
export function tableHeader(line: string): TableHeader | undefined {
  if (!/^序号[\s\u3000]/.test(line)) return undefined;
  let spaced = false;
  let cs = cells(line, WIDE_SEP);
  if (cs.length < 3) {
    cs = cells(line, ANY_SEP);
    spaced = true;
  }
  const names = cs.map((c) => line.slice(c.start, c.end));
  if (names.length < 3 || names.some((n) => n.length > 10 || /[。,;:]/.test(n))) return undefined;
  if (!names.slice(1).some((n) => /单位|部门|时限|任务|内容|事项|措施/.test(n))) return undefined;
  const quantities = cs.map((c, i) => {
    const q = /^(.+?)\(([^()]{1,6})\)$/.exec(names[i]);
    return i > 0 && q && isUnit(q[2]) ? { name: q[1], unitStart: c.start + q[1].length + 1, unitEnd: c.end - 1 } : undefined;
  });
  return { columns: ['text', ...names.slice(1).map((n, i) => (quantities[i + 1] ? 'quantity' : roleOf(n)))], quantities, spaced };
}

/** A row of the table: its printed number and its cells, or undefined when the line is not a row. */
export function tableRow(line: string, header: TableHeader): { numberEnd: number; cells: TableCell[] } | undefined {
  const m = /^\d{1,3}(?=[\s\u3000])/.exec(line);
  if (!m) return undefined;
  // The number is cell 0 whatever follows it (1 任务<TAB>单位: one space after the number, tabs between cells).
  const n = m[0].length;
  let k = n; // the separator after the number
  while (k < line.length && /[\s\u3000]/.test(line[k])) k++;
  const cs = [{ start: 0, end: n }, ...cells(line.slice(k), header.spaced ? ANY_SEP : WIDE_SEP).map((c) => ({ start: c.start + k, end: c.end + k }))];
  if (cs.length < 2) return undefined;
  const cols = header.columns;
  // Surplus cells (spaces inside the task's own text) belong to the first text column: the columns
  // before it are read from the left, the ones after it from the right.
  const textCol = Math.max(1, cols.findIndex((r, i) => i > 0 && r === 'text'));
  const out: TableCell[] = [];
  const before = Math.min(textCol, cs.length);
  for (let i = 1; i < before; i++) out.push({ ...cs[i], role: cols[i], column: i });
  const after = Math.max(0, Math.min(cols.length - textCol - 1, cs.length - before - 1));
  const mid = cs.slice(before, cs.length - after);
  if (mid.length) out.push({ start: mid[0].start, end: mid[mid.length - 1].end, role: cols[textCol] ?? 'text', column: textCol });
  cs.slice(cs.length - after).forEach((c, k) => out.push({ ...c, role: cols[cols.length - after + k], column: cols.length - after + k }));
  return { numberEnd: n, cells: out };
}
