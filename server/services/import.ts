// Importing a plan document: the importer (model/importer, issue 2) turns bytes into a Plan; the office
// previews it (server/services/previews.ts: in the database), then confirms, and only then is it stored.
import type { Plan } from '../../model/plan';
import { BAD_TEXT_MESSAGES, findBadText } from '../../model/text-check';
import { AppError, type AppErrorCode } from '../../model/errors';

export interface Importer {
  importPlan(bytes: Uint8Array, source: string): Promise<Plan>;
  /** The decoded text (for the preview's source pane); model/importer has it, test importers may not. */
  decodeDocument?(bytes: Uint8Array): Promise<string>;
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
  return (await importWithText(importer, bytes, source)).plan;
}

/** The plan and the decoded text its spans point into ('' when the importer cannot say). */
export async function importWithText(importer: Importer, bytes: Uint8Array, source: string): Promise<{ plan: Plan; text: string }> {
  let plan: Plan;
  let text = '';
  try {
    plan = await importer.importPlan(bytes, source);
    if (importer.decodeDocument) text = await importer.decodeDocument(bytes);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e && typeof e.code === 'string') throw new ImportFailed(e.code as AppErrorCode, e.message ?? '无法解析该文档'); // ImportError's codes (model/importer/decode.ts)
    throw new ImportFailed('IMPORT_FAILED', `无法解析该文档：${e?.message ?? err}`);
  }
  // A NUL (or a lone surrogate) in the document cannot be stored: refuse it here, saying where.
  const bad = findBadText(plan);
  if (bad) throw new ImportFailed('BAD_TEXT', `文档${bad.field === 'title' ? '标题' : `（${bad.field}）`}${BAD_TEXT_MESSAGES[bad.kind]}`);
  return { plan, text: findBadText(text) ? '' : text }; // a NUL in the text would not store either
}
