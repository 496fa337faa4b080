// The state sheet's JSON, parsed with zod: a user can unhide and edit that sheet, so what comes back is
// checked, and a malformed part is a clear Chinese message (StateSheetError), not a crash deep in a sync.
// Workbooks written before the long names (snapshot {v,h,a,tv,t,co,tg,x}) are read and migrated.
// (Kept outside addin/excel/, whose every member call is checked against the Excel API table: zod's are not Excel's.)
import { z } from 'zod';
import { ProgressValues } from '../model/progress';
import { PushBatch } from '../model/sync';
import { TargetBatch } from '../model/target-edits';

export class StateSheetError extends Error {
  code = 'BAD_STATE_SHEET';
  constructor(
    public sheet: string,
    public part: string,
    detail: string,
  ) {
    super(
      `隐藏的状态表“${sheet}”内容有误（${PART_LABELS[part] ?? part}：${detail}）。请勿手工修改该表；连按两次“填充”可按服务器数据重建本表（未同步的修改会丢失）。`,
    );
  }
}

const PART_LABELS: Record<string, string> = {
  meta: '表信息',
  snapshot: '同步快照',
  pending: '待确认批次',
  pendingTargets: '待确认指标批次',
  conflicts: '冲突',
};

export const SheetMeta = z.object({
  planId: z.string(),
  planTitle: z.string(),
  period: z.string(),
  sheetName: z.string(),
  admin: z.boolean(),
  unit: z.string().nullable(),
  cursor: z.string().nullable(),
  rowCount: z.number().int().nonnegative(), // data rows written by the last fill
  /** The office closed the month: filled read-only (no input cell unlocked). */
  closed: z.boolean().optional(),
  /** 序时进度 lights (model/lights.ts LightContext): 校验 refuses a yellow/red row without 存在问题/下步计划. */
  lights: z
    .object({ timeProgress: z.number(), yellow: z.number(), red: z.number(), targets: z.record(z.string(), z.tuple([z.number(), z.string()])) })
    .optional(),
});
export type SheetMeta = z.infer<typeof SheetMeta>;

const Refused = z.tuple([z.number(), z.enum(['date', 'percent'])]);
const RefusedFigures = z.object({ monthDone: Refused.optional(), cumulative: Refused.optional() });
const TargetText = z.union([z.string(), z.number(), z.null()]);

/**
 * Last-synced state of one item row: the version and a hash of its six input values (a hash, not the
 * values, so the snapshot of a sheet full of long texts stays small). In admin mode also the admin
 * columns as filled (目标值, 单位, 牵头单位), the target's version, the task, its co-lead units (kept when
 * 牵头单位 changes) and whether the row reports on a target (目标值/单位 edits go to targets/batches).
 */
export const SnapEntry = z.object({
  version: z.number().int().nonnegative(),
  hash: z.string(),
  admin: z.object({ targetText: TargetText, unit: z.string(), lead: z.string() }).optional(),
  targetVersion: z.number().int().nonnegative().optional(),
  taskId: z.string().optional(),
  coLeads: z.array(z.string()).optional(),
  isTarget: z.boolean().optional(),
  /** Figures Excel had turned into a date/percentage, refused until retyped (model/number-format.ts). */
  refused: RefusedFigures.optional(),
});
export type SnapEntry = z.infer<typeof SnapEntry>;

/** The short-key entry of workbooks filled before the long names: migrated on read. */
const LegacySnapEntry = z
  .object({
    v: z.number().int().nonnegative(),
    h: z.string(),
    a: z.tuple([TargetText, z.string(), z.string()]).optional(),
    tv: z.number().int().nonnegative().optional(),
    t: z.string().optional(),
    co: z.array(z.string()).optional(),
    tg: z.boolean().optional(),
    x: RefusedFigures.optional(),
  })
  .transform((o): SnapEntry => {
    const e: SnapEntry = { version: o.v, hash: o.h };
    if (o.a) e.admin = { targetText: o.a[0], unit: o.a[1], lead: o.a[2] };
    if (o.tv !== undefined) e.targetVersion = o.tv;
    if (o.t !== undefined) e.taskId = o.t;
    if (o.co) e.coLeads = o.co;
    if (o.tg !== undefined) e.isTarget = o.tg;
    if (o.x) e.refused = o.x;
    return e;
  });

const AnySnapEntry = z.union([SnapEntry, LegacySnapEntry]);

export const Conflict = z.object({
  itemId: z.string(),
  key: z.string(),
  version: z.number().int().nonnegative(), // the server's
  server: ProgressValues,
  mine: z.record(z.string(), z.unknown()), // the fields I changed, as typed
});
export type Conflict = z.infer<typeof Conflict>;

export { TargetBatch };

export interface SheetState {
  meta: SheetMeta;
  snapshot: Record<string, SnapEntry>;
  pending: PushBatch | null;
  pendingTargets: TargetBatch | null;
  conflicts: Record<string, Conflict>;
}

const PART_SCHEMAS = {
  meta: SheetMeta,
  snapshot: z.record(z.string(), AnySnapEntry),
  pending: PushBatch.nullable(),
  pendingTargets: TargetBatch.nullable(),
  conflicts: z.record(z.string(), Conflict),
} as const;

/** The state from the parts' JSON texts (null = empty column); null when the sheet has no meta. */
export function parseState(sheet: string, texts: Record<keyof typeof PART_SCHEMAS, string | null>): SheetState | null {
  const out: Record<string, unknown> = {};
  for (const part of Object.keys(PART_SCHEMAS) as (keyof typeof PART_SCHEMAS)[]) {
    const text = texts[part];
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new StateSheetError(sheet, part, '不是有效的 JSON');
      }
    }
    if (part === 'meta' && json === null) return null;
    if (json === null && part !== 'pending' && part !== 'pendingTargets') json = {};
    const r = PART_SCHEMAS[part].safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new StateSheetError(sheet, part, `${issue.path.join('.') || '整体'} 格式不符`);
    }
    out[part] = r.data;
  }
  return out as unknown as SheetState;
}
