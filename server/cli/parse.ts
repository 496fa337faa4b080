// `npx qingdan parse FILE [--json]`: import a plan document and print its task tree (or the gold-format JSON).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { importPlan, ImportError, toGoldJson } from '../../model/importer';
import type { Plan, PlanNode, Units } from '../../model/plan';
import { CliError } from './cli-error';

const ROLE_NAMES: Record<keyof Units, string> = { lead: '牵头', co: '配合', exec: '责任' };
const COMPARATOR_WORDS = { eq: '', gte: '≥', lte: '≤' } as const;

function nodeLines(node: PlanNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const label = node.kind === 'section' ? '□' : '■';
  out.push(`${pad}${label} ${node.number} ${node.title}`);
  for (const t of node.targets) {
    const value = t.max !== undefined ? `${t.value}–${t.max}` : String(t.value);
    out.push(
      `${pad}    指标：${t.metric}  ${COMPARATOR_WORDS[t.comparator]}${value} ${t.unit}  [${t.kind}]  原文“${t.quote}”${t.confidence < 0.7 ? '（待核实）' : ''}`,
    );
  }
  for (const d of node.deadlines) {
    const when = d.date ? ` → ${d.date}` : d.monthlyDay ? ` → 每月${d.monthlyDay}日` : '';
    out.push(`${pad}    时限：${d.text}${when}`);
  }
  if (node.units) {
    for (const role of ['lead', 'co', 'exec'] as const) {
      const names = node.units[role];
      if (names?.length) out.push(`${pad}    ${ROLE_NAMES[role]}：${names.join('、')}`);
    }
  }
  for (const child of node.children) nodeLines(child, depth + 1, out);
}

export function summary(plan: Plan): string {
  let sections = 0;
  let tasks = 0;
  let targets = 0;
  const count = (nodes: PlanNode[]) => {
    for (const n of nodes) {
      if (n.kind === 'section') sections++;
      else tasks++;
      targets += n.targets.length;
      count(n.children);
    }
  };
  count(plan.nodes);
  const out = [
    `《${plan.title}》 ${plan.year ?? '年份未知'}年  ${plan.script === 'traditional' ? '繁体' : '简体'}${plan.issuer ? `  ${plan.issuer}` : ''}`,
    `来源：${plan.source}  共 ${sections} 个部分、${tasks} 项任务、${targets} 个指标`,
    '',
  ];
  for (const node of plan.nodes) nodeLines(node, 0, out);
  return out.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) throw new CliError('USAGE', '用法：qingdan parse FILE [--json]', 2);
  const file = files[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError('FILE_NOT_READABLE', code === 'ENOENT' ? `找不到文件：${file}` : `无法读取文件：${file}（${code}）`);
  }
  let plan: Plan;
  try {
    plan = await importPlan(bytes, basename(file));
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(err.code, `${file}：${err.message}`);
    throw err;
  }
  console.log(json ? JSON.stringify(toGoldJson(plan), null, 2) : summary(plan));
  return 0;
}
