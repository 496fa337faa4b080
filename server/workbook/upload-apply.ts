// An upload's changed rows sent through the push protocol, and its answers marked on the workbook:
// rejected cells red, conflicting rows orange (with who changed them), notices as cell notes.
import type { ConflictExplanation } from '../../model/upload-conflict';
import type { PushBatch, PushResponse } from '../../model/sync';
import { markNotices, markResults } from './annotate';
import type { CellNotice } from './errors';
import type { ParsedUpload } from './upload';

export interface UploadRowResult {
  row: number;
  key: string;
  outcome: 'applied' | 'conflict' | 'rejected';
  version?: number;
  errors?: { field: string; code: string; message: string; cell?: string }[];
  /** A conflict's reason: an old file of the uploader's own unit, or who changed the row and when. */
  conflict?: ConflictExplanation;
}

export interface UploadResult {
  batchId: string;
  replayed: boolean;
  sheet: string;
  headerRow: number;
  matchedBy: 'id' | 'text';
  applied: number;
  conflicts: number;
  rejected: number;
  unchanged: number;
  rows: UploadRowResult[];
  /** Locked cells changed in the file: not stored, each named (also noted in the annotated copy). */
  ignored: CellNotice[];
  /** Amounts with a multiplier (12.5万) converted to the target's unit, each named (and noted). */
  converted: CellNotice[];
  /** The uploaded workbook with rejected and conflicting cells marked. */
  annotated: Buffer;
}

/** Conflicting rows (key, the version the file was exported at, the server's) → why, by key. */
export type ExplainConflicts = (conflicts: { key: string; baseVersion: number; version: number }[]) => Promise<Map<string, ConflictExplanation>>;

/** Sends the changed rows through the push protocol and marks its answers on the workbook. */
export async function applyUpload(parsed: ParsedUpload, push: (batch: PushBatch) => Promise<PushResponse>, explain?: ExplainConflicts): Promise<UploadResult> {
  const response: PushResponse = parsed.batch.entries.length ? await push(parsed.batch) : { batchId: parsed.batch.batchId, replayed: false, results: [] };
  const places = parsed.changes.map((c) => ({ row: c.row, key: c.entry.key, cells: c.cells }));
  const baseOf = new Map(parsed.changes.map((c) => [c.entry.key, c.entry.baseVersion]));
  const conflicts = response.results
    .filter((r) => r.outcome === 'conflict')
    .map((r) => ({ key: r.key, baseVersion: baseOf.get(r.key) ?? 0, version: (r as { version: number }).version }));
  const why = explain && conflicts.length ? await explain(conflicts) : new Map<string, ConflictExplanation>();
  const conflictMessage = (key: string) => why.get(key)?.message;
  const marked = markResults(null, places, response, conflictMessage);
  const rowOf = new Map(places.map((p) => [p.key, p.row]));
  const rows: UploadRowResult[] = response.results.map((res, i) => ({
    row: rowOf.get(res.key) ?? 0,
    key: res.key,
    outcome: res.outcome,
    ...(res.outcome === 'rejected' ? { errors: marked[i] } : { version: res.version }),
    ...(why.has(res.key) ? { conflict: why.get(res.key) } : {}),
  }));
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  return {
    batchId: response.batchId,
    replayed: response.replayed,
    sheet: parsed.sheet,
    headerRow: parsed.headerRow,
    matchedBy: parsed.matchedBy,
    applied: count('applied'),
    conflicts: count('conflict'),
    rejected: count('rejected'),
    unchanged: parsed.unchanged,
    rows,
    ignored: parsed.ignored,
    converted: parsed.converted,
    // Writing a workbook back costs more memory than reading it (a 10,000-row file: ~450 MB more at peak):
    // when nothing was marked, the copy is the file as it came.
    // and a file too large to load whole (LIMITS.annotateCells) comes back unmarked, its rows' errors listed.
    annotated:
      count('rejected') + count('conflict') + parsed.ignored.length + parsed.converted.length > 0
        ? ((await parsed.annotate((ws) => {
            markResults(ws, places, response, conflictMessage);
            markNotices(ws, parsed.ignored, '已忽略');
            markNotices(ws, parsed.converted, '已换算');
          })) ?? parsed.source)
        : parsed.source,
  };
}
