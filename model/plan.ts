// The plan model: what the importer produces and what the server stores.
// Field names follow ../shared/seed-gold/ANNOTATION.md so the importer's JSON is the gold format.
import { z } from 'zod';

export const Script = z.enum(['simplified', 'traditional']);
export type Script = z.infer<typeof Script>;

/** Where in the source text something was found: [start, end) in UTF-16 code units of the decoded text. */
export const Span = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof Span>;

export const Comparator = z.enum(['eq', 'gte', 'lte']);
export const TargetKind = z.enum(['amount', 'count', 'level', 'rate', 'growth']);

export const Target = z.object({
  id: z.string(),
  metric: z.string(),
  value: z.number(),
  max: z.number().optional(),
  unit: z.string(),
  comparator: Comparator,
  kind: TargetKind,
  quote: z.string(),
  span: Span,
  confidence: z.number().min(0).max(1),
  /** Why the importer is unsure (Chinese, for the preview's 需核对), set when confidence < 0.8. */
  reason: z.string().optional(),
  /** Set by the server: bumped by each edit, the baseVersion for the next one. Absent on an import. */
  version: z.number().int().positive().optional(),
});
export type Target = z.infer<typeof Target>;

/** A deadline as written, plus what it means where that can be computed. */
export const Deadline = z.object({
  text: z.string(),
  span: Span.optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(), // resolved date (ISO)
  monthlyDay: z.number().int().min(1).max(31).optional(), // a monthly rule: "每月28日前" → 28
});
export type Deadline = z.infer<typeof Deadline>;

export const UnitRole = z.enum(['lead', 'co', 'exec']);
export type UnitRole = z.infer<typeof UnitRole>;
export const Units = z.object({
  lead: z.array(z.string()).optional(),
  co: z.array(z.string()).optional(),
  exec: z.array(z.string()).optional(),
});
export type Units = z.infer<typeof Units>;

export const NodeKind = z.enum(['section', 'task']);
export type NodeKind = z.infer<typeof NodeKind>;

export interface PlanNode {
  id: string;
  kind: NodeKind;
  number: string;
  title: string;
  text: string;
  span: Span;
  targets: Target[];
  deadlines: Deadline[];
  units?: Units;
  children: PlanNode[];
  /** How sure the importer is of this node's reading (0..1); absent on plans not from the importer. */
  confidence?: number;
  /** Why not, in Chinese, when confidence < 0.8 (the preview shows 需核对). */
  reason?: string;
}
export const PlanNode: z.ZodType<PlanNode> = z
  .lazy(() =>
    z.object({
      id: z.string(),
      kind: NodeKind,
      number: z.string(),
      title: z.string(),
      text: z.string(),
      span: Span,
      targets: z.array(Target),
      deadlines: z.array(Deadline),
      units: Units.optional(),
      children: z.array(PlanNode),
      confidence: z.number().min(0).max(1).optional(),
      reason: z.string().optional(),
    }),
  )
  .meta({ id: 'PlanNode' });

export const Plan = z
  .object({
    id: z.string(),
    title: z.string(),
    year: z.number().int().min(1949).max(2100).nullable(),
    issuer: z.string().optional(),
    script: Script,
    source: z.string(), // source file name
    nodes: z.array(PlanNode),
  })
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof Plan>;

/** A task's 牵头/配合单位 (server/db assignments). */
export const TaskAssignment = z.object({ lead: z.array(z.string()), co: z.array(z.string()) }).meta({ id: 'TaskAssignment' });
export type TaskAssignment = z.infer<typeof TaskAssignment>;

/** GET /plans/{planId}: the plan with its assignments by task id. */
export const PlanDoc = Plan.extend({ assignments: z.record(z.string(), TaskAssignment) }).meta({ id: 'PlanDoc' });
export type PlanDoc = z.infer<typeof PlanDoc>;

/** Depth-first walk over a plan's nodes, parents before children. */
export function* walkNodes(nodes: PlanNode[], parent?: PlanNode): Generator<{ node: PlanNode; parent?: PlanNode }> {
  for (const node of nodes) {
    yield { node, parent };
    yield* walkNodes(node.children, node);
  }
}
