// Changed rows = the sheet diffed against the last-synced snapshot (never events), then checked with
// the same model/rules.ts code the server runs. Pure: no Excel, no HTTP.
import { COLUMN_INDEX, INPUT_KEYS, type InputKey } from '../../model/sheet';
import { EMPTY_PROGRESS, progressKey, type ProgressValues } from '../../model/progress';
import { validateProgress } from '../../model/rules';
import type { FieldError } from '../../model/errors';
import type { RowRead } from '../excel/sheet';
import { valuesHash, type SnapEntry } from '../excel/state';

export interface Change {
  itemId: string;
  key: string;
  row: number;
  baseVersion: number;
  /** The row's input fields, as typed (the server validates again). */
  fields: Partial<Record<InputKey, unknown>>;
  /** The row's values as they would be stored. */
  values: ProgressValues;
  errors: FieldError[];
}

/** A cell as a field value: empty cells are null; text is trimmed. */
export function cellValue(v: unknown): unknown {
  if (v === '' || v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  return v;
}

/** The row's input cells as they would be stored, field by field (an invalid field reads as "invalid"). */
function normalized(cells: unknown[]): { values: Record<InputKey, unknown>; raw: Record<InputKey, unknown>; bad: Set<string> } {
  const raw = Object.fromEntries(INPUT_KEYS.map((k) => [k, cellValue(cells[COLUMN_INDEX[k]])])) as Record<InputKey, unknown>;
  const values = {} as Record<InputKey, unknown>;
  const bad = new Set<string>();
  for (const k of INPUT_KEYS) {
    const r = validateProgress({ [k]: raw[k] }, {});
    values[k] = r.values[k];
    for (const e of r.errors) if (e.field === k) bad.add(k);
  }
  return { values, raw, bad };
}

export function rowValues(cells: unknown[]): ProgressValues {
  return normalized(cells).values as ProgressValues;
}

export const EMPTY_HASH = valuesHash(EMPTY_PROGRESS);

/** Whether the row's cells differ from what was last synced (an invalid cell always counts). */
export function touched(cells: unknown[], snap: SnapEntry | undefined): boolean {
  const { values, bad } = normalized(cells);
  return bad.size > 0 || valuesHash(values as ProgressValues) !== (snap?.h ?? EMPTY_HASH);
}

/** A changed row sends all six input fields: the snapshot keeps a hash, and baseVersion guards them. */
export function diffRow(read: RowRead, snap: SnapEntry | undefined, period: string): Change | null {
  if (!touched(read.cells, snap)) return null;
  const { raw } = normalized(read.cells);
  const fields: Change['fields'] = { ...raw };
  const checked = validateProgress(fields, {});
  return { itemId: read.itemId, key: progressKey(read.itemId, period), row: read.row, baseVersion: snap?.v ?? 0, fields, values: checked.values, errors: checked.errors };
}

export function diffSheet(rows: RowRead[], snapshot: Record<string, SnapEntry>, period: string): Change[] {
  const out: Change[] = [];
  for (const r of rows) {
    const c = diffRow(r, snapshot[r.itemId], period);
    if (c) out.push(c);
  }
  return out;
}

export function sameValues(a: ProgressValues, b: ProgressValues): boolean {
  return INPUT_KEYS.every((k) => a[k] === b[k]);
}

/** Column of a field in an error (fields are input keys, or 'period' for the row). */
export function fieldColumn(field: string): number | null {
  return field in COLUMN_INDEX ? COLUMN_INDEX[field as keyof typeof COLUMN_INDEX] : null;
}
