// What the office must see before confirming an import (issue 9): no targets at all, tasks without a
// 牵头单位 or a deadline, sibling numbers that skip (（一）→（三）), and readings the importer is unsure of.
import { z } from 'zod';
import { walkNodes, type Plan, type PlanNode } from './plan';

export const ImportWarningCode = z.enum(['NO_TARGETS', 'NO_UNIT', 'NO_DEADLINE', 'SKIPPED_NUMBER', 'LOW_CONFIDENCE']);
export type ImportWarningCode = z.infer<typeof ImportWarningCode>;

export const ImportWarning = z
  .object({ code: ImportWarningCode, message: z.string(), nodeId: z.string().optional(), targetId: z.string().optional() })
  .meta({ id: 'ImportWarning' });
export type ImportWarning = z.infer<typeof ImportWarning>;

/** Below this the preview marks a reading 需核对 (the importer sets `reason` then). */
export const LOW_CONFIDENCE = 0.8;

const DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** The ordinal of a heading number: "3." → 3, "（十二）" → 12, "第二十一条" → 21; null when there is none. */
export function ordinalOf(number: string): number | null {
  const arabic = /\d+/.exec(number);
  if (arabic) return Number(arabic[0]);
  const m = /[〇零一二两三四五六七八九十百]+/.exec(number);
  if (!m) return null;
  let total = 0;
  let cur = 0;
  for (const ch of m[0]) {
    if (ch === '百' || ch === '十') {
      total += (cur || 1) * (ch === '百' ? 100 : 10);
      cur = 0;
    } else cur = DIGITS[ch];
  }
  return total + cur;
}

/** The shape of a number without its value, so "（一）" and "1." are different sequences among siblings. */
function styleOf(number: string): string {
  return number.replace(/\d+|[〇零一二两三四五六七八九十百]+/g, '#');
}

function label(n: PlanNode): string {
  return `${n.number} ${n.title}`.trim().slice(0, 40);
}

function skipped(siblings: PlanNode[], parent: string, out: ImportWarning[]): void {
  const last = new Map<string, PlanNode>();
  for (const n of siblings) {
    const ord = ordinalOf(n.number);
    if (ord === null) continue;
    const style = styleOf(n.number);
    const prev = last.get(style);
    const prevOrd = prev ? ordinalOf(prev.number)! : 0;
    if (ord > prevOrd + 1) {
      const missing = ord - prevOrd - 1;
      const after = prev ? `“${prev.number}”之后` : `${parent}的第一项`;
      out.push({
        code: 'SKIPPED_NUMBER',
        nodeId: n.id,
        message: `编号不连续：${after}是“${n.number}”，缺少 ${missing} 个编号（原文跳号，或该项未能识别为条目，请对照原文核对）`,
      });
    }
    last.set(style, n);
  }
}

export function importWarnings(plan: Plan): ImportWarning[] {
  const out: ImportWarning[] = [];
  let targets = 0;
  skipped(plan.nodes, '全文', out);
  for (const { node } of walkNodes(plan.nodes)) {
    targets += node.targets.length;
    skipped(node.children, `“${node.number}”下`, out);
    // a skipped number already says why the importer is unsure of that node
    const saidSkipped = out.some((w) => w.code === 'SKIPPED_NUMBER' && w.nodeId === node.id);
    if (!saidSkipped && node.confidence !== undefined && node.confidence < LOW_CONFIDENCE)
      out.push({ code: 'LOW_CONFIDENCE', nodeId: node.id, message: `需核对：${label(node)}——${node.reason ?? '识别把握不大'}` });
    for (const t of node.targets)
      if (t.confidence < LOW_CONFIDENCE)
        out.push({ code: 'LOW_CONFIDENCE', nodeId: node.id, targetId: t.id, message: `需核对指标“${t.quote}”：${t.reason ?? '识别把握不大'}` });
    if (node.kind !== 'task') continue;
    if (!node.units?.lead?.length) out.push({ code: 'NO_UNIT', nodeId: node.id, message: `任务 ${label(node)} 没有牵头单位` });
    if (!node.deadlines.length) out.push({ code: 'NO_DEADLINE', nodeId: node.id, message: `任务 ${label(node)} 没有完成时限` });
  }
  if (targets === 0) out.unshift({ code: 'NO_TARGETS', message: '未识别到任何量化指标：请核对原文，或在预览中添加指标' });
  return out;
}
