// From lines to a tree of drafts: numbering labels open nodes, other lines add to the open node's
// own text. A label nests under the nearest open label of a smaller rank
// (第一部分 > 一、 > （一） > 1. > （1） > ①).
import { matchLabel, INLINE_LABEL, RANKS, type Label } from './labels';
import { isAttachment, isFurniture, isDocMeta } from './furniture';
import { isUnitLine } from './responsible-units';
import { runOnHeader, runOnRow, tableHeader, tableRow, type ColumnRole, type TableHeader } from './table-rows';
import type { UnitRole } from '../plan';
import { chineseToNumber } from './numerals';

export interface Seg {
  start: number;
  end: number;
  unitLine?: boolean; // a 牵头单位：… line: units only, not title or targets
  unitRole?: UnitRole; // a table cell under a 责任单位/牵头单位 column: names only, role from the header
  cell?: boolean; // a table cell: not joined with the next one as a wrapped line
  quantity?: { unit: string; unitView: string; metric: string }; // a cell under 新增就业（人）: a bare number in that unit
}

export interface Draft {
  rank: number;
  value: number;
  number: string; // as printed, from the original text
  labelStart: number;
  segs: Seg[];
  children: Draft[];
  inline?: boolean; // an inline 一是/二是 item
  // How sure the reading of this node is, and why not when it is a guess (shown as 需核对 in previews).
  confidence?: number;
  reason?: string;
}

export interface Skeleton {
  preamble: Seg[]; // lines before the first label
  roots: Draft[];
}

/** Line boundaries: \n, \r\n, \r, U+2028/2029. */
function* lines(text: string): Generator<{ start: number; end: number }> {
  const re = /\r\n|[\n\r\u2028\u2029]/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield { start, end: m.index };
    start = m.index + m[0].length;
  }
  yield { start, end: text.length };
}

export function buildSkeleton(orig: string, view: string): Skeleton {
  const walk = new SkeletonWalk(orig, view);
  for (const line of lines(view)) walk.line(line);
  const { preamble, roots } = walk;
  if (!roots.length) return promoteInlineItems(orig, view, preamble);
  flagCutOff(view, roots);
  return { preamble, roots };
}

const isBreak = (c: string | undefined) => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/** A row's label read as rank 3 (an item of the plan's task list): its 序号 up to `numberEnd`. */
const rowLabel = (lineView: string, numberEnd: number): Label => ({
  rank: 3,
  value: Number(lineView.slice(0, numberEnd)),
  numberStart: 0,
  numberEnd,
  length: numberEnd,
});

/**
 * One pass over the view's lines: the open nodes (a stack by rank), the last number seen per rank, and
 * which kind of block the walk is in (a list of attachments, a flattened task table, a run-on table).
 */
class SkeletonWalk {
  readonly preamble: Seg[] = []; // lines before the first label
  readonly roots: Draft[] = [];
  private readonly stack: Draft[] = [];
  private readonly last: number[] = new Array(RANKS).fill(0); // last value seen per rank under the current parent
  private inAttachmentList = false;
  private table: TableHeader | undefined; // inside a flattened task table
  private tableUnits: ({ unit: string; unitView: string; metric: string } | undefined)[] = [];
  private runOn: ColumnRole[] | undefined; // inside a table whose cells run together (序号重点任务牵头单位…)
  private runOnText = false; // the current view line is part of a document line without breaks

  constructor(
    private readonly orig: string,
    private readonly view: string,
  ) {}

  line(line: { start: number; end: number }): void {
    const { orig, view } = this;
    // A break restoreLayout put in the view (none in the document) before or after this line.
    this.runOnText = (line.start > 0 && !isBreak(orig[line.start - 1])) || (line.end < orig.length && !isBreak(orig[line.end]));
    let s = line.start;
    while (s < line.end && /\s/.test(view[s])) s++;
    if (s >= line.end) return;
    const lineView = view.slice(s, line.end);
    if (this.skipped(s, line.end, lineView) || this.tableLine(s, lineView) || this.runOnLine(s, lineView)) return;
    if (this.stack.length && isUnitLine(lineView)) {
      this.addText(s, line.end, true);
      return;
    }
    // Cut the line where labels start: at its beginning, and after 。/； when the label is the next number.
    let segStart = s;
    const first = matchLabel(lineView);
    if (first) {
      this.open(first, s);
      segStart = s + first.length;
    }
    segStart = this.cutInline(segStart, line.end);
    this.addText(segStart, line.end);
  }

