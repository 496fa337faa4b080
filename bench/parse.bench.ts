// Parse throughput: 1 MB and 10 MB of plan text built by repeating and varying the seed documents
// (renumbered tasks, changed numbers and units). Issue 2's figures: 1 MB ≤ 300 ms, 10 MB ≤ 12 × the
// 1 MB time. Baseline in the same process: splitting the text into lines and running one number+unit
// regex over it — the least any line-oriented parser must do.
import { readFileSync } from 'node:fs';
import { parsePlanText } from '../model/importer';
import { walkNodes } from '../model/plan';

const SEEDS = ['000_77af737a269cc6b4', '002_ac1de0dfc230e160', '003_f2a014f6b69704ec'].map((id) =>
  readFileSync(new URL(`../seeds/${id}.txt`, import.meta.url), 'utf8'),
);
const UNIT_SWAPS: [RegExp, string][] = [
  [/公里/g, '千米'],
  [/亿元/g, '万元'],
  [/个项目/g, '项工程'],
];

/** Copy k of a seed: task numbers shifted, quantities changed, some units swapped. */
function variant(seed: string, k: number): string {
  let s = seed.replace(/(^|\n)(\d{1,3})([.、])/g, (_, nl, n, sep) => `${nl}${(Number(n) + (k % 7) * 40) % 999 || 1}${sep}`);
  s = s.replace(/(\d+)(?=[亿万]?(?:元|公里|个|座|条|台|%))/g, (n) => String(Number(n) + (k % 97)));
  const [re, to] = UNIT_SWAPS[k % UNIT_SWAPS.length];
  if (k % 2) s = s.replace(re, to);
  return s;
}

function build(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const part = variant(SEEDS[k % SEEDS.length], k) + '\n';
    parts.push(part);
    size += Buffer.byteLength(part, 'utf8');
  }
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const BASE_RE = /(\d+(?:\.\d+)?)(亿元|万元|公里|千米|个|座|条|台|%)/g;
function baseline(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) for (const _ of line.matchAll(BASE_RE)) n++;
  return n;
}

const rows: string[] = [];
const figures: Record<string, number> = {};
for (const [label, bytes, warmup, runs] of [
  ['1 MB', 1_000_000, 3, 9],
  ['10 MB', 10_000_000, 1, 5],
] as const) {
  const text = build(bytes);
  const plan = parsePlanText(text, 'bench.txt');
  let nodes = 0;
  let targets = 0;
  for (const { node } of walkNodes(plan.nodes)) {
    nodes++;
    targets += node.targets.length;
  }
  const ms = time(() => parsePlanText(text, 'bench.txt'), warmup, runs);
  const base = time(() => baseline(text), 1, runs);
  figures[label] = ms;
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  rows.push(
    `| ${label} | ${mb.toFixed(2)} MB, ${text.length.toLocaleString('en')} chars | ${nodes.toLocaleString('en')} nodes, ${targets.toLocaleString('en')} targets, ${plan.script} | ${ms.toFixed(0)} ms | ${(ms / mb).toFixed(0)} ms/MB | ${base.toFixed(0)} ms | ${(ms / base).toFixed(1)}× |`,
  );
}
const scale = figures['10 MB'] / figures['1 MB'];
const pass1 = figures['1 MB'] <= 300;
const pass10 = scale <= 12;
console.log(`Median of several runs after warm-up; baseline = split lines + one number/unit regex over the same text.

| input | size | parsed | parse (median) | per MB | baseline | parse / baseline |
|---|---|---|---|---|---|---|
${rows.join('\n')}

| issue 2 figure | measured | result |
|---|---|---|
| 1 MB ≤ 300 ms | ${figures['1 MB'].toFixed(0)} ms | ${pass1 ? 'pass' : 'FAIL'} |
| 10 MB ≤ 12 × 1 MB | ${scale.toFixed(1)} × | ${pass10 ? 'pass' : 'FAIL'} |`);
