// From the skeleton to Plan nodes: titles, own text, targets, deadlines, units, inline 一是/二是 items,
// kinds (a node with children is a section, one without is a task) and stable ids.
import type { Deadline, PlanNode, Target } from '../plan';
import { nodeId, targetId } from '../ids';
import type { Draft, Seg } from './structure';
import { extractTargets, tableCellTarget, type DraftTarget } from './target-phrases';
import { extractDeadlines } from './deadline-phrases';
import { cellUnits, extractUnits, toUnits, type UnitHit } from './responsible-units';
import { chineseToNumber } from './numerals';

interface Ctx {
  orig: string;
  view: string;
  year: number | null;
  planId: string;
  lastValue?: Map<number, number>; // per label rank, the value of the last label in document order
}

/** Confidence of a node as read, and why when it is a guess (under 0.8: the preview says 需核对). */
function judged(ctx: Ctx, d: Draft, prev: Draft | undefined): { confidence: number; reason?: string } {
  let confidence = d.confidence ?? 0.95;
  let reason = d.reason;
  const last = (ctx.lastValue ??= new Map()).get(d.rank);
  ctx.lastValue.set(d.rank, d.value);
  // 28, 34, 35: numbers as printed, but items may be missing. Numbering that runs on across sections
  // (一、1 2 3 二、4 5) or restarts at 1 is ordinary.
  const expected = prev && prev.rank === d.rank ? prev.value + 1 : undefined;
  const ordinary = d.inline || d.value === 1 || d.value === expected || (expected === undefined && last !== undefined && d.value === last + 1);
  if (!ordinary && confidence > 0.75) {
    confidence = 0.75;
    reason = reason ?? (prev && prev.rank === d.rank ? `编号不连续（上一项为${prev.number}），可能有缺项` : `编号未从1开始（${d.number}），可能为节选`);
  }
  return { confidence, ...(reason && confidence < 0.8 ? { reason } : {}) };
}

const UNIT_PAREN = /[（(][^（()）]*(?:牵头|配合|负责|责任单位|协办|参与)[^（()）]*[）)]/g;

/** Title: the first sentence (to 。；：), cut at the first comma when long; unit notes removed. */
function titleOf(ctx: Ctx, segs: Seg[], wholeLineHeading: boolean): string {
  const seg = segs.find((s) => !s.unitLine);
  if (!seg) return '';
  const v = ctx.view.slice(seg.start, seg.end);
  let end = v.search(/[。;:!?]/);
  if (end < 0) end = v.length;
  let title = v.slice(0, end);
  const comma = title.search(/[,]/);
  // Cut at the first comma when long, or when what follows carries a quantity or a date (…改造，6月底前…):
  // the title names the task, its targets and deadlines are listed on their own.
  if (
    comma > 0 &&
    !(wholeLineHeading && end === v.length && title.length <= 80) &&
    (title.length > 30 || /\d|[底末]前|年内|季度|半年/.test(title.slice(comma)))
  )
    end = comma;
  title = ctx.orig
    .slice(seg.start, seg.start + end)
    .replace(UNIT_PAREN, '')
    .trim();
  // Trailing punctuation trimmed by hand: /[…]+$/ is quadratic on long runs.
  let e = title.length;
  while (e > 0 && /[，,、；;：:\s]/.test(title[e - 1])) e--;
  return title.slice(0, Math.min(e, 120));
}

function clip(segs: Seg[], from: number, to: number): Seg[] {
  const out: Seg[] = [];
  for (const s of segs) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (start < end) out.push({ ...s, start, end });
  }
  return out;
}

const INLINE_ITEM = /(^|[。;:,，；：\s])([一二三四五六七八九十]{1,2})是/g;

/** Inline enumerations 一是…二是…: split a node's own text into child items (at least two, in order). */
function inlineItems(ctx: Ctx, segs: Seg[]): { head: Seg[]; items: { number: string; start: number; segs: Seg[] }[] } {
  const marks: { number: string; start: number }[] = [];
  let expect = 1;
  for (const seg of segs) {
    if (seg.unitLine) continue;
    const v = ctx.view.slice(seg.start, seg.end);
    INLINE_ITEM.lastIndex = 0;
    for (let m = INLINE_ITEM.exec(v); m; m = INLINE_ITEM.exec(v)) {
      if (chineseToNumber(m[2]) !== expect) continue;
      const start = seg.start + m.index + m[1].length;
      marks.push({ number: ctx.orig.slice(start, start + m[2].length + 1), start });
      expect++;
    }
  }
  if (marks.length < 2) return { head: segs, items: [] };
  // 责任单位：… lines after the items name the units of the whole paragraph: they stay with the parent.
  const text = segs.filter((s) => !s.unitLine);
  const end = text[text.length - 1].end;
  return {
    head: [...clip(text, text[0].start, marks[0].start), ...segs.filter((s) => s.unitLine)],
    items: marks.map((mk, i) => ({ number: mk.number, start: mk.start, segs: clip(text, mk.start, i + 1 < marks.length ? marks[i + 1].start : end) })),
  };
}

/**
 * Lines read as one for targets and deadlines: a line that stops mid-sentence (no 。；：！？ at its end,
 * and long enough to be a wrapped line rather than a heading) goes on in the next, as in text copied
 * from a PDF (…小型水库除险加固15座，6月 / 底前全部开工).
 */
function wrappedRuns(ctx: Ctx, segs: Seg[]): Seg[][] {
  const runs: Seg[][] = [];
  for (const seg of segs) {
    if (seg.unitLine) continue;
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (prev && !prev.cell && !seg.cell && prev.end - prev.start >= 16 && !/[。;!?:]/.test(ctx.view[prev.end - 1])) run.push(seg);
    else runs.push([seg]);
  }
  return runs;
}

