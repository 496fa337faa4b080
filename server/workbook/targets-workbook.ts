// The office's targets workbook: every target of a plan with its version, edited in Excel/WPS and
// uploaded twice — once for a preview of every change (old → new), once to confirm. The confirm applies
// only the previewed changes (same batch id) and only if no target changed since: all or nothing,
// through the targets service (versioned, audited).
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { ERROR_MESSAGES, fieldError, type ErrorCode } from '../../model/errors';
import { walkNodes, type Plan, type Target } from '../../model/plan';
import { colLetter } from '../../model/sheet';
import { COMPARATOR_SYMBOL, parseComparator } from '../../model/comparator';
import { readNumber } from '../../model/rules';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { periods, plans, targets as targetsTable } from '../db/schema';
import { loadTargetHistories, reviseTarget } from '../services/target-revisions';
import { checkRevision, type RevisionRequest } from '../../model/target-history';
import { readMonth } from '../../model/period-math';
import { pushTargets, type TargetBatch, type TargetBatchResponse } from '../services/target-batches';
import type { TargetChange, TargetsWorkbookApplied, TargetsWorkbookPreview } from '../../model/target-edits';
import { markCells } from './annotate';
import { WorkbookError, type CellError } from './errors';
import { cellText } from './cell-text';
import { addValidation, createStreamingWorkbook, loadWorkbook, workbookToBuffer, type Borders, type Cell, type Row, type Worksheet } from './xlsx';
import { checkXlsx, LIMITS } from './zipcheck';

export const TARGETS_SHEET = '指标';
const COLS = [
  { key: 'number', header: '序号', width: 6, input: false },
  { key: 'task', header: '任务', width: 36, input: false },
  { key: 'metric', header: '指标', width: 26, input: true },
  { key: 'value', header: '目标值', width: 10, input: true },
  { key: 'max', header: '上限', width: 8, input: true },
  { key: 'unit', header: '单位', width: 8, input: true },
  { key: 'comparator', header: '比较', width: 6, input: true },
  { key: 'quote', header: '原文', width: 30, input: false },
  { key: 'id', header: 'id', width: 4, input: false },
  { key: 'version', header: '版本', width: 4, input: false },
  // Issue 11: a change with a 起始月份 is a 调整目标 from that month on (earlier months keep the old
  // figure); without one it corrects the figure in force, as before. After the hidden id/version so
  // files exported before these columns existed still read.
  { key: 'fromPeriod', header: '起始月份', width: 10, input: true },
  { key: 'reason', header: '调整原因', width: 24, input: true },
] as const;
/** Columns every targets workbook has (files exported before 起始月份/调整原因 end at 版本). */
const REQUIRED_COLS = COLS.slice(0, COLS.findIndex((c) => c.key === 'version') + 1);
type Key = (typeof COLS)[number]['key'];
const C = Object.fromEntries(COLS.map((c, i) => [c.key, i + 1])) as Record<Key, number>;
const SYMBOL = COMPARATOR_SYMBOL; // the 比较 column's spellings: model/comparator.ts

type Stored = typeof targetsTable.$inferSelect;
async function storedTargets(db: Db, planId: string): Promise<Map<string, Stored>> {
  const rows = await db.select().from(targetsTable).where(eq(targetsTable.planId, planId));
  return new Map(rows.map((r) => [r.id, r]));
}

const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Borders = { top: thin, left: thin, bottom: thin, right: thin };

