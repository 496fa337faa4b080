// What an Excel number format says about a figure cell. Excel turns what a user types into a
// General-format cell into a value *and* a format: "30%" → 0.3 shown with "0%", "1/2", "3-4" or
// "2024-05-31" → a date serial (~45,000) shown with a date format, "1,234" → 1234 with "#,##0".
// The value alone looks like a valid figure, so a figure cell is judged with its format: a date or a
// percentage is not what the reporter meant to report. Pure: used by the add-in (diff.ts) and tests.
import { ERROR_MESSAGES, type FieldError } from './errors';
import { FIELD_LABELS } from './progress';

export type FormatKind = 'general' | 'text' | 'number' | 'percent' | 'date';

/** The format's sections without quoted text, escaped characters, [colour]/[$-locale] tags and fill/skip pairs. */
function bareCode(format: string): string {
  return format
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/_.|\*./g, '')
    .replace(/\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]/gi, '');
}

/**
 * The kind of an Excel number format code: General, text (@), a date/time (d, m, y, h, s, 年月日, or
 * [h]), a percentage (% outside quotes) or another number format.
 */
export function formatKind(format: string | null | undefined): FormatKind {
  const f = String(format ?? 'General').trim();
  if (f === '' || /^general$/i.test(f) || f === 'G/通用格式') return 'general';
  const code = bareCode(f);
  if (code.includes('@')) return 'text';
  if (/[dmyhs]|[年月日时分秒]|\[(h|hh|m|mm|s|ss)\]|AM\/PM|上午\/下午/i.test(code.replace(/General|G\/通用格式/gi, ''))) return 'date';
  if (code.includes('%')) return 'percent';
  return 'number';
}

/** A date serial (days since 1899-12-30, Excel's 1900 system for dates after February 1900) as an ISO date. */
export function serialToIso(serial: number): string {
  const d = new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** A figure cell refused as a date or percentage: the converted value and what Excel made of it. */
export type RefusedFigure = [value: number, kind: 'date' | 'percent'];

export interface FigureCellError extends FieldError {
  /** The cell's format should go back to General before the user types again. */
  resetFormat: true;
}

/**
 * Checks one figure cell (本月完成 / 累计完成) by its value and number format: refused when Excel made it
 * a date or a percentage. `text` is what the cell shows (Range.text), quoted in the message.
 */
export function checkFigureCell(
  field: 'monthDone' | 'cumulative',
  value: unknown,
  format: string | null | undefined,
  text?: string,
  /** A value refused earlier whose format was reset since: still refused until the user types again. */
  refused?: RefusedFigure,
): FigureCellError | null {
  if (typeof value !== 'number') return null; // text, empty and booleans go through the ordinary rules
  if (refused && refused[0] === value && formatKind(format) === 'general') {
    const code = refused[1] === 'date' ? 'CELL_IS_DATE' : 'CELL_IS_PERCENT';
    return { field, code, message: `${ERROR_MESSAGES[code]}（仍是转换后的 ${value}），请重新输入数字`, resetFormat: true };
  }
  const kind = formatKind(format);
  if (kind !== 'date' && kind !== 'percent') return null;
  const shown = text && text.trim() ? text.trim() : kind === 'date' ? serialToIso(value) : `${Math.round(value * 10_000) / 100}%`;
  const hint =
    kind === 'date'
      ? `（显示为“${shown}”，存为 ${value}）。已将该单元格恢复为常规格式，请重新输入数字，如“0.5”而不是“1/2”`
      : `（显示为“${shown}”，存为 ${value}）。已将该单元格恢复为常规格式，请只输入数字，不带 %`;
  const code = kind === 'date' ? 'CELL_IS_DATE' : 'CELL_IS_PERCENT';
  return { field, code, message: `${ERROR_MESSAGES[code]}${hint}`, resetFormat: true };
}

/** The message as the pane shows it, with the field's label first. */
export function labelled(e: FieldError): string {
  const label = FIELD_LABELS[e.field as keyof typeof FIELD_LABELS];
  return label ? `${label}：${e.message}` : e.message;
}
