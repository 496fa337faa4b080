// The monthly 通报 as structured content: headings, paragraphs and tables in the register of an official
// document (总体情况, 各单位报送情况, 滞后任务, 下步工作). Pure: server/bulletin.ts renders it to .docx,
// and anything else (HTML, plain text) can render the same blocks.
import { investmentLines, investmentTotals } from './investment';
import type { PeriodId } from './progress';
import type { SheetRow } from './sheet';
import type { LedgerCounts } from './snapshot';
import type { ItemSummary, PeriodStats } from './stats';

export type BulletinBlock =
  | { kind: 'heading'; level: 1 | 2; text: string } // 一、 (黑体) and （一） (楷体)
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; caption: string; headers: string[]; rows: string[][]; widths: number[] }; // widths in parts

export interface Bulletin {
  /** The red 版头 line: 重点任务推进情况通报. */
  banner: string;
  /** The issue under the banner: 2026年第6期. */
  issue: string;
  title: string;
  issuer: string;
  /** 成文日期, written out: 2026年7月3日. */
  date: string;
  blocks: BulletinBlock[];
  /** 版记 at the end of the last page: 抄送 and 印发机关 + 印发日期 (GB/T 9704). */
  colophon?: { copyTo: string | null; printedBy: string; printedOn: string };
}

export interface BulletinContext {
  planTitle: string;
  issuer?: string;
  /** The day the 通报 is issued, YYYY-MM-DD. */
  issuedOn: string;
  /** Last month's stats, for 较上月 comparisons. */
  previous?: PeriodStats | null;
  /** 期号; default the month's number. */
  issueNumber?: number;
  /** Next month's report deadline, YYYY-MM-DD, for the 下步工作 paragraph. */
  nextDeadline?: string | null;
  /** 版记 lines (issue 11): 抄送 and 印发机关; printed when either is set. */
  copyTo?: string | null;
  printedBy?: string | null;
  /** 问题台账 counts; the paragraph is left out when there is no ledger (all zero). */
  ledger?: LedgerCounts | null;
  /** The month's whole-plan rows, for the 固定资产投资 section (left out without investment targets). */
  rows?: readonly SheetRow[];
  /** Last year's 累计 at the same month by item id, for 同比. */
  lastYear?: ReadonlyMap<string, number | null>;
}

/** How many behind-schedule targets the 通报 names in its text. */
export const BEHIND_NAMED = 10;

const CN_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const cnOrdinal = (i: number) => CN_ORDINALS[i] ?? String(i + 1);

export function cnDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
export function cnMonth(period: PeriodId): string {
  const [y, m] = period.split('-').map(Number);
  return `${y}年${m}月`;
}

/** A percentage as an official text writes it: 66.7%, 50%. */
export function pct(x: number | null): string {
  if (x === null) return '—';
  return `${Number.isInteger(x) ? x : x.toFixed(1)}%`;
}
const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);

/** 《…》 around a plan title unless it already has them. */
const quoted = (title: string) => (/^《.*》$/.test(title) ? title : `《${title}》`);

/** A unit list for running text: 甲、乙、丙 (and the count when long). */
function unitList(units: string[], max = 12): string {
  if (units.length <= max) return units.join('、');
  return `${units.slice(0, max).join('、')}等${units.length}个单位`;
}

function itemName(s: ItemSummary): string {
  const task = `${s.number ? `${s.number}.` : ''}${s.task}`;
  return s.metric ? `${task}（${s.metric}${s.targetText ? ` ${s.targetText}${s.unit}` : ''}）` : task;
}

function comparison(now: number | null, before: number | null | undefined, what: string): string {
  if (now === null || before === null || before === undefined) return '';
  const d = Math.round((now - before) * 10) / 10;
  if (d === 0) return `，${what}与上月持平`;
  return `，${what}较上月${d > 0 ? '提高' : '下降'}${Math.abs(d)}个百分点`;
}

/** The blocks of a 通报 as they are written, numbering the 一、 headings and the 表N captions. */
interface Writer {
  blocks: BulletinBlock[];
  h1(text: string): void;
  h2(i: number, text: string): void;
  p(text: string): void;
  table(table: Omit<Extract<BulletinBlock, { kind: 'table' }>, 'kind'>): void;
  tableNo(): string;
}

