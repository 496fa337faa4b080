// The monthly 重点任务清单 as an .xlsx, written row by row with the streaming writer: a pure function of
// the plan and its sheet rows (model/sheet.ts), so the route, the CLI, the tests and the benchmark share it.
import type { Writable } from 'node:stream';
import type { Plan } from '../../model/plan';
import { STATUSES, type PeriodId } from '../../model/progress';
import { COLUMNS, COLUMN_INDEX, colLetter, rowCells, type ItemRow, type SectionRow, type SheetRow } from '../../model/sheet';
import { addValidation, createStreamingWorkbook, DirectRows, type Borders, type Style, type Worksheet } from './xlsx';
import { writeInvestmentSheet, writeSummarySheet } from './summary';
import { investmentLine, isInvestment, type InvestmentLine } from '../../model/investment';
import { statsAccumulator, timeProgress } from '../../model/stats';

/** A run of rows with the read-only figures of their items (server/services/workbook-pages.ts). */
export interface WorkbookPage {
  rows: SheetRow[];
  previous?: ReadonlyMap<string, number>;
  lastYear?: ReadonlyMap<string, number | null>;
}

export interface WorkbookInput {
  plan: Pick<Plan, 'id' | 'title' | 'year'>;
  period: PeriodId;
  /** The whole month's rows, or `pages` of them read as the sheet is written (a big plan never held whole). */
  rows?: SheetRow[];
  /** Rows page by page; `previous` and `lastYear` then come with each page. Not with `rows`. */
  pages?: AsyncIterable<WorkbookPage>;
  /** Strings written in their cells instead of the shared-strings table, which exceljs holds in memory
   *  until the end (a 50,000-row plan's texts); for big plans. */
  inlineStrings?: boolean;
  /** One unit's workbook: printed on the 填报单位 line. */
  unit?: string;
  /** An empty template (for the coming month): input cells are left blank. */
  template?: boolean;
  /** Last year's 累计 at the same month by item id (固定资产投资 同比), when known. */
  lastYear?: ReadonlyMap<string, number | null>;
  /** 上月累计 by item id: 累计完成 stored for the month before (read-only column). */
  previous?: ReadonlyMap<string, number>;
}

export const MAIN_SHEET = '重点任务清单';
/** Rows 1–2 are the title and the 填报单位 line, rows 3–4 the two-level header; data starts at row 5. */
export const HEADER_ROW = 4;
export const FIRST_DATA_ROW = 5;
/** A hidden helper column after COLUMNS: the task's due date, for the 逾期 conditional format. */
export const DUE_HEADER = '截止日期';
/** A hidden helper column: the entry's version when exported, the base of the upload's push (so an
 *  edit to a row someone changed since the export is a conflict, not a silent overwrite). */
export const VERSION_HEADER = '版本';
/** A read-only column after the hidden helpers (so COLUMNS, shared with the add-in, keeps its order):
 *  last month's 累计完成, printed at the right of the table. */
export const PREVIOUS_HEADER = '上月累计';
/** The line under the table; its cells are unlocked so a unit can type the names in. */
export const SIGN_LINE = ['填报人：', '联系电话：', '审核人：'] as const;

const N = COLUMNS.length; // the id column is the last of COLUMNS
const VISIBLE = N - 1;
const DUE_COL = N + 1;
const VERSION_COL = N + 2;
const PREVIOUS_COL = N + 3;
const col = (key: keyof typeof COLUMN_INDEX) => COLUMN_INDEX[key] + 1;
const letter = (c: number) => colLetter(c - 1); // exceljs columns are 1-based

const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Borders = { top: thin, left: thin, bottom: thin, right: thin };
const FONT_BODY = { name: '仿宋', size: 11 };
const FONT_HEAD = { name: '黑体', size: 11 };
const FONT_TITLE = { name: '方正小标宋简体', size: 18 };
const SECTION_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFF2F2F2' } };
const HEAD_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFD9E1F2' } };
/** Input cells: unlocked on the protected sheet and shaded, so a reporter sees where to type. */
export const INPUT_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFFFF2CC' } };
/** 完成率 is stored as a fraction with a plain percent format: `0.0"%"` or `0.0\%` over a percentage
 *  number reads as 2880.0% in LibreOffice after a round trip (issue 12); `0.0%` reads the same everywhere. */
export const RATE_FORMAT = '0.0%';
/** The sheet is protected without a password (model columns locked, input cells not); resizing,
 *  sorting and filtering stay allowed. Programs that ignore protection are caught by the upload. */
const PROTECTION = { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true, sort: true, autoFilter: true };