  /** Attachments, page furniture and document metadata: lines that are never a node's text. */
  private skipped(s: number, end: number, lineView: string): boolean {
    if (isAttachment(lineView)) {
      this.inAttachmentList = true;
      // Before the first label it still ends the title block (see titleBlock); it is never a node.
      if (!this.stack.length) this.preamble.push({ start: s, end });
      return true;
    }
    // 附件：1.XX表 / 2.YY台账: the list of attachments goes on with short numbered lines, not tasks.
    if (this.inAttachmentList && matchLabel(lineView) && lineView.length <= 40 && !/[。;]/.test(lineView)) return true;
    this.inAttachmentList = false;
    return isFurniture(lineView) || isDocMeta(lineView);
  }

  /** A flattened task table's header (remembered) or one of its rows (a node); false past the table. */
  private tableLine(s: number, lineView: string): boolean {
    const { orig } = this;
    const header = tableHeader(lineView);
    if (header) {
      this.table = header;
      this.tableUnits = header.quantities.map(
        (q) =>
          q && {
            unit: orig.slice(s + q.unitStart, s + q.unitEnd),
            unitView: lineView.slice(q.unitStart, q.unitEnd),
            metric: orig.slice(s, s + q.unitStart - 1).slice(-q.name.length),
          },
      );
      return true;
    }
    if (!this.table) return false;
    const row = tableRow(lineView, this.table);
    if (!row) {
      this.table = undefined;
      return false;
    }
    this.open(rowLabel(lineView, row.numberEnd), s);
    const draft = this.stack[this.stack.length - 1];
    draft.confidence = 0.9;
    for (const c of row.cells) {
      if (c.start >= c.end) continue; // an empty cell
      const q = c.role === 'quantity' ? this.tableUnits[c.column] : undefined;
      const measure = c.role === 'text' ? matchLabel(lineView.slice(c.start, c.end)) : undefined;
      if (q && /^[\d.,]+$/.test(lineView.slice(c.start, c.end))) draft.segs.push({ start: s + c.start, end: s + c.end, unitLine: true, quantity: q });
      else if (measure && measure.rank > 3 && measure.value === 1) {
        // A 具体措施 cell listing (1)…；(2)…: the measures are the row's tasks.
        this.open(measure, s + c.start);
        this.addText(this.cutInline(s + c.start + measure.length, s + c.end), s + c.end, false, true);
      } else if (c.role === 'text' || c.role === 'deadline' || c.role === 'quantity') this.addCell(draft, s + c.start, s + c.end);
      else draft.segs.push({ start: s + c.start, end: s + c.end, unitLine: true, unitRole: c.role });
    }
    return true;
  }

  /** A run-on table's header (remembered) or one of its rows (a node, cut by unit names); false past it. */
  private runOnLine(s: number, lineView: string): boolean {
    const runOnColumns = runOnHeader(lineView);
    if (runOnColumns) {
      this.runOn = runOnColumns;
      return true;
    }
    if (!this.runOn) return false;
    const row = runOnRow(lineView, this.runOn);
    if (!row) {
      this.runOn = undefined;
      return false;
    }
    const draft = this.open(rowLabel(lineView, row.numberEnd), s);
    draft.confidence = 0.6;
    draft.reason = '表格各栏未分隔，任务、单位与时限按单位名称切分';
    this.addCell(draft, s + row.text.start, s + row.text.end);
    for (const u of row.units) draft.segs.push({ start: s + u.start, end: s + u.end, unitLine: true, unitRole: u.role });
    if (row.deadline) this.addCell(draft, s + row.deadline.start, s + row.deadline.end);
    return true;
  }

  private open(label: Label, at: number): Draft {
    const { stack, last } = this;
    while (stack.length && stack[stack.length - 1].rank >= label.rank) stack.pop();
    for (let r = label.rank + 1; r < last.length; r++) last[r] = 0;
    last[label.rank] = label.value;
    const draft: Draft = {
      rank: label.rank,
      value: label.value,
      number: this.orig.slice(at + label.numberStart, at + label.numberEnd).replace(/\s+/g, ''),
      labelStart: at + label.numberStart,
      segs: [],
      children: [],
    };
    if (this.runOnText) {
      draft.confidence = 0.7;
      draft.reason = '原文无换行，按编号切分';
    }
    (stack.length ? stack[stack.length - 1].children : this.roots).push(draft);
    stack.push(draft);
    return draft;
  }

  private addCell(draft: Draft, start: number, end: number): void {
    const { view } = this;
    while (start < end && /\s/.test(view[start])) start++;
    while (end > start && /\s/.test(view[end - 1])) end--;
    if (start < end) draft.segs.push({ start, end, cell: true });
  }

  private addText(start: number, end: number, unitLine = false, cell = false): void {
    const { view, stack } = this;
    while (start < end && /\s/.test(view[start])) start++;
    while (end > start && /\s/.test(view[end - 1])) end--;
    if (start >= end) return;
    if (stack.length) stack[stack.length - 1].segs.push({ start, end, ...(unitLine ? { unitLine } : {}), ...(cell ? { cell } : {}) });
    else this.preamble.push({ start, end });
  }

