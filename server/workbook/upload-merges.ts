// Merged ranges of the uploaded sheet, as the zip check collected them: a merged cell reads as its
// range's first cell (as exceljs's in-memory load reads it), a single-row merge from column A across the
// task column is a section row, and an input cell inside a merge is refused (MERGED_CELL).
import { colLetter, INPUT_KEYS } from '../../model/sheet';
import type { Header } from './upload-header';
import type { StreamRow } from './sheet-stream';

/** A merged range: [top, left, bottom, right]. */
type Range = [number, number, number, number];

/** Refs as declared (A1:B2, $A$1) → ranges; unreadable refs are skipped. */
function parseMerges(refs: string[]): Range[] {
  const out: Range[] = [];
  const p = (s: string) => {
    const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(s);
    if (!m) return null;
    let c = 0;
    for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
    return [Number(m[2]), c] as const;
  };
  for (const ref of refs) {
    const [a, b] = ref.split(':');
    const tl = p(a ?? '');
    const br = p(b ?? a ?? '');
    if (tl && br) out.push([tl[0], tl[1], br[0], br[1]]);
  }
  return out;
}

/** A1 address of a 1-based row and column. */
export const address = (r: number, c: number) => `${colLetter(c - 1)}${r}`;

/**
 * The sheet's merges while it is read row by row. Before the header is known, every range is kept (the
 * header search fills its rows from them); once it is, only the ranges over the columns read are kept,
 * by column, and the section rows and merged input cells are listed.
 */
export class SheetMerges {
  readonly sectionRows = new Set<number>();
  /** Input cell address → its merge range (A5:A7), for MERGED_CELL. */
  readonly mergedInput = new Map<string, string>();
  private all: Range[];
  /** The ranges that touch the header search's rows. */
  private early: Range[];
  private byTop = new Map<number, Range[]>();
  private byCol = new Map<number, Range[]>();
  private masters = new Map<Range, unknown>();

  constructor(refs: string[], headerRows: number) {
    this.all = parseMerges(refs);
    this.early = this.all.filter((m) => m[0] <= headerRows);
    for (const m of this.all) {
      const list = this.byTop.get(m[0]);
      if (list) list.push(m);
      else this.byTop.set(m[0], [m]);
    }
  }

  /** Call for every row, in order: keeps the first cell of the ranges that start on it. */
  note(line: StreamRow): void {
    for (const m of this.byTop.get(line.number) ?? []) this.masters.set(m, line.values.get(m[1]) ?? null);
  }

  /** A header-search row's values with its merged cells filled from their ranges' first cells. */
  filled(line: StreamRow): Map<number, unknown> {
    const r = line.number;
    const values = new Map(line.values);
    for (const m of this.early) {
      if (r < m[0] || r > m[2]) continue;
      for (let c = m[1]; c <= Math.min(m[3], 256); c++) if (m[0] !== r || c !== m[1]) values.set(c, this.masters.get(m) ?? null);
    }
    return values;
  }

  /** The header is found: index the ranges below it by the columns read; list section rows and merged inputs. */
  settle({ row: r, cols, versionCol }: Header): void {
    const input = new Set(INPUT_KEYS.map((k) => cols[k]).filter((c): c is number => c !== undefined));
    const read = new Set([...Object.values(cols), ...(versionCol ? [versionCol] : [])] as number[]);
    // A single-row merge from column A across the task column is a section row (二、着力加快…).
    for (const [t, l, b, rr] of this.all) if (t === b && l === 1 && rr >= (cols.task ?? 2)) this.sectionRows.add(t);
    for (const m of this.all) {
      const [t, l, b, rr] = m;
      if (b <= r) continue;
      for (const c of read) {
        if (c < l || c > rr) continue;
        const list = this.byCol.get(c);
        if (list) list.push(m);
        else this.byCol.set(c, [m]);
      }
      if (this.sectionRows.has(t)) continue;
      for (let c = l; c <= rr; c++) {
        if (!input.has(c)) continue;
        for (let x = Math.max(t, r + 1); x <= b; x++) this.mergedInput.set(address(x, c), `${address(t, l)}:${address(b, rr)}`);
      }
    }
    for (const list of this.byCol.values()) list.sort((a, b) => a[0] - b[0]);
    this.all = [];
    this.early = [];
  }

  /** The value at column c of this row, or its merge range's first cell's (columns read only). */
  valueAt(line: StreamRow, c: number): unknown {
    const list = this.byCol.get(c);
    if (list) {
      const r = line.number;
      // Ranges of one column do not overlap: the last starting at or above r is the only candidate.
      let lo = 0;
      let hi = list.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid][0] <= r) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const m = at >= 0 ? list[at] : undefined;
      if (m && r <= m[2] && (m[0] !== r || m[1] !== c)) return this.masters.get(m) ?? null;
    }
    return line.values.get(c) ?? null;
  }
}