function yearMonth(period: PeriodId): [number, number] {
  const [y, m] = period.split('-').map(Number);
  return [y, m];
}

/** Workbook properties that let an upload check it is reading back the plan and month it was given. */
export function workbookKeywords(planId: string, period: PeriodId): string {
  return `qingdan plan=${planId} period=${period}`;
}

/**
 * The pages with the first one asked for now: its statements (server/services/workbook-pages.ts) run
 * while the workbook, its title and header are set up instead of after them.
 */
function asked<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const it = pages[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => undefined); // a writer that fails before its first page must not leave this unhandled
  return {
    async *[Symbol.asyncIterator]() {
      let done = false;
      try {
        for (let r = await first; !r.done; r = await it.next()) yield r.value;
        done = true;
      } finally {
        if (!done) await it.return?.();
      }
    },
  };
}

export async function writeWorkbook(stream: Writable, input: WorkbookInput): Promise<void> {
  const { plan, period } = input;
  const pages: AsyncIterable<WorkbookPage> | WorkbookPage[] = input.pages
    ? asked(input.pages)
    : [{ rows: input.rows ?? [], previous: input.previous, lastYear: input.lastYear }];
  const [year, month] = yearMonth(period);
  const wb = createStreamingWorkbook(stream, { sharedStrings: !input.inlineStrings });
  wb.creator = 'qingdan';
  wb.title = `${plan.title} 重点任务清单 ${period}`;
  wb.subject = '重点任务清单';
  wb.keywords = workbookKeywords(plan.id, period);
  wb.created = new Date();

  const ws = wb.addWorksheet(MAIN_SHEET, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROW, topLeftCell: `C${FIRST_DATA_ROW}`, activeCell: `H${FIRST_DATA_ROW}` }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `3:${HEADER_ROW}`,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  ws.columns = [
    ...COLUMNS.map((c) => ({ key: c.key, width: c.width, hidden: c.kind === 'id' })),
    { key: 'due', width: 12, hidden: true },
    { key: 'version', width: 4, hidden: true },
    { key: 'previous', width: 10 },
  ];

  writeTitle(ws, input, year, month);
  writeHeader(ws);
  // The summary sheets come after the main one: from the given rows, or counted as the pages' rows are
  // written (the 汇总 figures) with only the 固定资产投资 lines kept, not their rows.
  const summary: Summary | null = input.pages
    ? { stats: statsAccumulator({ period, year: plan.year }, { lists: false }), timeProgress: timeProgress(period, plan.year), investment: [] }
    : null;
  const last = await writeBody(ws, pages, input.template === true, stream, summary);
  writeSignLine(ws, last + 2);
  if (last >= FIRST_DATA_ROW) addRules(ws, last, year, month);
  await ws.protect('', PROTECTION);
  ws.commit();

  if (!input.template) {
    const rows = input.rows ?? [];
    writeSummarySheet(wb, summary?.stats.result() ?? rows, period, plan.year);
    writeInvestmentSheet(wb, rows, { planTitle: plan.title, period, year: plan.year, lastYear: input.lastYear, lines: summary?.investment });
  }
  await wb.commit();
}

function writeTitle(ws: Worksheet, input: WorkbookInput, year: number, month: number): void {
  const title = ws.getRow(1);
  title.height = 36;
  const t = title.getCell(1);
  t.value = `${input.plan.title}重点任务清单（${year}年${month}月${input.template ? '·空白模板' : ''}）`;
  t.style = { font: { ...FONT_TITLE, bold: true }, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } };
  ws.mergeCells(1, 1, 1, VISIBLE);
  title.commit();

  const line = ws.getRow(2);
  line.height = 22;
  const left = line.getCell(1);
  left.value = `填报单位：${input.unit ?? ''}`;
  left.style = { font: FONT_BODY, alignment: { vertical: 'middle' } };
  ws.mergeCells(2, 1, 2, 6);
  const right = line.getCell(col('monthDone'));
  right.value = '报送日期：      年    月    日';
  right.style = { font: FONT_BODY, alignment: { horizontal: 'right', vertical: 'middle' } };
  ws.mergeCells(2, col('monthDone'), 2, VISIBLE);
  line.commit();
}

