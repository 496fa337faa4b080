// Re-importing a revised document (issue 9): what changes against the live plan. Nodes and targets are
// matched by id (the importer gives an unchanged task or target the same id), so ids stay where nothing
// changed; something that has progress is never deleted — it is archived with its history.
import { z } from 'zod';
import { JsonValue } from './json-value';
import { walkNodes, type Plan, type PlanNode, type Target } from './plan';

export const DiffEntry = z
  .object({
    kind: z.enum(['task', 'section', 'target']),
    id: z.string(),
    label: z.string(),
    /** For a change: which fields, old → new. */
    fields: z.array(z.object({ field: z.string(), old: JsonValue, new: JsonValue })).optional(),
  })
  .meta({ id: 'DiffEntry' });
export type DiffEntry = z.infer<typeof DiffEntry>;

export const PlanDiff = z
  .object({
    added: z.array(DiffEntry),
    changed: z.array(DiffEntry),
    /** Gone from the document and without progress: deleted on confirm. */
    removed: z.array(DiffEntry),
    /** Gone from the document but with progress: archived on confirm (kept with its history). */
    archived: z.array(DiffEntry),
    unchanged: z.number().int(),
  })
  .meta({ id: 'PlanDiff' });
export type PlanDiff = z.infer<typeof PlanDiff>;

const nodeLabel = (n: PlanNode) => `${n.number} ${n.title}`.trim();
const targetLabel = (t: Target) => `${t.metric} ${t.value}${t.unit}`;
const NODE_FIELDS = ['number', 'title', 'deadlines', 'units'] as const;
const TARGET_FIELDS = ['metric', 'value', 'max', 'unit', 'comparator', 'kind'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function index(plan: Plan) {
  const nodes = new Map<string, { node: PlanNode; parent: string | null }>();
  const targets = new Map<string, { target: Target; task: string }>();
  for (const { node, parent } of walkNodes(plan.nodes)) {
    nodes.set(node.id, { node, parent: parent?.id ?? null });
    for (const t of node.targets) targets.set(t.id, { target: t, task: node.id });
  }
  return { nodes, targets };
}

/** `withProgress`: ids of tasks and targets that have any progress row. */
export function diffPlans(live: Plan, next: Plan, withProgress: Set<string>): PlanDiff {
  const a = index(live);
  const b = index(next);
  const d: PlanDiff = { added: [], changed: [], removed: [], archived: [], unchanged: 0 };
  for (const [id, { node, parent }] of b.nodes) {
    const old = a.nodes.get(id);
    if (!old) {
      d.added.push({ kind: node.kind, id, label: nodeLabel(node) });
      continue;
    }
    const fields: NonNullable<DiffEntry['fields']> = NODE_FIELDS.filter((f) => !same(old.node[f], node[f])).map((f) => ({
      field: f,
      old: old.node[f] ?? null,
      new: node[f] ?? null,
    }));
    if (old.parent !== parent) fields.push({ field: 'parent', old: old.parent, new: parent });
    if (fields.length) d.changed.push({ kind: node.kind, id, label: nodeLabel(node), fields });
    else d.unchanged++;
  }
  for (const [id, { target, task }] of b.targets) {
    const old = a.targets.get(id);
    if (!old) {
      d.added.push({ kind: 'target', id, label: targetLabel(target) });
      continue;
    }
    const fields: NonNullable<DiffEntry['fields']> = TARGET_FIELDS.filter((f) => !same(old.target[f], target[f])).map((f) => ({
      field: f,
      old: old.target[f] ?? null,
      new: target[f] ?? null,
    }));
    if (old.task !== task) fields.push({ field: 'task', old: old.task, new: task });
    if (fields.length) d.changed.push({ kind: 'target', id, label: targetLabel(target), fields });
    else d.unchanged++;
  }
  for (const [id, { node }] of a.nodes) {
    if (b.nodes.has(id)) continue;
    const e = { kind: node.kind, id, label: nodeLabel(node) };
    // a task counts as reported when it or any of its targets has progress
    (withProgress.has(id) || node.targets.some((t) => withProgress.has(t.id)) ? d.archived : d.removed).push(e);
  }
  for (const [id, { target }] of a.targets) {
    if (b.targets.has(id)) continue;
    (withProgress.has(id) ? d.archived : d.removed).push({ kind: 'target', id, label: targetLabel(target) });
  }
  return d;
}
