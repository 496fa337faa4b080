// The uploaded sheet's data rows, each read into a small record (SheetLine) as soon as the SAX pass
// yields it: the texts matching and the locked-column check need, and each input cell as the add-in
// would send it. Nothing here knows the stored rows: that is the diff's (upload-diff.ts).
import type { ErrorCode } from '../../model/errors';
import { INPUT_FIELD, type FieldKind } from '../../model/fields';
import { INPUT_KEYS, type InputKey } from '../../model/sheet';
import { cellText } from './cell-text';
import type { Header } from './upload-header';
import { address, type SheetMerges } from './upload-merges';
import type { StreamRow } from './sheet-stream';
import type { Cell } from './xlsx';

/** The model's columns a reporter sees but cannot change (完成率 aside: programs may recalculate it). */
export const LOCKED_KEYS = ['number', 'task', 'metric', 'targetValue', 'unit', 'lead', 'deadline'] as const;
export type LockedKey = (typeof LOCKED_KEYS)[number];

/** An input cell's value, or why it cannot be one. */
export type Read = { value: unknown } | { error: ErrorCode };

export interface InputCell {
  key: InputKey;
  /** A1 address. */
  cell: string;
  /** The merge range the cell lies in (refused), else its value as read. */
  merged?: string;
  read: Read;
}

/** One data row of the sheet as read. */
export interface SheetLine {
  row: number;
  /** The hidden id column's text ('' when absent or empty). */
  id: string;
  /** The locked columns' texts, for the columns the sheet has. */
  texts: Partial<Record<LockedKey, string>>;
  /** Where unknown and duplicate rows are marked. */
  taskCell: string;
  /** Whether any input cell holds something (an unknown row without input is a note or a blank line). */
  hasInput: boolean;
  inputs: InputCell[];
  /** Number(the hidden version cell) when the sheet kept that column, else NaN. */
  fileVersion: number;
}

/** An input cell as the add-in would send it: numbers as numbers, text as text, never a formula. */
function readInput(cell: Pick<Cell, 'value'>, kind: FieldKind): Read {
  const v = cell.value as unknown;
  if (v === null || v === undefined || v === '') return { value: null };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return { error: 'FORMULA_NOT_ALLOWED' };
    if ('error' in o) return { error: 'NOT_A_NUMBER' };
    if (v instanceof Date) return kind === 'number' ? { error: 'NOT_A_NUMBER' } : { value: v.toISOString().slice(0, 10) };
    return { value: cellText(cell) };
  }
  if (typeof v === 'boolean') return kind === 'number' ? { error: 'NOT_A_NUMBER' } : { value: String(v) };
  return { value: v };
}

/** A data row below the header → its record; null for a section row (二、着力加快…). */
export function readLine(line: StreamRow, header: Header, merges: SheetMerges): SheetLine | null {
  const { cols, versionCol } = header;
  const r = line.number;
  if (merges.sectionRows.has(r)) return null;
  const cell = (c: number): Pick<Cell, 'value'> => ({ value: merges.valueAt(line, c) as Cell['value'] });
  const texts: Partial<Record<LockedKey, string>> = {};
  for (const key of LOCKED_KEYS) if (cols[key] !== undefined) texts[key] = cellText(cell(cols[key]!));
  const inputs: InputCell[] = [];
  let hasInput = false;
  for (const key of INPUT_KEYS) {
    const c = cols[key];
    if (c === undefined) continue; // a column the user deleted is left as stored
    const value = cell(c);
    if (value.value !== null && value.value !== undefined && cellText(value) !== '') hasInput = true;
    const at = address(r, c);
    const merged = merges.mergedInput.get(at);
    inputs.push(merged ? { key, cell: at, merged, read: { value: null } } : { key, cell: at, read: readInput(value, INPUT_FIELD[key].kind) });
  }
  return {
    row: r,
    id: cols.id === undefined ? '' : cellText(cell(cols.id)),
    texts,
    taskCell: address(r, cols.task ?? 1),
    hasInput,
    inputs,
    fileVersion: versionCol === undefined ? NaN : Number(merges.valueAt(line, versionCol)),
  };
}