function writeHeader(ws: Worksheet): void {
  const groupRow = ws.getRow(3);
  const headRow = ws.getRow(HEADER_ROW);
  groupRow.height = 22;
  headRow.height = 28;
  const style: Style = {
    font: { ...FONT_HEAD, bold: true },
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
    border: BORDER,
    fill: HEAD_FILL,
  };
  COLUMNS.forEach((c, i) => {
    headRow.getCell(i + 1).value = c.header;
    headRow.getCell(i + 1).style = style;
    groupRow.getCell(i + 1).style = style;
  });
  headRow.getCell(DUE_COL).value = DUE_HEADER;
  headRow.getCell(VERSION_COL).value = VERSION_HEADER;
  groupRow.getCell(PREVIOUS_COL).value = PREVIOUS_HEADER;
  groupRow.getCell(PREVIOUS_COL).style = style;
  headRow.getCell(PREVIOUS_COL).value = PREVIOUS_HEADER;
  headRow.getCell(PREVIOUS_COL).style = style;
  ws.mergeCells(3, PREVIOUS_COL, HEADER_ROW, PREVIOUS_COL);
  // Columns of the 任务 group stand alone (序号, 任务: merged over both header rows); the others sit
  // under a merged group cell (年度目标 | 本月进展).
  let i = 0;
  while (i < VISIBLE) {
    const group = COLUMNS[i].group;
    let j = i;
    while (j + 1 < VISIBLE && COLUMNS[j + 1].group === group) j++;
    if (group === '任务' || group === '') {
      for (let k = i; k <= j; k++) {
        groupRow.getCell(k + 1).value = COLUMNS[k].header;
        ws.mergeCells(3, k + 1, HEADER_ROW, k + 1);
      }
    } else {
      groupRow.getCell(i + 1).value = group;
      ws.mergeCells(3, i + 1, 3, j + 1);
    }
    i = j + 1;
  }
  groupRow.commit();
  headRow.commit();
}

const TEXT_KINDS = new Set(['text', 'id', 'status']);

function cellStyle(kind: string, key: string): Style {
  const wrap = key === 'task' || key === 'metric' || key === 'progress' || key === 'problems' || key === 'nextSteps' || key === 'lead' || key === 'deadline';
  return {
    font: FONT_BODY,
    border: BORDER,
    // '@' keeps what a user later types into a text cell as text (no =, +, - formulas); numbers stay numbers.
    numFmt: TEXT_KINDS.has(kind) ? '@' : kind === 'rate' ? RATE_FORMAT : 'General',
    alignment: {
      vertical: 'middle',
      horizontal: kind === 'number' || kind === 'rate' ? 'right' : key === 'number' || key === 'status' || key === 'unit' ? 'center' : 'left',
      wrapText: wrap,
    },
    protection: { locked: !COLUMNS.find((c) => c.key === key)!.input },
    ...(COLUMNS.find((c) => c.key === key)!.input ? { fill: INPUT_FILL } : {}),
  };
}
// Every cell of a kind is given the same style object, never a fresh one: exceljs caches a style's id by
// object identity (StylesXform.addStyleModel, a WeakMap), so a new object per cell costs a full style
// lookup (its XML rendered and looked up) for every cell. Frozen so no cell's edit can recolour the others.
const frozen = (style: Style): Style => Object.freeze(style);
const STYLES = COLUMNS.map((c) => frozen(cellStyle(c.kind, c.key)));
const PREVIOUS_STYLE = frozen({
  font: FONT_BODY,
  border: BORDER,
  numFmt: 'General',
  alignment: { vertical: 'middle', horizontal: 'right' },
  protection: { locked: true },
});
/** The hidden helper columns: the version as a plain number (what exceljs gives an unstyled cell), the due date as a date. */
const VERSION_STYLE = frozen({});
const DUE_STYLE = frozen({ numFmt: 'yyyy-mm-dd' });
/** A section row: its label (bigger at the top level, indented by depth) and the other cells of the row. */
const SECTION_CELL_STYLE = frozen({ border: BORDER, fill: SECTION_FILL });
const sectionStyles = new Map<number, Style>();
function sectionStyle(depth: number): Style {
  let style = sectionStyles.get(depth);
  if (!style) {
    style = frozen({
      font: { ...FONT_HEAD, bold: true, size: depth === 0 ? 12 : 11 },
      fill: SECTION_FILL,
      border: BORDER,
      numFmt: '@',
      alignment: { vertical: 'middle', indent: depth },
    });
    sectionStyles.set(depth, style);
  }
  return style;
}

/** 填报人 / 联系电话 / 审核人 under the table, in the model columns (A–G) so the upload never reads them as input. */
function writeSignLine(ws: Worksheet, r: number): void {
  const line = ws.getRow(r);
  line.height = 24;
  const spans: [number, number][] = [
    [1, 2],
    [3, 5],
    [6, col('deadline')],
  ];
  SIGN_LINE.forEach((label, i) => {
    const [from, to] = spans[i];
    const cell = line.getCell(from);
    cell.value = label;
    cell.style = { font: FONT_BODY, numFmt: '@', alignment: { vertical: 'middle' }, protection: { locked: false } };
    if (to > from) ws.mergeCells(r, from, r, to);
  });
  line.commit();
}