function writer(): Writer {
  const blocks: BulletinBlock[] = [];
  let tables = 0;
  return {
    blocks,
    h1: (text) => blocks.push({ kind: 'heading', level: 1, text: `${cnOrdinal(blocks.filter((b) => b.kind === 'heading' && b.level === 1).length)}、${text}` }),
    h2: (i, text) => blocks.push({ kind: 'heading', level: 2, text: `（${cnOrdinal(i)}）${text}` }),
    p: (text) => blocks.push({ kind: 'paragraph', text }),
    table: (table) => blocks.push({ kind: 'table', ...table }),
    tableNo: () => `表${++tables}`,
  };
}

/** Items reported overdue that are not already 滞后 (they get their own table). */
const overdueOnlyOf = (stats: PeriodStats) => stats.overdue.filter((s) => s.status !== '滞后');

export function buildBulletin(stats: PeriodStats, ctx: BulletinContext): Bulletin {
  const [year, month] = stats.period.split('-').map(Number);
  const w = writer();
  w.p(`为抓好${quoted(ctx.planTitle)}贯彻落实，现将截至${month}月底重点任务推进情况通报如下。`);
  overallSection(w, stats, ctx);
  investmentSection(w, stats, ctx);
  unitsSection(w, stats);
  laggingSection(w, stats, ctx);
  nextStepsSection(w, stats, ctx);
  return {
    banner: '重点任务推进情况通报',
    issue: `${year}年第${ctx.issueNumber ?? month}期`,
    title: `关于${cnMonth(stats.period)}重点任务推进情况的通报`,
    issuer: ctx.issuer ?? '规划办公室',
    date: cnDate(ctx.issuedOn),
    blocks: w.blocks,
    ...(ctx.copyTo || ctx.printedBy
      ? { colophon: { copyTo: ctx.copyTo ?? null, printedBy: ctx.printedBy ?? ctx.issuer ?? '规划办公室', printedOn: cnDate(ctx.issuedOn) } }
      : {}),
  };
}

/** 一、总体情况: tasks, items, 报送率 and statuses; the average 完成率 against 序时进度; the table by section. */
function overallSection({ h1, p, table, tableNo }: Writer, stats: PeriodStats, ctx: BulletinContext): void {
  const t = stats.totals;
  const st = t.byStatus;
  h1('总体情况');
  const reportRate = share(t.reported, t.items);
  const prevReportRate = ctx.previous ? share(ctx.previous.totals.reported, ctx.previous.totals.items) : null;
  p(
    `${quoted(ctx.planTitle)}共明确重点任务${t.tasks}项、填报事项${t.items}项。本月应报送事项${t.items}项，已报送${t.reported}项，` +
      `报送率${pct(reportRate)}${comparison(reportRate, prevReportRate, '报送率')}。` +
      `从推进情况看，已完成${st['已完成']}项，推进中${st['推进中']}项，滞后${st['滞后']}项，未开始${st['未开始']}项` +
      (st['未填报'] ? `，另有${st['未填报']}项未填报进展` : '') +
      '。',
  );
  if (t.rated > 0) {
    const vsTime =
      t.avgRate === null
        ? ''
        : t.avgRate >= stats.timeProgress
          ? `，快于序时进度${Math.round((t.avgRate - stats.timeProgress) * 10) / 10}个百分点`
          : `，慢于序时进度${Math.round((stats.timeProgress - t.avgRate) * 10) / 10}个百分点`;
    p(
      `在已报送累计完成数的${t.rated}项量化指标中，平均完成率为${pct(t.avgRate)}（单项超过100%的按100%计），序时进度为${pct(stats.timeProgress)}${vsTime}` +
        `${comparison(t.avgRate, ctx.previous?.totals.avgRate, '平均完成率')}` +
        (stats.behind.length ? `；其中${stats.behind.length}项指标完成率低于序时进度。` : '；各项指标均达到序时进度要求。'),
    );
  }
  if (stats.bySection.length) {
    table({
      caption: `${tableNo()}  ${cnMonth(stats.period)}各板块重点任务推进情况`,
      headers: ['板块', '填报事项', '已报送', '已完成', '滞后', '平均完成率'],
      widths: [34, 11, 11, 11, 11, 14],
      rows: stats.bySection.map((s) => [
        s.label,
        String(s.items),
        String(s.reported),
        String(s.byStatus['已完成']),
        String(s.byStatus['滞后']),
        pct(s.avgRate),
      ]),
    });
  }
}

