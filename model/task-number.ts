// Finding a task by the number the office reads in the document (issue 9: assignments by 序号, not by
// opaque ids). "3" / "3." / "（三）" match a task numbered so; where sections restart their numbering, the
// path of numbers "二.3" (or "二-3", "二/3") names one.
import { walkNodes, type PlanNode } from './plan';

/** A number without its brackets and punctuation: "（三）" → "三", "3." → "3", "第3条" → "3". */
export function normalNumber(n: string): string {
  return n.replace(/[\s（）()、.．。,，:：第条项]/g, '');
}

export type TaskLookup = { ok: true; id: string } | { ok: false; code: 'UNKNOWN_TASK' | 'AMBIGUOUS_TASK'; message: string };

export function taskIndex(nodes: PlanNode[]): (query: string) => TaskLookup {
  const paths: { id: string; path: string[] }[] = [];
  const trail = new Map<string, string[]>();
  for (const { node, parent } of walkNodes(nodes)) {
    const path = [...(parent ? trail.get(parent.id)! : []), normalNumber(node.number)];
    trail.set(node.id, path);
    if (node.kind === 'task') paths.push({ id: node.id, path });
  }
  return (query) => {
    const q = query
      .split(/[.．\-/—]+(?=\S)/)
      .map(normalNumber)
      .filter(Boolean);
    if (!q.length) return { ok: false, code: 'UNKNOWN_TASK', message: `找不到任务：${query}` };
    // the query's parts are the last parts of the task's path: "3" = any task numbered 3, "二.3" = 3 under 二
    const hits = paths.filter((p) => p.path.length >= q.length && q.every((part, i) => p.path[p.path.length - q.length + i] === part));
    if (hits.length === 1) return { ok: true, id: hits[0].id };
    // "1.2" may also be a single dotted number (1.2 as written)
    const whole = paths.filter((p) => p.path[p.path.length - 1] === normalNumber(query));
    if (whole.length === 1) return { ok: true, id: whole[0].id };
    if (!hits.length) return { ok: false, code: 'UNKNOWN_TASK', message: `找不到序号为“${query}”的任务` };
    return {
      ok: false,
      code: 'AMBIGUOUS_TASK',
      message: `序号“${query}”对应 ${hits.length} 个任务，请写上所在部分的序号，如“${hits[0].path.slice(-2).join('.')}”`,
    };
  };
}