/** Rows written between two pauses of the body loop. Each pause is also when the next page's statements
 *  (read ahead while these rows are written) get their answers: at 500 a 50,000-row export spent ~3 s of
 *  its ~5 s waiting for pages, at 100 ~1 s. */
const ROWS_PER_PAUSE = 100;

/**
 * Lets the event loop run (other requests, and the zip's deflate and the socket draining the rows
 * written so far), then waits while `out` is full. Without it the loop wrote the whole sheet before the
 * zip saw a byte: a 50,000-row export held its whole XML in memory and blocked the server for seconds.
 */
async function breathe(out: Writable): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (!out.writableNeedDrain || out.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/** What a paged export keeps for its summary sheets. */
interface Summary {
  stats: ReturnType<typeof statsAccumulator>;
  timeProgress: number;
  investment: InvestmentLine[];
}

/** Writes section and item rows; returns the last row written. `summary` collects what the summary sheets need. */
async function writeBody(
  ws: Worksheet,
  pages: AsyncIterable<WorkbookPage> | WorkbookPage[],
  template: boolean,
  out: Writable,
  summary: Summary | null,
): Promise<number> {
  const rows = new DirectRows(ws);
  let r = FIRST_DATA_ROW;
  let group: { taskId: string; first: number } | null = null;
  // Rows of one task are merged in 序号/任务/牵头单位/完成时限 like a printed 清单 (a task's later rows
  // write those cells as merged). Each body merge covers rows of its own (one section row, or one task's
  // rows), so none overlaps another.
  const closeGroup = (end: number) => {
    if (group && end > group.first) for (const c of GROUP_MERGED) rows.merge(group.first, c, end, c);
    group = null;
  };
  let written = 0;
  for await (const page of pages) {
    // A task's rows come from one node, so they are always in one page.
    const itemsPerTask = new Map<string, number>();
    for (const row of page.rows) if (row.kind === 'item') itemsPerTask.set(row.taskId, (itemsPerTask.get(row.taskId) ?? 0) + 1);
    for (const row of page.rows) {
      if (summary) {
        summary.stats.add(row);
        if (isInvestment(row)) summary.investment.push(investmentLine(row, summary.timeProgress, page.lastYear?.get(row.itemId) ?? null));
      }
      // Pause only where no row is pending (a task's rows are merged together).
      if (++written >= ROWS_PER_PAUSE && (row.kind === 'section' || group?.taskId !== row.taskId)) {
        closeGroup(r - 1);
        written = 0;
        rows.flush();
        await breathe(out);
      }
      if (row.kind === 'section') {
        closeGroup(r - 1);
        writeSection(rows, r, row);
        r++;
        continue;
      }
      const later = group !== null && (group as { taskId: string }).taskId === row.taskId;
      if (!later) {
        closeGroup(r - 1);
        group = { taskId: row.taskId, first: r };
      }
      writeItem(rows, r, row, template, itemsPerTask.get(row.taskId) === 1, later, template ? undefined : page.previous?.get(row.itemId));
      r++;
    }
  }
  closeGroup(r - 1);
  rows.flush();
  return r - 1;
}

/** A section row: its label across the table (the merged cells take the label's style, as exceljs's merge gives them). */
function writeSection(rows: DirectRows, r: number, row: SectionRow): void {
  const style = sectionStyle(row.depth);
  rows.begin(r, 22);
  rows.cell(1, row.label, style);
  for (let c = 2; c <= VISIBLE; c++) rows.merged(c, style);
  rows.cell(PREVIOUS_COL, null, SECTION_CELL_STYLE);
  rows.end();
  rows.merge(r, 1, r, VISIBLE);
}

/** Display width of text in Excel character units: CJK and full-width characters count double. */
function textWidth(text: string): number {
  let w = 0;
  // By UTF-16 unit (a string iterator per cell was a visible cost at 50,000 rows); a character outside
  // the BMP (a surrogate pair) counts once, as one glyph.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1))) continue;
    w += c > 0x2e7f ? 1.75 : 1; // a CJK glyph at 11pt ≈ 1.75 widths of '0'
  }
  return w;
}
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** The columns a task's rows share: merged over them, like a printed 清单. */
const GROUP_KEYS = ['number', 'task', 'lead', 'deadline'] as const;
const MERGED_IN_GROUP = new Set<string>(GROUP_KEYS);
/** Their column numbers, and per column (COLUMNS order) whether it is one. */
const GROUP_MERGED = GROUP_KEYS.map(col);
const IN_GROUP = COLUMNS.map((c) => MERGED_IN_GROUP.has(c.key));