/** 固定资产投资 (issue 11): plan, 本月, 累计, 完成率 against 序时进度, 同比 where last year is known. */
function investmentSection({ h1, p, table, tableNo }: Writer, stats: PeriodStats, ctx: BulletinContext): void {
  const month = Number(stats.period.split('-')[1]);
  const invest = ctx.rows ? investmentLines(ctx.rows, stats.timeProgress, ctx.lastYear) : [];
  if (invest.length) {
    h1('固定资产投资完成情况');
    const tot = investmentTotals(invest);
    const reported = invest.filter((l) => l.cumulative !== null).length;
    const below = invest.filter((l) => l.rate !== null && l.rate < stats.timeProgress).length;
    p(
      `纳入调度的固定资产投资指标${invest.length}项，年度计划合计${tot.plan}亿元，截至${month}月底累计完成${tot.cumulative}亿元，完成年度计划的${pct(tot.rate)}，序时进度为${pct(stats.timeProgress)}` +
        (reported < invest.length ? `；${invest.length - reported}项尚未报送累计完成数` : '') +
        (below ? `；${below}项完成率低于序时进度。` : '。'),
    );
    const withYoy = invest.some((l) => l.lastYear !== null);
    table({
      caption: `${tableNo()}  ${cnMonth(stats.period)}固定资产投资完成情况`,
      headers: ['序号', '项目', '年度计划', '本月完成', '累计完成', '完成率', '序时进度', ...(withYoy ? ['同比'] : [])],
      widths: withYoy ? [7, 29, 12, 11, 11, 10, 10, 10] : [7, 33, 13, 12, 12, 11, 12],
      rows: invest.map((l, i) => [
        String(i + 1),
        l.name,
        `${l.plan}${l.unit}`,
        l.month === null ? '—' : String(l.month),
        l.cumulative === null ? '—' : String(l.cumulative),
        pct(l.rate),
        pct(l.timeProgress),
        ...(withYoy ? [l.yoy === null ? '—' : `${l.yoy > 0 ? '+' : ''}${pct(l.yoy)}`] : []),
      ]),
    });
  }
}

/** 各单位报送情况: who reported in full, in part, not at all; the table by lead unit. */
function unitsSection({ h1, p, table, tableNo }: Writer, stats: PeriodStats): void {
  const named = stats.byUnit.filter((u) => !u.unassigned);
  h1('各单位报送情况');
  const full = stats.reportedUnits.length;
  const partial = stats.partialUnits.length;
  const none = stats.unreportedUnits.length;
  const deadline = stats.deadline ? `（报送截止日期为${cnDate(stats.deadline)}）` : '';
  p(
    `本月应报送牵头单位${named.length}个${deadline}，其中${full}个单位已全部报送` +
      (partial ? `，${partial}个单位部分报送` : '') +
      (none ? `，${none}个单位未报送` : '') +
      '。' +
      (none ? `未报送单位：${unitList(stats.unreportedUnits)}。` : '') +
      (partial ? `部分报送单位：${unitList(stats.partialUnits)}。` : '') +
      (!none && !partial && named.length ? '各单位均按要求完成报送。' : ''),
  );
  const unassigned = stats.byUnit.find((u) => u.unassigned);
  if (unassigned) p(`另有${unassigned.items}项事项尚未明确牵头单位，请尽快明确责任单位。`);
  if (named.length) {
    table({
      caption: `${tableNo()}  ${cnMonth(stats.period)}各牵头单位报送情况`,
      headers: ['序号', '牵头单位', '牵头事项', '已报送', '已完成', '滞后', '报送情况'],
      widths: [8, 30, 12, 12, 12, 10, 16],
      rows: named.map((u, i) => [
        String(i + 1),
        u.unit,
        String(u.items),
        String(u.reported),
        String(u.byStatus['已完成']),
        String(u.byStatus['滞后']),
        u.state,
      ]),
    });
  }
}