  // Labels inside a line, after 。/；/： when the label is the next number: each opens a node. Returns
  // where the text of the last node opened starts (its text is added by the caller).
  private cutInline(segStart: number, end: number): number {
    const { view, stack, last } = this;
    for (;;) {
      const body = view.slice(segStart, end);
      INLINE_LABEL.lastIndex = 0;
      let cut: { at: number; label: Label } | undefined;
      for (let m = INLINE_LABEL.exec(body); m && !cut; m = INLINE_LABEL.exec(body)) {
        let at = segStart + m.index + 1;
        while (at < end && /\s/.test(view[at])) at++;
        const label = matchLabel(view.slice(at, end));
        // Inline, a label starts a node only as the next number of an open list (…。（三）), or as the
        // first item of a new, deeper list (…：（1）).
        if (!label || label.value !== last[label.rank] + 1) continue;
        const top = stack[stack.length - 1];
        // Before any node (a document without line breaks), a first 一、/（一）/1. after 。 starts the body.
        if ((label.value > 1 && stack.some((d) => d.rank === label.rank)) || (label.value === 1 && (!top || top.rank < label.rank))) cut = { at, label };
      }
      if (!cut) break;
      this.addText(segStart, cut.at);
      this.open(cut.label, cut.at);
      segStart = cut.at + cut.label.length;
    }
    return segStart;
  }
}

/**
 * A partial paste stops mid-sentence: the last node's text ends the document without 。；！？ and
 * in a word, not in a table cell or a heading. That node is flagged (its figures may be cut off).
 */
function flagCutOff(view: string, roots: Draft[]): void {
  let d = roots[roots.length - 1];
  while (d.children.length) d = d.children[d.children.length - 1];
  const seg = d.segs.filter((x) => !x.unitLine).pop();
  if (!seg || seg.cell || seg.end - seg.start < 15 || /\S/.test(view.slice(seg.end))) return;
  if (!/[\u4e00-\u9fff\d,、]$/.test(view.slice(seg.start, seg.end))) return;
  d.confidence = Math.min(d.confidence ?? 0.95, 0.6);
  d.reason = '原文在句中截断，内容可能不全';
}

const INLINE_ITEM = /(^|[。;:,，；：\s])([一二三四五六七八九十]{1,2})是/g;

/**
 * A plan whose top level is 一是…二是…七是 paragraphs with no numbered heading at all: the items are its
 * top-level tasks (at least two, in order, the first 一是). The text before 一是 stays the preamble; when
 * each item is one paragraph, the paragraphs after the last one (closing remarks, signature) are not
 * part of it.
 */
function promoteInlineItems(orig: string, view: string, preamble: Seg[]): Skeleton {
  const marks: { seg: number; at: number; len: number; value: number }[] = [];
  preamble.forEach((seg, i) => {
    const v = view.slice(seg.start, seg.end);
    INLINE_ITEM.lastIndex = 0;
    for (let m = INLINE_ITEM.exec(v); m; m = INLINE_ITEM.exec(v)) {
      if (chineseToNumber(m[2]) !== marks.length + 1) continue;
      marks.push({ seg: i, at: seg.start + m.index + m[1].length, len: m[2].length + 1, value: marks.length + 1 });
    }
  });
  if (marks.length < 2) return { preamble, roots: [] };
  const onePerParagraph = marks.every((mk, i) => mk.at === preamble[mk.seg].start && (i === 0 || mk.seg === marks[i - 1].seg + 1));
  const roots: Draft[] = marks.map((mk, i) => {
    const next = marks[i + 1];
    const lastSeg = next ? next.seg : onePerParagraph ? mk.seg : preamble.length - 1;
    const segs: Seg[] = [];
    for (let k = mk.seg; k <= lastSeg; k++) {
      const start = k === mk.seg ? mk.at + mk.len : preamble[k].start;
      const end = next && k === next.seg ? next.at : preamble[k].end;
      if (start < end) segs.push({ start, end });
    }
    return {
      rank: 1,
      value: mk.value,
      number: orig.slice(mk.at, mk.at + mk.len),
      labelStart: mk.at,
      segs,
      children: [],
      confidence: 0.75,
      reason: '无一级标题，按“一是…二是…”分项',
    };
  });
  const head: Seg[] = [];
  for (const seg of preamble.slice(0, marks[0].seg + 1)) {
    const end = Math.min(seg.end, marks[0].at);
    if (seg.start < end && /\S/.test(view.slice(seg.start, end))) head.push({ start: seg.start, end });
  }
  return { preamble: head, roots };
}