export async function writeTargetsWorkbook(db: Db, out: Writable, plan: Plan): Promise<void> {
  const stored = await storedTargets(db, plan.id);
  const wb = createStreamingWorkbook(out);
  wb.creator = 'qingdan';
  wb.keywords = `qingdan-targets plan=${plan.id}`;
  const ws = wb.addWorksheet(TARGETS_SHEET, {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:2' },
  });
  ws.columns = COLS.map((c) => ({ width: c.width, hidden: c.key === 'id' || c.key === 'version' }));
  const title = ws.getRow(1);
  title.getCell(1).value = `${plan.title}·指标表（修改浅黄色单元格后上传，先预览再确认；填“起始月份”和“调整原因”则从该月起调整，之前月份保留原目标）`;
  title.getCell(1).font = { name: '黑体', size: 14, bold: true };
  ws.mergeCells(1, 1, 1, C.quote);
  title.commit();
  const head = ws.getRow(2);
  COLS.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.value = c.header;
    cell.style = { font: { name: '黑体', bold: true }, border: BORDER, alignment: { horizontal: 'center', vertical: 'middle' } };
  });
  head.commit();
  let r = 3;
  for (const { node } of walkNodes(plan.nodes)) {
    for (const t of node.targets) {
      const s = stored.get(t.id);
      const line = ws.getRow(r++);
      const values: Record<Key, string | number | null> = {
        number: node.number,
        task: node.title,
        metric: s?.metric ?? t.metric,
        value: s?.value ?? t.value,
        max: s?.max ?? t.max ?? null,
        unit: s?.unit ?? t.unit,
        comparator: SYMBOL[(s?.comparator ?? t.comparator) as keyof typeof SYMBOL] ?? '=',
        quote: t.quote,
        id: t.id,
        version: s?.version ?? 0,
        fromPeriod: null,
        reason: null,
      };
      COLS.forEach((c, i) => {
        const cell = line.getCell(i + 1);
        cell.value = values[c.key];
        cell.style = {
          font: { name: '仿宋', size: 11 },
          border: BORDER,
          alignment: { vertical: 'middle', wrapText: c.key === 'task' || c.key === 'quote' },
          numFmt: c.key === 'value' || c.key === 'max' || c.key === 'version' ? 'General' : '@',
          ...(c.input ? { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } } } : {}),
        };
      });
      line.commit();
    }
  }
  if (r > 3) addTargetValidations(ws, plan, r - 1);
  ws.commit();
  await writeHistorySheet(db, wb, plan);
  await wb.commit();
}

/** The 比较 list, the 起始月份 list (the plan's months) and non-negative figures on rows 3…last. */
function addTargetValidations(ws: Worksheet, plan: Plan, last: number): void {
  const L = (key: Key) => colLetter(C[key] - 1);
  addValidation(ws, `${L('comparator')}3:${L('comparator')}${last}`, {
    type: 'list',
    allowBlank: false,
    formulae: ['"=,≥,≤"'],
    showErrorMessage: true,
    error: ERROR_MESSAGES.BAD_COMPARATOR,
  });
  const months = plan.year ? Array.from({ length: 12 }, (_, i) => `${plan.year}-${String(i + 1).padStart(2, '0')}`) : [];
  if (months.length)
    addValidation(ws, `${L('fromPeriod')}3:${L('fromPeriod')}${last}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${months.join(',')}"`],
      showErrorMessage: true,
      error: ERROR_MESSAGES.BAD_MONTH,
    });
  addValidation(ws, `${L('value')}3:${L('max')}${last}`, {
    type: 'decimal',
    operator: 'greaterThanOrEqual',
    formulae: [0],
    allowBlank: true,
    showErrorMessage: true,
    error: '请填写不小于0的数值',
  });
}

export const HISTORY_SHEET = '调整记录';

