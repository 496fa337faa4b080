// The sheet's rows against the stored ones, a page at a time: each row matched to its item (by id, or by
// 序号 + 任务 + 指标 without one), changed locked cells reported, input cells normalised by the model's
// normalizeField (the add-in's diff uses the same) and only rows that differ from what is stored kept.
// The rules themselves (limits, statuses, lights, conflicts) run where they always run: the push service.
import { fieldError, type ErrorCode } from '../../model/errors';
import { FIELD_LABELS, type ProgressValues } from '../../model/progress';
import { normalizeField } from '../../model/rules';
import { INPUT_FIELD } from '../../model/fields';
import { BAD_TEXT_MESSAGES, badTextKind } from '../../model/text-check';
import { readAmount } from '../../model/amount';
import { COLUMNS, COLUMN_INDEX, INPUT_KEYS, rowCells, type InputKey, type ItemRow } from '../../model/sheet';
import type { PushEntry } from '../../model/sync';
import type { CellError, CellNotice } from './errors';
import { norm, type Header } from './upload-header';
import { LOCKED_KEYS, matchTexts, Unreadable, type SheetLine } from './upload-lines';
import { address } from './upload-merges';
import { textKey, type StoredItems } from './upload-stored';

/** One changed row: what is pushed, and where its cells are (for the annotated copy). */
export interface UploadChange {
  row: number;
  entry: PushEntry;
  cells: Partial<Record<InputKey, string>>;
}

/** Control characters XML 1.0 cannot hold: exceljs drops them when it writes a cell (utils.xmlEncode). */
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Does a cell's value, normalised by the rules, differ from the stored value? A stored text is compared
 * as the export wrote it (without the control characters XML cannot carry), so an unchanged file is
 * unchanged even when the stored text had such characters (issue 15: versions bumped on re-upload).
 */
function differs(key: InputKey, raw: unknown, stored: ProgressValues): boolean {
  const { value: now, errors } = normalizeField(key, raw);
  if (errors.length) return true; // let the push service reject it, with its words
  const was = stored[key];
  if (typeof was === 'string' && typeof now === 'string') return now !== was && now !== was.replace(NOT_IN_XML, '').trim();
  return now !== was;
}

/** The sheet's rows compared with the stored ones; feed it pages of rows in sheet order. */
export class UploadDiff {
  readonly errors: CellError[] = [];
  readonly badText: CellError[] = [];
  readonly ignored: CellNotice[] = [];
  readonly converted: CellNotice[] = [];
  readonly changes: UploadChange[] = [];
  /** The stored version of each change's row, in the order of `changes` (part of the batch id). */
  readonly storedVersions: number[] = [];
  unchanged = 0;
  /** Item id → the sheet row that had it first. */
  private seen = new Map<string, number>();
  private texts: ReadonlyMap<string, string> | null = null;

  constructor(
    private sheet: string,
    private cols: Header['cols'],
    private stored: StoredItems,
  ) {}

  /** Compares one page of rows: their items are fetched together, then each row is compared in order. */
  async page(lines: SheetLine[]): Promise<void> {
    const wanted: (string | undefined)[] = [];
    for (const line of lines) {
      const [number, task, metric] = matchTexts(line);
      if (line.id) wanted.push(line.id);
      else if (task || metric) wanted.push((await this.textIndex()).get(textKey(number, task, metric)));
      else wanted.push(undefined);
    }
    const ids = [...new Set(wanted.filter((id): id is string => id !== undefined))];
    const items = ids.length ? await this.stored.byIds(ids) : new Map<string, ItemRow>();
    lines.forEach((line, i) => this.compare(line, wanted[i] === undefined ? undefined : items.get(wanted[i]!)));
  }

  private async textIndex(): Promise<ReadonlyMap<string, string>> {
    return (this.texts ??= await this.stored.textIndex());
  }

  private error(line: SheetLine, field: string, at: string, code: ErrorCode, detail?: string): void {
    this.errors.push({ ...fieldError(field, code, detail), cell: at, sheet: this.sheet, row: line.row });
  }

