// The plan-document importer: text (or bytes) → Plan. parsePlanText never throws; importPlan decodes
// and rejects empty, binary and structureless documents with an ImportError (code + Chinese message).
import { walkNodes, type Plan, type PlanNode } from '../plan';
import { planId } from '../ids';
import { detectScript, makeView } from './view';
import { restoreLayout } from './runon';
import { buildSkeleton, type Seg } from './structure';
import { assemble } from './assemble';
import { decodeDocument, ImportError } from './decode';
import { isAttachment } from './furniture';

export { ImportError, IMPORT_ERROR_MESSAGES, decodeDocument } from './decode';
export type { ImportErrorCode } from './decode';

const PLAN_TITLE = /(?:方案|要点|要點|计划|計劃|計畫|规划|規劃|意见|意見|清单|清單|安排|任务|任務)(?:（[^（）]*）|\([^()]*\))?$/;

/**
 * Title: the first run of short heading-like lines before the body. When that run is a covering notice
 * (关于印发《…》的通知), a later heading line naming the plan itself (…工作方案) is the title.
 */
function titleBlock(orig: string, view: string, preamble: Seg[]): { title: string; issuer?: string } {
  const isHeading = (v: string) => v.length <= 60 && !/[。,;]/.test(v) && /[\u4e00-\u9fff]/.test(v) && !/^(?:各|致)|:$/.test(v);
  const runs: string[][] = [];
  let run: string[] = [];
  const viewOf = new Map<string, string>(); // heading line as written → its view (same length)
  for (const seg of preamble) {
    const v = view.slice(seg.start, seg.end).trim();
    // A red-header masthead (XX区人民政府办公室文件) names the issuing office, not the plan.
    if (!runs.length && !run.length && v.length <= 30 && /(?:人民政府|办公室|办公厅|厅|局|委员会|委|党委|党组)文件$/.test(v)) continue;
    // A long note under the title, （2024年1月30日…会议审议通过）, is not part of it; （2024—2025年） is.
    if (/^\(.*\)$/.test(v) && run.length && (v.length > 16 || /通过|会议|印发|发布|^\(\s*(?:19|20)\d\d年\d{1,2}月\d{1,2}日\s*\)$/.test(v))) continue;
    // 附件 starts the attachments: their own titles are not the plan's.
    if (isAttachment(v)) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    if (isHeading(v)) {
      const line = orig.slice(seg.start, seg.end).trim();
      viewOf.set(line, v);
      run.push(line);
    } else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  if (!runs.length) return { title: '' };
  let lines = runs[0].slice(0, 3);
  if (/通知$/.test(lines.join(''))) {
    // A covering notice: the plan is the one it publishes (关于印发《…》的通知), or a later plan-title line.
    // Matched on the view (印發 reads as 印发), sliced from the text as written: view and text align.
    const joinedView = lines.map((l) => viewOf.get(l) ?? l).join('');
    const joined = lines.join('');
    const im = /印发\s*《([^《》]+)》/.exec(joinedView) ?? /印发\s*(.+?)的通知$/.exec(joinedView);
    const inner = im ? joined.slice(im.index + im[0].indexOf(im[1]), im.index + im[0].indexOf(im[1]) + im[1].length) : undefined;
    const plan = runs
      .slice(1)
      .flat()
      .find((l) => PLAN_TITLE.test(l) && !/^(?:19|20)\d\d年\d/.test(l));
    if (plan) lines = [plan];
    else if (inner) lines = [inner];
  }
  const title = lines.join('');
  const first = runs[0][0];
  const issuer =
    /^(.{2,30}?(?:厅|局|委员会|委|办公室|人民政府|政府|办|廳|辦公室))关于/.exec(first)?.[1] ??
    (runs[0].length > 1 && /(?:厅|局|委员会|人民政府|办公室|廳)$/.test(first) ? first : undefined);
  return { title, ...(issuer ? { issuer } : {}) };
}

const CN_DIGIT: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/**
 * The plan's year when the title has none: the latest year the preamble speaks of as a year of work
 * (2022年，全省…完成… 2023年全省工作的总体要求是 → 2023), leaving out targets and spans (到2025年,
 * 2020年以来); else the first year anywhere.
 */
function preambleYear(preamble: string): number | null {
  let best: number | null = null;
  for (const m of preamble.matchAll(/(到|至|截至|截止)?((?:19|20)\d\d)\s*年(以来|底前|前|—|-|~|至)?/g)) {
    if (m[1] || m[3]) continue;
    const y = Number(m[2]);
    if (best === null || y > best) best = y;
  }
  return best;
}

function yearOf(title: string, view: string, preamble = '', script = 'simplified'): number | null {
  // 二〇二四年 → 2024
  title = title.replace(/[一二][〇零一二三四五六七八九]{3}(?=\s*年)/g, (y) => [...y].map((c) => CN_DIGIT[c]).join(''));
  // The first year of the title, also in a range (2024—2025年).
  const m = /((?:19|20)\d\d)\s*(?:年|[—–\-~至到]\s*(?:19|20)\d\d\s*年)/.exec(title.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
  const valid = (y: number) => (y >= 1949 && y <= 2100 ? y : null); // the Plan schema's range
  if (m) return valid(Number(m[1]));
  // A Taiwan-style title counts years of the Republic (112年度 = 2023).
  const roc = script === 'traditional' ? /(?<!\d)(\d{2,3})\s*年度?/.exec(title) : null;
  if (roc && Number(roc[1]) >= 80 && Number(roc[1]) <= 150) return valid(1911 + Number(roc[1]));
  const stated = preambleYear(preamble);
  if (stated !== null) return valid(stated);
  const any = /((?:19|20)\d\d)\s*年(?!以来)/.exec(view.slice(0, 200000)); // 2020年以来 looks back
  return any ? valid(Number(any[1])) : null;
}

/** Parse a decoded plan document. Never throws; a document without numbered items gives zero nodes. */
export function parsePlanText(text: string, source: string): Plan {
  const input = typeof text === 'string' ? text.replace(/^\ufeff/, ' ') : '';
  const script = detectScript(input);
  const view = restoreLayout(makeView(input, script));
  const skeleton = buildSkeleton(input, view);
  const head = titleBlock(input, view, skeleton.preamble);
  const title = head.title || source.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const year = yearOf(head.title, view, skeleton.preamble.map((seg) => view.slice(seg.start, seg.end)).join('\n'), script);
  const id = planId(title, year);
  const nodes = assemble({ orig: input, view, year, planId: id }, skeleton.roots);
  return { id, title, year, ...(head.issuer ? { issuer: head.issuer } : {}), script, source, nodes };
}

/** Decode bytes (.txt in UTF-8/UTF-16/GB18030, or .docx), parse, and reject documents without tasks. */
export async function importPlan(bytes: Uint8Array, source: string): Promise<Plan> {
  const text = await decodeDocument(bytes);
  const plan = parsePlanText(text, source);
  let tasks = 0;
  for (const { node } of walkNodes(plan.nodes)) if (node.kind === 'task') tasks++;
  if (tasks === 0) throw new ImportError('NO_STRUCTURE');
  return plan;
}

/** The plan in the gold-file format of test/fixtures/gold/ANNOTATION.md (plus ids, spans, dates). */
export function toGoldJson(plan: Plan) {
  const node = (n: PlanNode): Record<string, unknown> => ({
    id: n.id,
    kind: n.kind,
    number: n.number,
    title: n.title,
    targets: n.targets.map((t) => ({
      id: t.id,
      metric: t.metric,
      value: t.value,
      ...(t.max !== undefined ? { max: t.max } : {}),
      unit: t.unit,
      comparator: t.comparator,
      kind: t.kind,
      quote: t.quote,
      span: t.span,
      confidence: t.confidence,
      ...(t.reason ? { reason: t.reason } : {}),
    })),
    deadlines: n.deadlines.map((d) => d.text),
    resolvedDeadlines: n.deadlines.map((d) => ({ text: d.text, ...(d.date ? { date: d.date } : {}), ...(d.monthlyDay ? { monthlyDay: d.monthlyDay } : {}) })),
    ...(n.units ? { units: n.units } : {}),
    ...(n.confidence !== undefined ? { confidence: n.confidence } : {}),
    ...(n.reason ? { reason: n.reason } : {}),
    span: n.span,
    children: n.children.map(node),
  });
  return {
    document: plan.source,
    id: plan.id,
    title: plan.title,
    year: plan.year,
    ...(plan.issuer ? { issuer: plan.issuer } : {}),
    script: plan.script,
    nodes: plan.nodes.map(node),
  };
}
