// The six fields a reporter types, described once. The progress types (ProgressFields, ProgressValues),
// EMPTY_PROGRESS, the labels, the text limits, the sheet's input keys and the workbook upload's field
// map all derive from this list, so adding or renaming a field is one edit here.
import { z } from 'zod';

export const STATUSES = ['未开始', '推进中', '已完成', '滞后'] as const;
export const ProgressStatus = z.enum(STATUSES);
export type ProgressStatus = z.infer<typeof ProgressStatus>;

/** How a field's cell is read: a non-negative figure, one of STATUSES, or free text up to `limit` characters. */
export type FieldKind = 'number' | 'status' | 'text';

export interface InputFieldSpec {
  key: string;
  /** The column of the progress table (server/db/schema.ts) that stores it. */
  column: string;
  kind: FieldKind;
  /** The sheet header and the name used in every message about the field. */
  label: string;
  /** Text fields: most characters (long enough for a real 进展情况, short enough for a cell); else null. */
  limit: number | null;
}

export const INPUT_FIELDS = [
  { key: 'monthDone', column: 'month_done', kind: 'number', label: '本月完成', limit: null },
  { key: 'cumulative', column: 'cumulative', kind: 'number', label: '累计完成', limit: null },
  { key: 'status', column: 'status', kind: 'status', label: '状态', limit: null },
  { key: 'progress', column: 'progress', kind: 'text', label: '进展情况', limit: 2000 },
  { key: 'problems', column: 'problems', kind: 'text', label: '存在问题', limit: 1000 },
  { key: 'nextSteps', column: 'next_steps', kind: 'text', label: '下步计划', limit: 1000 },
] as const satisfies readonly InputFieldSpec[];

type Field = (typeof INPUT_FIELDS)[number];
export type InputKey = Field['key'];
export type TextKey = Extract<Field, { kind: 'text' }>['key'];

/** The input keys in sheet order. */
export const INPUT_KEYS: readonly InputKey[] = INPUT_FIELDS.map((f) => f.key);

/** A field's description by key. */
export const INPUT_FIELD = Object.fromEntries(INPUT_FIELDS.map((f) => [f.key, f])) as { [K in InputKey]: Extract<Field, { key: K }> };

/** The stored value of a field of each kind (null = empty). */
const STORED = {
  number: z.number().nonnegative().nullable(),
  status: ProgressStatus.nullable(),
  text: z.string().nullable(),
} as const;
type StoredShape = { [F in Field as F['key']]: (typeof STORED)[F['kind']] };

/** A stored, validated entry. */
export const ProgressValues = z.object(Object.fromEntries(INPUT_FIELDS.map((f) => [f.key, STORED[f.kind]])) as StoredShape);
export type ProgressValues = z.infer<typeof ProgressValues>;

/**
 * The fields a reporter can write. Values arrive loosely typed (from cells and JSON) and are checked by
 * rules.ts, so the schema only fixes the names; null clears a field. `unit` (单位) is only checked, never
 * stored: it must match the target's.
 */
type FieldsShape = { [K in InputKey | 'unit']: z.ZodOptional<z.ZodUnknown> };
// Documented as what a cell or a JSON client sends; anything else still reaches rules.ts and is refused there by field.
const FieldInput = () => z.unknown().meta({ type: ['string', 'number', 'null'], description: '文本或数字；null 清空' } as Record<string, unknown>);
export const ProgressFields = z.object(Object.fromEntries([...INPUT_KEYS, 'unit'].map((k) => [k, FieldInput().optional()])) as FieldsShape).strict();
export type ProgressFields = z.infer<typeof ProgressFields>;

export const EMPTY_PROGRESS: ProgressValues = Object.freeze(Object.fromEntries(INPUT_KEYS.map((k) => [k, null]))) as ProgressValues;

export const FIELD_LABELS: Record<keyof ProgressFields, string> = {
  ...(Object.fromEntries(INPUT_FIELDS.map((f) => [f.key, f.label])) as Record<InputKey, string>),
  unit: '单位',
};

/** Text limits, in characters, by text field. */
export const TEXT_LIMITS = Object.fromEntries(INPUT_FIELDS.flatMap((f) => (f.kind === 'text' ? [[f.key, f.limit]] : []))) as Record<TextKey, number>;