  private compare(line: SheetLine, item: ItemRow | undefined): void {
    const taskCell = () => address(line.row, this.cols.task ?? 1);
    if (!item) {
      const where = line.id ? `id ${line.id}` : `第${line.row}行：${matchTexts(line)[1].slice(0, 20) || '（空）'}`;
      if (line.hasInput) this.error(line, 'row', taskCell(), 'UNKNOWN_KEY', where);
      return; // blank lines, notes under the table, other units' tasks left empty
    }
    const first = this.seen.get(item.itemId);
    if (first !== undefined) {
      this.error(line, 'row', taskCell(), 'DUPLICATE_ROW', `与第${first}行重复`);
      return;
    }
    this.seen.set(item.itemId, line.row);
    this.lockedNotices(line, item);
    const fields = this.changedFields(line, item);
    if (!fields) return;
    if (Object.keys(fields).length === 0) {
      this.unchanged++;
      return;
    }
    // The version the file was exported at, when it kept the column; else what is stored now.
    const baseVersion = Number.isInteger(line.fileVersion) && line.fileVersion >= 0 ? line.fileVersion : item.version;
    const cells: Partial<Record<InputKey, string>> = {};
    for (const [i, key] of INPUT_KEYS.entries()) if (line.values[i] !== undefined) cells[key] = address(line.row, this.cols[key]!);
    this.changes.push({ row: line.row, entry: { key: item.key, baseVersion, fields }, cells });
    this.storedVersions.push(item.version);
  }

  /** A locked cell whose text differs from the model's is not used: reported, per cell. */
  private lockedNotices(line: SheetLine, item: ItemRow): void {
    const model = rowCells(item);
    for (const [i, key] of LOCKED_KEYS.entries()) {
      const got = line.texts[i];
      if (got === undefined) continue;
      const want = String(model[COLUMN_INDEX[key]] ?? '');
      if (norm(got) === norm(want)) continue;
      const label = COLUMNS[COLUMN_INDEX[key]].header;
      this.ignored.push({
        cell: address(line.row, this.cols[key]!),
        sheet: this.sheet,
        row: line.row,
        field: key,
        code: 'LOCKED_IGNORED',
        message: `“${label}”由系统维护，此处的修改已忽略（系统值：${want.slice(0, 40) || '（空）'}）`,
      });
    }
  }

  /**
   * The row's input cells that differ from the stored values, as they are pushed; null when a cell cannot
   * be read (merged, a formula, an amount with a multiplier the target's unit cannot take, a character
   * that cannot be stored): those are listed with their cells and nothing of the upload is sent.
   */
  private changedFields(line: SheetLine, item: ItemRow): Record<string, unknown> | null {
    const fields: Record<string, unknown> = {};
    let rowOk = true;
    for (const [i, key] of INPUT_KEYS.entries()) {
      let value = line.values[i];
      if (value === undefined) continue;
      const at = address(line.row, this.cols[key]!);
      if (value instanceof Unreadable) {
        this.error(line, key, at, value.code, value.range ? `${FIELD_LABELS[key]}，合并区域 ${value.range}` : FIELD_LABELS[key]);
        rowOk = false;
        continue;
      }
      if (INPUT_FIELD[key].kind === 'number' && typeof value === 'string') {
        const amount = readAmount(value, item.unit);
        if (amount.kind === 'refused') {
          this.error(line, key, at, 'NOT_A_NUMBER', amount.message);
          rowOk = false;
          continue;
        }
        if (amount.kind === 'converted') {
          this.converted.push({ cell: at, sheet: this.sheet, row: line.row, field: key, code: 'AMOUNT_CONVERTED', message: amount.note });
          value = amount.value;
        }
      }
      // NUL or a lone surrogate (also written as _x0000_ / _xD800_ in the XML) cannot be stored: refused
      // here with the cell, never sent on (issue 15: it reached PostgreSQL as a 500).
      const bad = typeof value === 'string' ? badTextKind(value) : null;
      if (bad) {
        this.badText.push({
          field: key,
          code: 'BAD_TEXT',
          message: `${FIELD_LABELS[key]}${BAD_TEXT_MESSAGES[bad]}`,
          cell: at,
          sheet: this.sheet,
          row: line.row,
        });
        rowOk = false;
        continue;
      }
      if (differs(key, value, item.values)) fields[key] = value;
    }
    return rowOk ? fields : null;
  }
}
