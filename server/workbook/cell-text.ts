// The text a cell shows, for the upload's header search and locked columns, the console's reader and tests.
import type { Cell } from './xlsx';

/** The text a cell shows: rich text joined, hyperlinks by their text, formulas by their result. */
export function cellText(cell: Pick<Cell, 'value'>): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v).trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText))
    return (o.richText as { text: string }[])
      .map((t) => t.text)
      .join('')
      .trim();
  if ('text' in o) return String(o.text ?? '').trim();
  if ('result' in o) return o.result === undefined || o.result === null ? '' : String(o.result).trim();
  return '';
}
