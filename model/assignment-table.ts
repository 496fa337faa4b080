// The office's 分工 table (issue 9): rows of 序号 / 任务 / 牵头单位 / 配合单位 read into assignments by task
// number. Pure: the server hands in the cells as text; every problem names its cell (A5, C7 …).
import type { PlanNode } from './plan';
import { taskIndex } from './task-number';

export interface TableError {
  cell: string;
  code: 'NO_HEADER' | 'UNKNOWN_TASK' | 'AMBIGUOUS_TASK' | 'UNKNOWN_UNIT' | 'NO_LEAD' | 'EMPTY_TABLE';
  message: string;
}
export interface TableAssignment {
  taskId: string;
  lead: string[];
  co: string[];
}

const col = (i: number) => String.fromCharCode(65 + i);
const names = (s: string) =>
  s
    .split(/[、，,;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const HEADERS = { number: /^(序号|编号|任务序号)$/, task: /^(任务|重点任务|工作任务|任务名称)$/, lead: /^牵头单位$/, co: /^(配合单位|协办单位)$/ };

/** rows[r][c] = cell text (row 1 = rows[0]); `units` = the unit names that exist. */
export function readAssignmentTable(
  rows: string[][],
  nodes: PlanNode[],
  units: string[],
): { ok: true; assignments: TableAssignment[] } | { ok: false; errors: TableError[] } {
  const headerRow = rows.slice(0, 10).findIndex((r) => r.some((c) => HEADERS.number.test(c.trim())) && r.some((c) => HEADERS.lead.test(c.trim())));
  if (headerRow < 0)
    return { ok: false, errors: [{ cell: 'A1', code: 'NO_HEADER', message: '找不到表头：需要“序号”和“牵头单位”两列（可选“任务”“配合单位”）' }] };
  const head = rows[headerRow].map((c) => c.trim());
  const at = (re: RegExp) => head.findIndex((c) => re.test(c));
  const c = { number: at(HEADERS.number), task: at(HEADERS.task), lead: at(HEADERS.lead), co: at(HEADERS.co) };
  const find = taskIndex(nodes);
  const byTitle = new Map<string, string[]>();
  const walk = (ns: PlanNode[]) => ns.forEach((n) => (n.kind === 'task' && byTitle.set(n.title, [...(byTitle.get(n.title) ?? []), n.id]), walk(n.children)));
  walk(nodes);
  const known = new Set(units);
  const errors: TableError[] = [];
  const out: TableAssignment[] = [];
  for (let r = headerRow + 1; r < rows.length; r++) {
    const cell = (i: number) => (i >= 0 ? (rows[r][i] ?? '').trim() : '');
    const number = cell(c.number);
    const title = cell(c.task);
    if (!number && !title) continue; // blank line
    const ref = (i: number) => `${col(i)}${r + 1}`;
    let taskId: string | null = null;
    const hit = number ? find(number) : null;
    if (hit?.ok) taskId = hit.id;
    else if (title && byTitle.get(title)?.length === 1)
      taskId = byTitle.get(title)![0]; // the number may be written differently
    else
      errors.push({
        cell: ref(number ? c.number : c.task),
        code: hit && !hit.ok ? hit.code : 'UNKNOWN_TASK',
        message: hit && !hit.ok ? hit.message : `找不到任务：${title}`,
      });
    const lead = names(cell(c.lead));
    const co = names(cell(c.co));
    if (!lead.length) errors.push({ cell: ref(c.lead), code: 'NO_LEAD', message: '牵头单位为空' });
    for (const [list, i] of [
      [lead, c.lead],
      [co, c.co],
    ] as const)
      for (const n of list) if (!known.has(n)) errors.push({ cell: ref(i), code: 'UNKNOWN_UNIT', message: `找不到单位：${n}（请先创建单位）` });
    if (taskId) out.push({ taskId, lead, co });
  }
  if (errors.length) return { ok: false, errors };
  if (!out.length) return { ok: false, errors: [{ cell: `A${headerRow + 2}`, code: 'EMPTY_TABLE', message: '表中没有分工行' }] };
  return { ok: true, assignments: out };
}
