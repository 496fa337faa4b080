// Importing a plan document: the importer (model/importer, issue 2) turns bytes into a Plan; the office
// previews it, then confirms, and only then is it stored. Previews live in memory for an hour.
import { randomUUID } from 'node:crypto';
import type { Plan } from '../../model/plan';
import { BAD_TEXT_MESSAGES, findBadText } from '../../model/text-check';
import { AppError, type AppErrorCode } from '../../model/errors';

export interface Importer {
  importPlan(bytes: Uint8Array, source: string): Promise<Plan>;
}

export class ImportFailed extends AppError {
  constructor(code: AppErrorCode, message: string) {
    super(code, code === 'IMPORTER_UNAVAILABLE' ? 503 : 400, message);
  }
}

// Loaded on first use: the importer pulls in mammoth and opencc, which plain API requests never need.
export async function loadImporter(): Promise<Importer> {
  try {
    return await import('../../model/importer');
  } catch (err) {
    throw new ImportFailed('IMPORTER_UNAVAILABLE', `文档导入模块不可用：${(err as Error).message}`);
  }
}

/** Runs the importer and maps its ImportError {code, message} to ImportFailed. */
export async function importDocument(importer: Importer, bytes: Uint8Array, source: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = await importer.importPlan(bytes, source);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e && typeof e.code === 'string') throw new ImportFailed(e.code as AppErrorCode, e.message ?? '无法解析该文档'); // ImportError's codes (model/importer/decode.ts)
    throw new ImportFailed('IMPORT_FAILED', `无法解析该文档：${e?.message ?? err}`);
  }
  // A NUL (or a lone surrogate) in the document cannot be stored: refuse it here, saying where.
  const bad = findBadText(plan);
  if (bad) throw new ImportFailed('BAD_TEXT', `文档${bad.field === 'title' ? '标题' : `（${bad.field}）`}${BAD_TEXT_MESSAGES[bad.kind]}`);
  return plan;
}

const TTL_MS = 60 * 60 * 1000;

export class PreviewStore {
  private previews = new Map<string, { plan: Plan; at: number }>();
  put(plan: Plan): string {
    this.sweep();
    const id = randomUUID();
    this.previews.set(id, { plan, at: Date.now() });
    return id;
  }
  take(id: string): Plan | null {
    this.sweep();
    const p = this.previews.get(id);
    if (p) this.previews.delete(id);
    return p?.plan ?? null;
  }
  private sweep() {
    const now = Date.now();
    for (const [id, p] of this.previews) if (now - p.at > TTL_MS) this.previews.delete(id);
  }
}
