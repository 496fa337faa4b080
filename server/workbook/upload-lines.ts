// The uploaded sheet's data rows, each read into a small record (SheetLine) as soon as the SAX pass
// yields it: the texts matching and the locked-column check need, and each input cell as the add-in
// would send it. Nothing here knows the stored rows: that is the diff's (upload-diff.ts). A page of these
// records waits for its stored rows, so they are kept small (arrays, no per-cell objects or addresses):
// a record that outlives two young-generation collections is copied into the old generation.
import type { ErrorCode } from '../../model/errors';
import { INPUT_FIELD, type FieldKind } from '../../model/fields';
import { INPUT_KEYS } from '../../model/sheet';
import { cellText } from './cell-text';
import type { Header } from './upload-header';
import { address, type SheetMerges } from './upload-merges';
import type { StreamRow } from './sheet-stream';
import type { Cell } from './xlsx';

/** The model's columns a reporter sees but cannot change (完成率 aside: programs may recalculate it). */
export const LOCKED_KEYS = ['number', 'task', 'metric', 'targetValue', 'unit', 'lead', 'deadline'] as const;
export type LockedKey = (typeof LOCKED_KEYS)[number];
const NUMBER = LOCKED_KEYS.indexOf('number');
const TASK = LOCKED_KEYS.indexOf('task');
const METRIC = LOCKED_KEYS.indexOf('metric');

/** An input cell that cannot be read as a value: why, and for a merged cell its range (A5:A7). */
export class Unreadable {
  constructor(
    readonly code: ErrorCode,
    readonly range?: string,
  ) {}
}
const FORMULA = new Unreadable('FORMULA_NOT_ALLOWED');
const NOT_A_NUMBER = new Unreadable('NOT_A_NUMBER');

/** One data row of the sheet as read. */
export interface SheetLine {
  row: number;
  /** The hidden id column's text ('' when absent or empty). */
  id: string;
  /** The locked columns' texts in LOCKED_KEYS order; undefined for a column the sheet does not have. */
  texts: (string | undefined)[];
  /** The input cells' values as the add-in would send them, in INPUT_KEYS order (undefined: no such column). */
  values: unknown[];
  /** Whether any input cell holds something (an unknown row without input is a note or a blank line). */
  hasInput: boolean;
  /** Number(the hidden version cell) when the sheet kept that column, else NaN. */
  fileVersion: number;
}

/** 序号, 任务 and 指标 as the row shows them ('' for a missing column): how a row without an id is matched. */
export const matchTexts = (line: SheetLine): [string, string, string] => [line.texts[NUMBER] ?? '', line.texts[TASK] ?? '', line.texts[METRIC] ?? ''];

/** An input cell as the add-in would send it: numbers as numbers, text as text, never a formula. */
function readInput(cell: Pick<Cell, 'value'>, kind: FieldKind): unknown {
  const v = cell.value as unknown;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return FORMULA;
    if ('error' in o) return NOT_A_NUMBER;
    if (v instanceof Date) return kind === 'number' ? NOT_A_NUMBER : v.toISOString().slice(0, 10);
    return cellText(cell);
  }
  if (typeof v === 'boolean') return kind === 'number' ? NOT_A_NUMBER : String(v);
  return v;
}

/** A data row below the header → its record; null for a section row (二、着力加快…). */
export function readLine(line: StreamRow, header: Header, merges: SheetMerges): SheetLine | null {
  const { cols, versionCol } = header;
  const r = line.number;
  if (merges.sectionRows.has(r)) return null;
  const cell = (c: number): Pick<Cell, 'value'> => ({ value: merges.valueAt(line, c) as Cell['value'] });
  const texts = LOCKED_KEYS.map((key) => (cols[key] === undefined ? undefined : cellText(cell(cols[key]!))));
  let hasInput = false;
  const values = INPUT_KEYS.map((key) => {
    const c = cols[key];
    if (c === undefined) return undefined; // a column the user deleted is left as stored
    const value = cell(c);
    if (value.value !== null && value.value !== undefined && cellText(value) !== '') hasInput = true;
    const range = merges.mergedInput.size ? merges.mergedInput.get(address(r, c)) : undefined;
    return range ? new Unreadable('MERGED_CELL', range) : readInput(value, INPUT_FIELD[key].kind);
  });
  return {
    row: r,
    id: cols.id === undefined ? '' : cellText(cell(cols.id)),
    texts,
    values,
    hasInput,
    fileVersion: versionCol === undefined ? NaN : Number(merges.valueAt(line, versionCol)),
  };
}