/** 滞后任务: 滞后 items, items past their time limit, targets behind 序时进度; then the ledger's month. */
function laggingSection({ h1, h2, p, table, tableNo }: Writer, stats: PeriodStats, ctx: BulletinContext): void {
  h1('滞后任务');
  const overdueOnly = overdueOnlyOf(stats);
  if (!stats.lagging.length && !overdueOnly.length && !stats.behind.length) {
    p('本月无滞后任务，各项任务均按计划推进。');
  } else {
    const parts = [];
    if (stats.lagging.length) parts.push(`${stats.lagging.length}项事项报送状态为“滞后”`);
    if (overdueOnly.length) parts.push(`${overdueOnly.length}项事项已超过完成时限但尚未完成`);
    if (stats.behind.length) parts.push(`${stats.behind.length}项量化指标完成率低于序时进度`);
    p(`本月共有${parts.join('，')}，具体如下。`);
    let i = 0;
    if (stats.lagging.length) {
      h2(i++, '报送状态为滞后的事项');
      table({
        caption: `${tableNo()}  ${cnMonth(stats.period)}滞后事项`,
        headers: ['序号', '任务', '牵头单位', '完成率', '存在问题', '下步计划'],
        widths: [7, 30, 14, 10, 20, 20],
        rows: stats.lagging.map((s, k) => [String(k + 1), itemName(s), s.lead.join('、') || '—', pct(s.rate), s.problems ?? '—', s.nextSteps ?? '—']),
      });
    }
    if (overdueOnly.length) {
      h2(i++, '超过完成时限尚未完成的事项');
      table({
        caption: `${tableNo()}  超过完成时限尚未完成的事项`,
        headers: ['序号', '任务', '牵头单位', '完成时限', '本月情况'],
        widths: [7, 42, 18, 15, 18],
        rows: overdueOnly.map((s, k) => [String(k + 1), itemName(s), s.lead.join('、') || '未明确', s.deadline, s.status === '未填报' ? '未报送' : s.status]),
      });
    }
    if (stats.behind.length) {
      // The text names the furthest behind; a long list would drown the paragraph.
      const worst = [...stats.behind].sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0));
      const named = worst.slice(0, BEHIND_NAMED);
      const more = worst.length > named.length ? `等${worst.length}项指标` : '';
      h2(i++, '完成率低于序时进度的指标');
      p(
        named
          .map((s) => `${s.metric || s.task}（${s.lead.join('、') || '未明确牵头单位'}）完成${s.cumulative ?? 0}${s.unit}，完成率${pct(s.rate)}`)
          .join('；') + `${more}，${worst.length > 1 ? '均' : ''}低于序时进度${pct(stats.timeProgress)}。`,
      );
    }
  }
  const ledger = ctx.ledger;
  if (ledger && ledger.new + ledger.closed + ledger.open > 0) {
    p(
      `问题台账方面，本月新增问题${ledger.new}个，销号${ledger.closed}个，截至月底尚未销号${ledger.open}个` +
        (ledger.overdue ? `，其中${ledger.overdue}个超过整改时限。` : '。'),
    );
  }
}

/** 下步工作: 补报 for the units behind with reports, 赶超 for the owners of late items, the next deadline. */
function nextStepsSection({ h1, h2, p }: Writer, stats: PeriodStats, ctx: BulletinContext): void {
  const [year, month] = stats.period.split('-').map(Number);
  const none = stats.unreportedUnits.length;
  const partial = stats.partialUnits.length;
  const overdueOnly = overdueOnlyOf(stats);
  h1('下步工作');
  let k = 0;
  if (none || partial) {
    h2(k++, '抓紧补报进展');
    p(`请${unitList([...stats.unreportedUnits, ...stats.partialUnits])}高度重视重点任务报送工作，于3个工作日内补报${cnMonth(stats.period)}进展情况。`);
  }
  if (stats.lagging.length || overdueOnly.length || stats.behind.length) {
    const owners = [...new Set([...stats.lagging, ...overdueOnly, ...stats.behind].flatMap((s) => s.lead))];
    h2(k++, '加快滞后任务推进');
    p(
      `请${owners.length ? unitList(owners) : '有关单位'}对照年度目标，认真分析滞后原因，逐项制定赶超措施，明确时间节点和责任人，确保按期完成年度任务。` +
        (stats.behind.length ? '对完成率低于序时进度的指标，要加大调度力度，尽快赶上序时进度。' : ''),
    );
  }
  h2(k++, '持续做好调度报送');
  const next = ctx.nextDeadline ? `于${cnDate(ctx.nextDeadline)}前` : '按时';
  p(
    `请各牵头单位${next}报送${month === 12 ? `${year + 1}年1月` : `${year}年${month + 1}月`}重点任务进展情况，如实填报累计完成数、进展情况、存在问题和下步计划，确保数据准确、情况真实。`,
  );
}

/** The 通报 as plain text (for logs, previews and tests). */
export function bulletinText(b: Bulletin): string {
  const lines = [b.banner, b.issue, b.title, ''];
  for (const block of b.blocks) {
    if (block.kind === 'table') lines.push(block.caption, block.headers.join('\t'), ...block.rows.map((r) => r.join('\t')));
    else lines.push(block.text);
  }
  lines.push('', b.issuer, b.date);
  if (b.colophon) {
    if (b.colophon.copyTo) lines.push(`抄送：${b.colophon.copyTo}。`);
    lines.push(`${b.colophon.printedBy}\t${b.colophon.printedOn}印发`);
  }
  return lines.join('\n');
}