/**
 * Row height for wrapped text. Excel and WPS grow rows on open, LibreOffice keeps what the file says:
 * so the file says it, estimated from the longest wrapped cell (cells merged over a task's rows aside).
 */
function rowHeight(cells: (string | number | null)[], solo: boolean): number | undefined {
  let lines = 1;
  COLUMNS.forEach((c, i) => {
    const v = cells[i];
    if (typeof v !== 'string' || !v || c.kind === 'id' || (!solo && MERGED_IN_GROUP.has(c.key))) return;
    lines = Math.max(lines, Math.ceil(textWidth(v) / Math.max(c.width - 0.5, 2)));
  });
  return lines > 1 ? Math.min(lines, 30) * 14.5 + 4 : undefined;
}

/** An item row; a task's `later` rows leave the task's shared columns to its first row's merged cells. */
function writeItem(rows: DirectRows, r: number, row: ItemRow, template: boolean, solo: boolean, later: boolean, previous: number | undefined): void {
  const cells = rowCells(row);
  if (template) COLUMNS.forEach((c, i) => (c.input || c.key === 'rate') && (cells[i] = null));
  rows.begin(r, rowHeight(cells, solo));
  for (let i = 0; i < N; i++) {
    if (later && IN_GROUP[i]) {
      rows.merged(i + 1, STYLES[i]);
      continue;
    }
    const c = COLUMNS[i];
    const v = cells[i];
    // Strings are written as strings (shared strings, never <f>), whatever their first character.
    rows.cell(
      i + 1,
      v === null ? null : c.kind === 'rate' ? Math.round(Number(v) * 10) / 1000 : c.kind === 'number' ? v : typeof v === 'number' ? v : String(v),
      STYLES[i],
    );
  }
  if (row.due) rows.cell(DUE_COL, new Date(`${row.due}T00:00:00Z`), DUE_STYLE);
  rows.cell(VERSION_COL, row.version, VERSION_STYLE);
  rows.cell(PREVIOUS_COL, previous ?? null, PREVIOUS_STYLE);
  rows.end();
}

function addRules(ws: Worksheet, last: number, year: number, month: number): void {
  const range = (key: keyof typeof COLUMN_INDEX) => `${letter(col(key))}${FIRST_DATA_ROW}:${letter(col(key))}${last}`;
  const numberRule = {
    type: 'decimal' as const,
    operator: 'greaterThanOrEqual' as const,
    formulae: [0],
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: 'stop' as const,
    errorTitle: '请填写数字',
    error: '请填写不小于0的数值，不能使用公式或文字',
    showInputMessage: true,
    promptTitle: '填写说明',
  };
  addValidation(ws, range('monthDone'), { ...numberRule, prompt: '本月完成量（与目标同单位）' });
  addValidation(ws, range('cumulative'), { ...numberRule, prompt: '年初至本月末累计完成量' });
  addValidation(ws, range('status'), {
    type: 'list',
    allowBlank: true,
    formulae: [`"${STATUSES.join(',')}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '状态无效',
    error: `状态须为：${STATUSES.join('、')}`,
  });

  const s = letter(col('status'));
  const d = letter(DUE_COL);
  const all = `A${FIRST_DATA_ROW}:${letter(VISIBLE)}${last}`;
  const r0 = FIRST_DATA_ROW;
  ws.addConditionalFormatting({
    ref: all,
    rules: [
      {
        type: 'expression',
        priority: 1,
        formulae: [`$${s}${r0}="滞后"`],
        style: { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFFFC7CE' } }, font: { color: { argb: 'FF9C0006' } } },
      },
      {
        // 逾期 (as model/stats.ts counts it): due by the end of this month and not 已完成.
        type: 'expression',
        priority: 2,
        formulae: [`AND(ISNUMBER($${d}${r0}),$${d}${r0}<=DATE(${year},${month + 1},0),$${s}${r0}<>"已完成")`],
        style: { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFFFEB9C' } }, font: { color: { argb: 'FF9C5700' } } },
      },
    ],
  });
}

/** The whole workbook in memory (tests, small exports); the route and CLI stream instead. */
export async function workbookBuffer(input: WorkbookInput): Promise<Buffer> {
  const { PassThrough } = await import('node:stream');
  const pass = new PassThrough();
  const chunks: Buffer[] = [];
  pass.on('data', (c: Buffer) => chunks.push(c));
  await writeWorkbook(pass, input);
  return Buffer.concat(chunks);
}
