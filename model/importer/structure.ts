// From lines to a tree of drafts: numbering labels open nodes, other lines add to the open node's
// own text. A label nests under the nearest open label of a smaller rank
// (第一部分 > 一、 > （一） > 1. > （1） > ①).
import { matchLabel, INLINE_LABEL, RANKS, type Label } from './labels';
import { isAttachment, isFurniture, isDocMeta } from './furniture';
import { isUnitLine } from './units';
import { tableHeader, tableRow, type TableHeader } from './table-rows';
import type { UnitRole } from '../plan';

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
  const preamble: Seg[] = [];
  const roots: Draft[] = [];
  const stack: Draft[] = [];
  const last: number[] = new Array(RANKS).fill(0); // last value seen per rank under the current parent
  let inAttachmentList = false;
  let table: TableHeader | undefined; // inside a flattened task table
  let tableUnits: ({ unit: string; unitView: string; metric: string } | undefined)[] = [];

  const open = (label: Label, at: number): Draft => {
    while (stack.length && stack[stack.length - 1].rank >= label.rank) stack.pop();
    for (let r = label.rank + 1; r < last.length; r++) last[r] = 0;
    last[label.rank] = label.value;
    const draft: Draft = {
      rank: label.rank,
      value: label.value,
      number: orig.slice(at + label.numberStart, at + label.numberEnd).replace(/\s+/g, ''),
      labelStart: at + label.numberStart,
      segs: [],
      children: [],
    };
    (stack.length ? stack[stack.length - 1].children : roots).push(draft);
    stack.push(draft);
    return draft;
  };

  const addText = (start: number, end: number, unitLine = false, cell = false) => {
    while (start < end && /\s/.test(view[start])) start++;
    while (end > start && /\s/.test(view[end - 1])) end--;
    if (start >= end) return;
    if (stack.length) stack[stack.length - 1].segs.push({ start, end, ...(unitLine ? { unitLine } : {}), ...(cell ? { cell } : {}) });
    else preamble.push({ start, end });
  };

  for (const line of lines(view)) {
    let s = line.start;
    while (s < line.end && /\s/.test(view[s])) s++;
    if (s >= line.end) continue;
    const lineView = view.slice(s, line.end);
    if (isAttachment(lineView)) {
      inAttachmentList = true;
      // Before the first label it still ends the title block (see titleBlock); it is never a node.
      if (!stack.length) preamble.push({ start: s, end: line.end });
      continue;
    }
    // 附件：1.XX表 / 2.YY台账: the list of attachments goes on with short numbered lines, not tasks.
    if (inAttachmentList && matchLabel(lineView) && lineView.length <= 40 && !/[。;]/.test(lineView)) continue;
    inAttachmentList = false;
    if (isFurniture(lineView) || isDocMeta(lineView)) continue;
    const header = tableHeader(lineView);
    if (header) {
      table = header;
      tableUnits = header.quantities.map((q) => q && { unit: orig.slice(s + q.unitStart, s + q.unitEnd), unitView: lineView.slice(q.unitStart, q.unitEnd), metric: orig.slice(s, s + q.unitStart - 1).slice(-q.name.length) });
      continue;
    }
    if (table) {
      const row = tableRow(lineView, table);
      if (row) {
        open({ rank: 3, value: Number(lineView.slice(0, row.numberEnd)), numberStart: 0, numberEnd: row.numberEnd, length: row.numberEnd }, s);
        const draft = stack[stack.length - 1];
        for (const c of row.cells) {
          if (c.start >= c.end) continue; // an empty cell
          const q = c.role === 'quantity' ? tableUnits[c.column] : undefined;
          if (q && /^[\d.,]+$/.test(lineView.slice(c.start, c.end))) draft.segs.push({ start: s + c.start, end: s + c.end, unitLine: true, quantity: q });
          else if (c.role === 'text' || c.role === 'deadline' || c.role === 'quantity') addText(s + c.start, s + c.end, false, true);
          else draft.segs.push({ start: s + c.start, end: s + c.end, unitLine: true, unitRole: c.role });
        }
        continue;
      }
      table = undefined;
    }
    if (stack.length && isUnitLine(lineView)) {
      addText(s, line.end, true);
      continue;
    }
    // Cut the line where labels start: at its beginning, and after 。/； when the label is the next number.
    let segStart = s;
    const first = matchLabel(lineView);
    if (first) {
      open(first, s);
      segStart = s + first.length;
    }
    for (;;) {
      const body = view.slice(segStart, line.end);
      INLINE_LABEL.lastIndex = 0;
      let cut: { at: number; label: Label } | undefined;
      for (let m = INLINE_LABEL.exec(body); m && !cut; m = INLINE_LABEL.exec(body)) {
        let at = segStart + m.index + 1;
        while (at < line.end && /\s/.test(view[at])) at++;
        const label = matchLabel(view.slice(at, line.end));
        // Inline, a label starts a node only as the next number of an open list (…。（三）), or as the
        // first item of a new, deeper list (…：（1）).
        if (!label || label.value !== last[label.rank] + 1) continue;
        const top = stack[stack.length - 1];
        // Before any node (a document without line breaks), a first 一、/（一）/1. after 。 starts the body.
        if ((label.value > 1 && stack.some((d) => d.rank === label.rank)) || (label.value === 1 && (!top || top.rank < label.rank))) cut = { at, label };
      }
      if (!cut) break;
      addText(segStart, cut.at);
      open(cut.label, cut.at);
      segStart = cut.at + cut.label.length;
    }
    addText(segStart, line.end);
  }
  return { preamble, roots };
}