function ownFacts(ctx: Ctx, segs: Seg[]): { targets: DraftTarget[]; deadlines: Deadline[]; units: UnitHit[] } {
  const targets: DraftTarget[] = [];
  const deadlines: Deadline[] = [];
  const units: UnitHit[] = [];
  for (const seg of segs) {
    if (seg.quantity) {
      const t = tableCellTarget(ctx.orig, ctx.view, seg.start, seg.end, seg.quantity.unit, seg.quantity.unitView, seg.quantity.metric);
      if (t) targets.push(t);
    } else
      units.push(...(seg.unitRole ? cellUnits(ctx.orig, ctx.view, seg.start, seg.end, seg.unitRole) : extractUnits(ctx.orig, ctx.view, seg.start, seg.end)));
  }
  for (const run of wrappedRuns(ctx, segs)) {
    if (run.length === 1) {
      targets.push(...extractTargets(ctx.orig, ctx.view, run[0].start, run[0].end));
      deadlines.push(...extractDeadlines(ctx.orig, ctx.view, run[0].start, run[0].end, ctx.year));
      continue;
    }
    // The run's lines joined without their breaks; `at` maps each joined offset back to the document,
    // so a quote that spans a break is the document's text at its span (line break included).
    const o = run.map((s) => ctx.orig.slice(s.start, s.end)).join('');
    const v = run.map((s) => ctx.view.slice(s.start, s.end)).join('');
    const at: number[] = [];
    for (const s of run) for (let i = s.start; i < s.end; i++) at.push(i);
    const span = (a: number, b: number) => ({ start: at[a], end: at[b - 1] + 1 });
    for (const t of extractTargets(o, v, 0, v.length)) {
      const sp = span(t.span.start, t.span.end);
      targets.push({ ...t, quote: ctx.orig.slice(sp.start, sp.end), span: sp });
    }
    for (const d of extractDeadlines(o, v, 0, v.length, ctx.year)) {
      if (!d.span) continue; // extractDeadlines always sets it
      const sp = span(d.span.start, d.span.end);
      deadlines.push({ ...d, text: ctx.orig.slice(sp.start, sp.end), span: sp });
    }
  }
  return { targets, deadlines, units };
}

function textOf(ctx: Ctx, labelStart: number, segs: Seg[]): { text: string; end: number } {
  if (!segs.length) return { text: ctx.orig.slice(labelStart, labelStart), end: labelStart };
  // The label and the first segment are on one line; later segments are joined by newlines.
  const parts = [ctx.orig.slice(labelStart, segs[0].end), ...segs.slice(1).map((s) => ctx.orig.slice(s.start, s.end))];
  return { text: parts.join('\n'), end: segs[segs.length - 1].end };
}

function withIds(
  ctx: Ctx,
  node: Omit<PlanNode, 'id' | 'targets' | 'children'>,
  path: string[],
  occurrence: number,
  targets: DraftTarget[],
  children: PlanNode[],
): PlanNode {
  const id = nodeId(ctx.planId, path, occurrence);
  const seen = new Map<string, number>();
  const withTargetIds: Target[] = targets.map((t) => {
    const n = seen.get(t.quote) ?? 0;
    seen.set(t.quote, n + 1);
    return { id: targetId(id, t.quote, n), ...t };
  });
  return { id, ...node, targets: withTargetIds, children };
}

export function assemble(ctx: Ctx, drafts: Draft[], parentPath: string[] = []): PlanNode[] {
  const occurrences = new Map<string, number>();
  return drafts.map((d, di) => {
    const judgement = judged(ctx, d, drafts[di - 1]);
    const occ = occurrences.get(d.number) ?? 0;
    occurrences.set(d.number, occ + 1);
    const path = [...parentPath, d.number];
    const { head, items } = inlineItems(ctx, d.segs);
    const children: PlanNode[] = [];
    const itemOcc = new Map<string, number>();
    for (const item of items) {
      const facts = ownFacts(ctx, item.segs);
      const io = itemOcc.get(item.number) ?? 0;
      itemOcc.set(item.number, io + 1);
      const { text, end } = textOf(ctx, item.start, item.segs);
      const units = toUnits(facts.units);
      // The item's title starts after "一是".
      const titleSegs = item.segs.map((s, i) => (i === 0 ? { ...s, start: Math.min(s.end, item.start + item.number.length) } : s));
      children.push(
        withIds(
          ctx,
          {
            kind: 'task',
            number: item.number,
            title: titleOf(ctx, titleSegs, false).replace(/^[，,：:\s]+/, ''),
            text,
            span: { start: item.start, end },
            deadlines: facts.deadlines,
            ...(units ? { units } : {}),
            confidence: 0.9,
          },
          [...path, item.number],
          io,
          facts.targets,
          [],
        ),
      );
    }
    children.push(...assemble(ctx, d.children, path));
    const facts = ownFacts(ctx, head);
    const { text, end } = textOf(ctx, d.labelStart, head);
    const units = toUnits(facts.units);
    const wholeLine = head.length > 0 && d.children.length > 0 && head.length === 1;
    return withIds(
      ctx,
      {
        kind: children.length ? 'section' : 'task',
        number: d.number,
        title: titleOf(ctx, head, wholeLine),
        text,
        span: { start: d.labelStart, end: Math.max(end, d.labelStart) },
        deadlines: facts.deadlines,
        ...(units ? { units } : {}),
        ...judgement,
      },
      path,
      occ,
      facts.targets,
      children,
    );
  });
}
