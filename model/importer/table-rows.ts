// A task table flattened into text (重点工作任务分解表 copied out of Word or a web page): a header row
// 序号 工作任务 责任单位 完成时限, then one line per row, 1<TAB>task<TAB>units<TAB>deadline. Each row is a
// task numbered as printed; the header names what each column holds.
import type { UnitRole } from '../plan';
import { isUnit } from './target-phrases';

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
  const textCol = Math.max(
    1,
    cols.findIndex((r, i) => i > 0 && r === 'text'),
  );
  const out: TableCell[] = [];
  const before = Math.min(textCol, cs.length);
  for (let i = 1; i < before; i++) out.push({ ...cs[i], role: cols[i], column: i });
  const after = Math.max(0, Math.min(cols.length - textCol - 1, cs.length - before - 1));
  const mid = cs.slice(before, cs.length - after);
  if (mid.length) out.push({ start: mid[0].start, end: mid[mid.length - 1].end, role: cols[textCol] ?? 'text', column: textCol });
  cs.slice(cs.length - after).forEach((c, k) => out.push({ ...c, role: cols[cols.length - after + k], column: cols.length - after + k }));
  return { numberEnd: n, cells: out };
}

// A table whose cells ran together when it was copied (序号重点任务牵头单位配合单位完成时限, then
// 1深化…改革市交通运输局市司法局2022年9月底前): the header is read as a run of column names, and each row
// from its ends — the number at the start, the deadline at the end, the unit names before it.
const COLUMN_NAME =
  /工作任务|重点任务|主要任务|任务内容|工作内容|具体措施|工作措施|重点工作|主要内容|工作事项|牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|完成时限|完成时间|时间节点|时限要求|进度安排|备注/y;

/** The columns of a run-together header (序号 + names without separators), if `line` is one. */
export function runOnHeader(line: string): ColumnRole[] | undefined {
  if (!/^序号[\u4e00-\u9fff]/.test(line)) return undefined;
  const names: string[] = [];
  for (let at = 2; at < line.length;) {
    COLUMN_NAME.lastIndex = at;
    const m = COLUMN_NAME.exec(line);
    if (!m) return undefined;
    names.push(m[0]);
    at += m[0].length;
  }
  if (names.length < 2 || !names.some((n) => /单位|部门/.test(n))) return undefined;
  return ['text', ...names.map(roleOf)];
}

const ROW_DEADLINE =
  /(?:(?:19|20)\d\d年)?(?:\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|中旬|上旬|下旬)?(?:前|以前)?|底前|年底前?|上半年|下半年)$|(?:持续推进|长期坚持|持续开展|常态化推进|长期推进|按年度推进)$/;
const UNIT_START = /[市省县区各]/;
const UNIT_END = /[局委厅办心司位府院队门团关站所处]/;
const UNIT_NAME = /^[市省县区各][\u4e00-\u9fff()]{1,18}(?:局|委员会|委|厅|办公室|办|中心|公司|单位|政府|法院|检察院|支队|大队|部门|集团|海关)$/;

/** Unit names run together at the end of `text`: where the run starts and each name, or undefined. */
function unitRun(text: string): { start: number; names: { start: number; end: number }[] } | undefined {
  for (let p = 0; p < text.length; p++) {
    if (!UNIT_START.test(text[p])) continue;
    const names: { start: number; end: number }[] = [];
    let from = p;
    let ok = true;
    for (let i = p + 1; i <= text.length && ok; i++) {
      if (i === text.length || (UNIT_START.test(text[i]) && UNIT_END.test(text[i - 1]))) {
        if (!UNIT_NAME.test(text.slice(from, i))) ok = false;
        else names.push({ start: from, end: i });
        from = i;
      }
    }
    if (ok && names.length) return { start: p, names };
  }
  return undefined;
}

export interface RunOnRow {
  numberEnd: number;
  text: { start: number; end: number };
  units: { start: number; end: number; role: UnitRole }[];
  deadline?: { start: number; end: number };
}

/** A row of a run-together table, offsets in `line`; undefined when the line is not one. */
export function runOnRow(line: string, columns: ColumnRole[]): RunOnRow | undefined {
  const n = /^\d{1,3}(?![\d年月日号个项万亿%.、])(?=[\u4e00-\u9fff“"《(])/.exec(line);
  if (!n) return undefined;
  let end = line.length;
  while (end > 0 && /[\s。;]/.test(line[end - 1])) end--;
  const d = ROW_DEADLINE.exec(line.slice(0, end));
  const bodyEnd = d ? d.index : end;
  const run = unitRun(line.slice(0, bodyEnd));
  if (!run || run.start <= n[0].length) return undefined;
  const roles = columns.filter((r): r is UnitRole => r === 'lead' || r === 'co' || r === 'exec');
  if (!roles.length) return undefined;
  // The first name fills the first unit column, the others the next one (a 配合单位 cell lists several).
  const units = run.names.map((u, i) => ({ ...u, role: roles[Math.min(i, roles.length - 1, i === 0 ? 0 : 1)] }));
  return { numberEnd: n[0].length, text: { start: n[0].length, end: run.start }, units, ...(d ? { deadline: { start: d.index, end } } : {}) };
}
