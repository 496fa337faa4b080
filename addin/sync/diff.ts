// Changed rows = the sheet diffed against the last-synced snapshot (never events), then checked with
// the same model/rules.ts code the server runs. Pure: no Excel, no HTTP.
import { COLUMN_INDEX, INPUT_KEYS, type InputKey } from '../../model/sheet';
import { EMPTY_PROGRESS, progressKey, type ProgressValues } from '../../model/progress';
import { normalizeField, validateProgress } from '../../model/rules';
import type { FieldError } from '../../model/errors';
import { contextLightErrors, type LightContext } from '../../model/lights';
import { checkFigureCell, formatKind, type FigureCellError, type RefusedFigure } from '../../model/number-format';
import type { RowRead } from '../excel/sheet';
import { PREV_COL } from '../excel/layout';
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

const FIGURES = ['monthDone', 'cumulative'] as const;
export type FigureKey = (typeof FIGURES)[number];

/** What diff needs of a row read from the sheet: its cells and, for the figure cells, format and text. */
export type CellsRead = Pick<RowRead, 'cells' | 'figureFormats' | 'figureTexts'>;

/** The figure cells Excel turned into a date or a percentage (model/number-format.ts), by field. */
export function figureErrors(read: CellsRead, snap: SnapEntry | undefined): FigureCellError[] {
  const out: FigureCellError[] = [];
  FIGURES.forEach((k, i) => {
    const e = checkFigureCell(k, read.cells[COLUMN_INDEX[k]], read.figureFormats?.[i], read.figureTexts?.[i], snap?.refused?.[k]);
    if (e) out.push(e);
  });
  return out;
}

/** The row's input cells as they would be stored, field by field (an invalid field reads as "invalid"). */
function normalized(
  read: CellsRead,
  snap?: SnapEntry,
): { values: Record<InputKey, unknown>; raw: Record<InputKey, unknown>; bad: Set<string>; figures: FigureCellError[] } {
  const cells = read.cells;
  const raw = Object.fromEntries(INPUT_KEYS.map((k) => [k, cellValue(cells[COLUMN_INDEX[k]])])) as Record<InputKey, unknown>;
  const values = {} as Record<InputKey, unknown>;
  const bad = new Set<string>();
  for (const k of INPUT_KEYS) {
    const r = normalizeField(k, raw[k]);
    values[k] = r.value;
    if (r.errors.length) bad.add(k);
  }
  const figures = figureErrors(read, snap);
  for (const e of figures) bad.add(e.field);
  return { values, raw, bad, figures };
}

export function rowValues(cells: unknown[]): ProgressValues {
  return normalized({ cells }).values as ProgressValues;
}

export const EMPTY_HASH = valuesHash(EMPTY_PROGRESS);

/** Whether the row's cells differ from what was last synced (an invalid cell always counts). */
export function touched(read: CellsRead, snap: SnapEntry | undefined): boolean {
  return isTouched(normalized(read, snap), snap);
}

function isTouched({ values, bad }: ReturnType<typeof normalized>, snap: SnapEntry | undefined): boolean {
  return bad.size > 0 || valuesHash(values as ProgressValues) !== (snap?.hash ?? EMPTY_HASH);
}

/**
 * The refused-figure memory for a row after this read: a figure Excel converted is remembered with
 * its value (its format is reset to General, so the value alone must keep it refused until retyped).
 */
export function refusedAfter(read: CellsRead, snap: SnapEntry | undefined): Partial<Record<FigureKey, RefusedFigure>> | undefined {
  const x: Partial<Record<FigureKey, RefusedFigure>> = {};
  FIGURES.forEach((k, i) => {
    const v = read.cells[COLUMN_INDEX[k]];
    const kind = formatKind(read.figureFormats?.[i]);
    if (typeof v !== 'number') return;
    if (kind === 'date' || kind === 'percent') x[k] = [v, kind];
    else if (snap?.refused?.[k]?.[0] === v) x[k] = snap.refused[k];
  });
  return Object.keys(x).length ? x : undefined;
}

/** A changed row sends all six input fields: the snapshot keeps a hash, and baseVersion guards them. */
export function diffRow(read: RowRead, snap: SnapEntry | undefined, period: string, lights?: LightContext): Change | null {
  // Normalised once: the same reading decides "touched" and gives the fields to check (issue 8's count).
  const row = normalized(read, snap);
  if (!isTouched(row, snap)) return null;
  const { raw, figures } = row;
  const fields: Change['fields'] = { ...raw };
  // 上月累计 (read-only, from the fill): 累计 may not fall below it — found by 校验, not only by 同步.
  const prev = read.cells[PREV_COL];
  const checked = validateProgress(fields, { previousCumulative: typeof prev === 'number' ? prev : null });
  // A figure Excel converted is refused for what it is; the ordinary rules would call it a fine number.
  const refused = new Set(figures.map((e) => e.field));
  const errors = [...figures, ...checked.errors.filter((e) => !refused.has(e.field) && !(e.code === 'MONTH_EXCEEDS_CUMULATIVE' && refused.size))];
  // 序时进度 lights, as the push applies them (a refused 累计 has no light yet).
  if (!refused.has('cumulative') && !checked.errors.some((e) => e.field === 'cumulative'))
    errors.push(...contextLightErrors(read.itemId, checked.values, lights));
  return { itemId: read.itemId, key: progressKey(read.itemId, period), row: read.row, baseVersion: snap?.version ?? 0, fields, values: checked.values, errors };
}

export function diffSheet(rows: RowRead[], snapshot: Record<string, SnapEntry>, period: string, lights?: LightContext): Change[] {
  const out: Change[] = [];
  for (const r of rows) {
    const c = diffRow(r, snapshot[r.itemId], period, lights);
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