/** Issue 11: every 调整目标 of the plan (value, unit, from month, who, why), read-only, oldest first per target. */
async function writeHistorySheet(db: Db, wb: ReturnType<typeof createStreamingWorkbook>, plan: Plan): Promise<void> {
  const histories = await loadTargetHistories(db, plan.id);
  if (histories.size === 0) return;
  const ws = wb.addWorksheet(HISTORY_SHEET, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const heads = ['序号', '任务', '指标', '起始月份', '目标值', '上限', '单位', '比较', '单位换算', '调整人', '调整时间', '调整原因'];
  ws.columns = [6, 30, 24, 10, 10, 8, 8, 6, 16, 14, 18, 30].map((width) => ({ width }));
  const style = (head: boolean) => ({
    font: { name: head ? '黑体' : '仿宋', size: 11, bold: head },
    border: BORDER,
    alignment: { vertical: 'middle' as const, wrapText: true },
  });
  const head = ws.getRow(1);
  heads.forEach((h, i) => Object.assign(head.getCell(i + 1), { value: h, style: style(true) }));
  head.commit();
  let r = 2;
  for (const { node } of walkNodes(plan.nodes)) {
    for (const t of node.targets) {
      for (const h of histories.get(t.id) ?? []) {
        const line = ws.getRow(r++);
        const values = [
          node.number,
          node.title,
          t.metric,
          h.fromPeriod ?? '原目标',
          h.value,
          h.max,
          h.unit,
          SYMBOL[h.comparator] ?? '=',
          h.conversion ? `${h.conversion.from}→${h.conversion.to} ×${h.conversion.factor}` : null,
          h.actor ?? null,
          h.at ? h.at.slice(0, 16).replace('T', ' ') : null,
          h.reason ?? null,
        ];
        values.forEach((v, i) => Object.assign(line.getCell(i + 1), { value: v, style: style(false) }));
        line.commit();
      }
    }
  }
  ws.commit();
}

export type { TargetChange } from '../../model/target-edits';

/** A row with a 起始月份: applied as a 调整目标 (server/services/target-revisions.ts). */
interface WorkbookRevision extends RevisionRequest {
  targetId: string;
  baseVersion: number;
}

interface Parsed {
  batch: TargetBatch;
  revisions: WorkbookRevision[];
  changes: TargetChange[];
  unchanged: number;
}

/** What reading the rows needs and collects: the stored targets, the month rules, the findings so far. */
interface ParseState {
  ws: Worksheet;
  hasRevisionCols: boolean;
  year: number | null;
  stored: Map<string, Stored>;
  histories: Awaited<ReturnType<typeof loadTargetHistories>>;
  closedPeriods: string[];
  errors: CellError[];
  changes: TargetChange[];
  edits: TargetBatch['edits'];
  revisions: WorkbookRevision[];
  seen: Set<string>;
  unchanged: number;
}

type Figures = { metric: string; value: number | null | undefined; max: number | null | undefined; unit: string; comparator: Target['comparator'] | undefined };

function cellError(st: ParseState, cell: Cell, field: string, code: ErrorCode, detail?: string): void {
  st.errors.push({ ...fieldError(field, code, detail), cell: cell.address, sheet: st.ws.name, row: Number(cell.row) });
}

/** The workbook and its 指标 sheet, refused unless it is this plan's targets workbook. */
async function openTargetsSheet(bytes: Buffer, planId: string) {
  // Read whole in memory (a targets workbook is small): keep the in-memory bound, not the 清单's streamed one.
  await checkXlsx(bytes, { ...LIMITS, cells: LIMITS.annotateCells });
  const wb = await loadWorkbook(bytes).catch((err) => {
    throw new WorkbookError('NOT_XLSX', `无法读取该工作簿（${(err as Error).message.slice(0, 80)}）`, 422);
  });
  const ws: Worksheet | undefined = wb.getWorksheet(TARGETS_SHEET);
  const headerOk = ws && REQUIRED_COLS.every((c, i) => cellText(ws.getRow(2).getCell(i + 1)) === c.header);
  const hasRevisionCols = !!ws && cellText(ws.getRow(2).getCell(C.fromPeriod)) === '起始月份';
  if (!ws || !headerOk) {
    throw new WorkbookError(
      'NOT_A_TARGETS_WORKBOOK',
      `这不是本系统导出的指标表（需要工作表“${TARGETS_SHEET}”，第2行表头：${REQUIRED_COLS.map((c) => c.header).join('、')}）`,
      422,
    );
  }
  const plan = /plan=(\S+)/.exec(wb.keywords ?? '')?.[1];
  if (plan && plan !== planId) throw new WorkbookError('WRONG_PLAN', `这是另一份工作要点（${plan}）的指标表`, 409);
  return { wb, ws, hasRevisionCols };
}

async function parseTargets(db: Db, planId: string, bytes: Buffer): Promise<Parsed> {
  const { wb, ws, hasRevisionCols } = await openTargetsSheet(bytes, planId);
  const st: ParseState = {
    ws,
    hasRevisionCols,
    year: (await db.select({ year: plans.year }).from(plans).where(eq(plans.id, planId)))[0]?.year ?? null,
    stored: await storedTargets(db, planId),
    histories: hasRevisionCols ? await loadTargetHistories(db, planId) : new Map(),
    closedPeriods: hasRevisionCols ? await closedMonths(db, planId) : [],
    errors: [],
    changes: [],
    edits: [],
    revisions: [],
    seen: new Set<string>(),
    unchanged: 0,
  };
  for (let r = 3; r <= ws.rowCount; r++) readTargetRow(st, ws.getRow(r), r);
  const { errors, edits, revisions } = st;
  if (errors.length) {
    markCells(ws, errors);
    throw new WorkbookError(
      'BAD_CELLS',
      `指标表中有${errors.length}处错误，未做任何修改：${errors
        .slice(0, 3)
        .map((e) => `${e.cell} ${e.message}`)
        .join('；')}`,
      422,
      errors,
      await workbookToBuffer(wb),
    );
  }
  const batchId =
    'tw-' +
    createHash('sha256')
      .update(JSON.stringify([planId, edits, revisions]))
      .digest('hex')
      .slice(0, 40);
  return { batch: { batchId, edits }, revisions, changes: st.changes, unchanged: st.unchanged };
}

/** One row: its figures checked, its changes listed, a correction or a 调整目标 (or both) queued. */
function readTargetRow(st: ParseState, line: Row, r: number): void {
  const id = cellText(line.getCell(C.id));
  if (!id) return;
  const cur = st.stored.get(id);
  if (!cur) return cellError(st, line.getCell(C.id), 'targetId', 'UNKNOWN_KEY', id);
  if (st.seen.has(id)) return cellError(st, line.getCell(C.id), 'targetId', 'DUPLICATE_ROW');
  st.seen.add(id);
  const next = readFigures(st, line);
  if (!next) return;

  const fromCell = line.getCell(C.fromPeriod);
  const fromText = st.hasRevisionCols ? monthText(fromCell) : '';
  const fromPeriod = fromText ? readMonth(fromText, st.year) : null;
  if (fromText && !fromPeriod) return cellError(st, fromCell, 'fromPeriod', 'BAD_MONTH', fromText);
  const reason = st.hasRevisionCols ? cellText(line.getCell(C.reason)) : '';

  const { fields, figureChanged } = diffTarget(st, line, r, cur, next, fromPeriod ? { fromPeriod, reason } : null);
  if (Object.keys(fields).length === 0 && figureChanged.length === 0) {
    st.unchanged++;
    return;
  }
  const fileVersion = Number(line.getCell(C.version).value);
  const baseVersion = Number.isInteger(fileVersion) && fileVersion > 0 ? fileVersion : cur.version;
  if (figureChanged.length) {
    const req = { fromPeriod: fromPeriod!, value: next.value!, max: next.max ?? null, unit: next.unit, comparator: next.comparator!, reason };
    if (!checkRowRevision(st, line, cur, req)) return;
    st.revisions.push({ targetId: id, baseVersion, ...req });
  }
  if (Object.keys(fields).length) st.edits.push({ targetId: id, baseVersion, fields });
}

/** The row's figures, or null when a cell is refused (each refusal recorded at its cell). */
function readFigures(st: ParseState, line: Row): Figures | null {
  const rowErrors = st.errors.length;
  const formula = (cell: Cell) => typeof cell.value === 'object' && cell.value !== null && ('formula' in cell.value || 'sharedFormula' in cell.value);
  const num = (key: 'value' | 'max') => {
    const cell = line.getCell(C[key]);
    if (formula(cell)) return (cellError(st, cell, key, 'FORMULA_NOT_ALLOWED'), undefined);
    const fe: ReturnType<typeof fieldError>[] = [];
    const n = readNumber(key, cell.value === null || cell.value === undefined ? null : typeof cell.value === 'number' ? cell.value : cellText(cell), fe);
    for (const e of fe) cellError(st, cell, key, e.code);
    return n;
  };
  const next: Figures = {
    metric: cellText(line.getCell(C.metric)),
    value: num('value'),
    max: num('max'),
    unit: cellText(line.getCell(C.unit)),
    comparator: parseComparator(cellText(line.getCell(C.comparator))) ?? undefined,
  };
  if (!next.metric) cellError(st, line.getCell(C.metric), 'metric', 'REQUIRED', '指标名称');
  if (next.value === null && st.errors.length === rowErrors) cellError(st, line.getCell(C.value), 'value', 'NOT_A_NUMBER');
  if (!next.comparator) cellError(st, line.getCell(C.comparator), 'comparator', 'BAD_COMPARATOR');
  if (next.max !== null && next.max !== undefined && next.value != null && next.max < next.value) cellError(st, line.getCell(C.max), 'max', 'MAX_BELOW_VALUE');
  return st.errors.length > rowErrors ? null : next;
}

/**
 * The row's changes against the stored target (listed for the preview). With a 起始月份 the figures
 * become a revision; the metric name is always a plain correction (`fields`).
 */
function diffTarget(st: ParseState, line: Row, r: number, cur: Stored, next: Figures, revision: { fromPeriod: string; reason: string } | null) {
  const fields: Record<string, unknown> = {};
  const number = cellText(line.getCell(C.number));
  const task = cellText(line.getCell(C.task));
  const figureChanged: TargetChange['field'][] = [];
  const diff = (field: TargetChange['field'], oldV: string | number | null, newV: string | number | null) => {
    if (oldV === newV) return;
    if (revision && field !== 'metric') figureChanged.push(field);
    else fields[field] = newV;
    st.changes.push({
      row: r,
      targetId: cur.id,
      number,
      task,
      field,
      old: field === 'comparator' ? SYMBOL[oldV as 'eq'] : oldV,
      new: field === 'comparator' ? SYMBOL[newV as 'eq'] : newV,
      ...(revision && field !== 'metric' ? revision : {}),
    });
  };
  diff('metric', cur.metric, next.metric);
  diff('value', cur.value, next.value!);
  diff('max', cur.max, next.max ?? null);
  diff('unit', cur.unit, next.unit);
  diff('comparator', cur.comparator, next.comparator!);
  return { fields, figureChanged };
}

/**
 * The same check the 调整目标 endpoint makes, here so each refusal points at its cell. A unit change
 * needs its conversion confirmed, which a cell cannot do: the office's screen can.
 */
function checkRowRevision(st: ParseState, line: Row, cur: Stored, req: RevisionRequest): boolean {
  const check = checkRevision(req, {
    current: { value: cur.value, max: cur.max, unit: cur.unit, comparator: cur.comparator as 'eq' },
    history: st.histories.get(cur.id) ?? [],
    closedPeriods: st.closedPeriods,
  });
  if (check.ok) return true;
  for (const e of check.errors) {
    const col =
      e.field === 'reason'
        ? C.reason
        : e.field === 'fromPeriod'
          ? C.fromPeriod
          : e.field === 'max'
            ? C.max
            : e.field === 'confirmUnitConversion'
              ? C.unit
              : C.value;
    cellError(
      st,
      line.getCell(col),
      e.field,
      e.code as ErrorCode,
      e.code === 'UNIT_CHANGE_UNCONFIRMED' ? `${cur.unit} → ${req.unit}：请在管理页面“调整目标”中确认换算` : undefined,
    );
  }
  return false;
}

export async function previewTargetsWorkbook(db: Db, planId: string, bytes: Buffer): Promise<TargetsWorkbookPreview> {
  const p = await parseTargets(db, planId, bytes);
  return {
    batchId: p.batch.batchId,
    changes: p.changes,
    unchanged: p.unchanged,
    confirm: `POST …/targets/workbook?confirm=${p.batch.batchId}（再次上传同一文件）`,
  };
}

export async function applyTargetsWorkbook(db: Db, actor: Actor, planId: string, bytes: Buffer, confirm: string): Promise<TargetsWorkbookApplied> {
  const p = await parseTargets(db, planId, bytes);
  if (p.batch.edits.length === 0 && p.revisions.length === 0)
    throw new WorkbookError('NO_CHANGES', '文件中的指标与系统中一致：没有要修改的内容（若刚确认过，修改已生效）', 409);
  if (p.batch.batchId !== confirm) {
    throw new WorkbookError('PREVIEW_MISMATCH', '上传的文件与预览时的修改不一致（文件被改动过，或指标已被他人修改）：请重新预览', 409);
  }
  // All or nothing: refuse the whole file if any target moved on since the file was exported.
  const stored = await storedTargets(db, planId);
  const stale = [...p.batch.edits, ...p.revisions].filter((e) => stored.get(e.targetId)?.version !== e.baseVersion);
  if (stale.length) {
    throw new WorkbookError(
      'STALE_TARGETS',
      `有${stale.length}个指标在导出后已被修改（${stale
        .slice(0, 3)
        .map((e) => e.targetId)
        .join('、')}），未做任何修改：请重新导出指标表`,
      409,
    );
  }
  // Corrections and revisions in one transaction: a refused revision undoes the whole file.
  const res = await db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const res: TargetBatchResponse = p.batch.edits.length
      ? await pushTargets(txDb, actor, planId, p.batch)
      : { batchId: p.batch.batchId, replayed: false, results: [] };
    const versions = new Map(res.results.flatMap((r) => (r.outcome === 'applied' ? [[r.targetId, r.version] as const] : [])));
    for (const { targetId, baseVersion, ...req } of p.revisions) {
      const out = await reviseTarget(txDb, actor, planId, targetId, { ...req, baseVersion: versions.get(targetId) ?? baseVersion });
      if (!out.ok)
        throw new WorkbookError(
          out.code === 'CONFLICT' ? 'STALE_TARGETS' : 'BAD_CELLS',
          `${targetId}：${out.message}（未做任何修改）`,
          out.status === 409 ? 409 : 422,
        );
      const [row] = await tx
        .select()
        .from(targetsTable)
        .where(and(eq(targetsTable.planId, planId), eq(targetsTable.id, targetId)));
      res.results = res.results.filter((r) => r.targetId !== targetId);
      res.results.push({
        targetId,
        outcome: 'applied',
        version: out.version,
        values: { metric: row.metric, value: row.value, max: row.max, unit: row.unit, comparator: row.comparator },
      });
    }
    return res;
  });
  return { ...res, changes: p.changes };
}

/** The 起始月份 cell as text: a date Excel made of a typed 2023-07 reads as that month. */
function monthText(cell: Cell): string {
  const v = cell.value;
  const month = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  if (v instanceof Date) return month(v);
  // A date kept as its serial number (the cell is formatted as text): days since 1899-12-30.
  if (typeof v === 'number' && v > 20000 && v < 80000) return month(new Date(Date.UTC(1899, 11, 30) + Math.round(v) * 86400000));
  return cellText(cell);
}

async function closedMonths(db: Db, planId: string): Promise<string[]> {
  const rows = await db
    .select({ period: periods.period })
    .from(periods)
    .where(and(eq(periods.planId, planId), eq(periods.status, 'closed')));
  return rows.map((r) => r.period);
}
