// Units of responsibility named for a task: 牵头单位：… / 配合单位：… / 责任单位：… lines, and
// parenthesised notes such as （省水利厅牵头，省财政厅配合）. Names are kept as written.
import type { Units, UnitRole } from '../plan';

const ROLE_OF: Record<string, UnitRole> = {
  牵头: 'lead',
  主办: 'lead',
  主责: 'lead',
  牵头负责: 'lead',
  配合: 'co',
  协办: 'co',
  参与: 'co',
  协助: 'co',
  配合落实: 'co',
  实施: 'exec',
  责任: 'exec',
  负责: 'exec',
  承办: 'exec',
  落实: 'exec',
  负责落实: 'exec',
};
const ROLE_LABEL = /(牵头|主办|主责|责任|配合|协办|参与|实施|负责|承办)(?:单位|部门|处室|处|主体)\s*[:：]/g;
const ROLE_LABEL_ANY = /(?:牵头|主办|主责|责任|配合|协办|参与|实施|负责|承办)(?:单位|部门|处室|处|主体)\s*[:：]/;
const VERB_CLAUSE = /^(?:由|请)?(.+?)(?:按照?职责分工|按职责|分别)?(牵头负责|牵头|配合落实|配合|协办|参与|协助|负责落实|负责|落实|实施)$/;

const ANY_ROLE = /牵头|主办|主责|责任|配合|协办|参与|实施|负责|承办|落实/;

export type UnitHit = { role: UnitRole; name: string; pos: number };

function splitNames(orig: string, v: string, start: number, end: number, role: UnitRole, out: UnitHit[]): void {
  let s = start;
  let depth = 0; // 各区（县、市）交通运输局: no split inside parentheses
  for (let i = start; i <= end; i++) {
    if (v[i] === '(') depth++;
    else if (v[i] === ')') depth = Math.max(0, depth - 1);
    if (i === end || (depth === 0 && /[、,;，；\s]/.test(v[i]))) {
      // Trim by hand: a /[…]+$/ regex is quadratic on long runs of those characters.
      let a = s;
      let b = i;
      while (a < b && /[：:\s]/.test(orig[a])) a++;
      let balance = 0; // opening minus closing parentheses in orig[a, b)
      for (let k = a; k < b; k++) balance += /[（(【〔]/.test(orig[k]) ? 1 : /[）)】〕]/.test(orig[k]) ? -1 : 0;
      // Trailing 。 and spaces go; a closing parenthesis only when it closes nothing in the name.
      while (b > a && (/[。.\s]/.test(orig[b - 1]) || (/[）)】〕]/.test(orig[b - 1]) && balance < 0))) {
        if (/[）)】〕]/.test(orig[b - 1])) balance++;
        b--;
      }
      let name = orig.slice(a, b);
      // 县生态环境分局等按职责分工负责, 省财政厅等部门: the list's closing words are not part of the name.
      const tail =
        /(?:等|等有关|等相关)(?:部门|单位)?(?:按照?职责分工|按职责|分别)?(?:负责|牵头|配合|落实|负责落实)?$|(?:按照?职责分工|按职责|分别)(?:负责|落实|负责落实)$/.exec(
          v.slice(a, b),
        );
      if (tail && tail.index > 0) name = name.slice(0, tail.index);
      // 责任单位：省交通运输厅（牵头）、省财政厅 — a role note after a name overrides the list's role.
      const note = /[（(](牵头|配合|协办|参与|负责)[）)]$/.exec(name);
      const own = note ? ROLE_OF[note[1]] : role;
      if (note) name = name.slice(0, note.index);
      if (name && name.length <= 40) out.push({ role: own, name, pos: s });
      s = i + 1;
    }
  }
}

/** Top-level balanced (…) groups, nested ones kept inside: [whole, inner] with index. */
function parenGroups(v: string): { 0: string; 1: string; index: number }[] {
  const out: { 0: string; 1: string; index: number }[] = [];
  let depth = 0;
  let open = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '(') {
      if (depth++ === 0) open = i;
    } else if (v[i] === ')' && depth > 0) {
      if (--depth === 0 && i - open <= 121) out.push({ 0: v.slice(open, i + 1), 1: v.slice(open + 1, i), index: open });
    }
  }
  return out;
}

/** True when the whole line is a 牵头单位：… style line. */
export function isUnitLine(viewLine: string): boolean {
  return /^\s*[(【〔[]?\s*(?:牵头|主办|主责|责任|配合|协办|参与|实施|负责|承办)(?:单位|部门|处室|处|主体)\s*[:：]/.test(viewLine);
}

/** Units named in view/orig[start, end). */
export function extractUnits(orig: string, view: string, start: number, end: number): UnitHit[] {
  // 【牵头单位：…】 and 〔…〕 notes read like parenthesised ones (same length, so offsets hold).
  const v = view
    .slice(start, end)
    .replace(/[【〔[]/g, '(')
    .replace(/[】〕\]]/g, ')');
  const out: UnitHit[] = [];
  if (!ANY_ROLE.test(v)) return out; // most text names no unit: skip the work
  const used: [number, number][] = []; // parenthesised notes already read
  // Parenthesised notes: （A牵头，B、C配合） or （责任单位：A）.
  for (const m of v.includes('(') ? parenGroups(v) : []) {
    const inner = m[1];
    if (!/牵头|配合|负责|责任|协办|参与|实施|落实/.test(inner)) continue;
    const innerStart = m.index + 1;
    const found: UnitHit[] = [];
    let c = 0;
    for (const clause of inner.split(/[,;]/)) {
      const cs = innerStart + c;
      c += clause.length + 1;
      const lm = /^\s*(牵头|主办|主责|责任|配合|协办|参与|实施|负责|承办)(?:单位|部门|处室|处|主体)\s*:\s*/.exec(clause);
      if (lm) {
        splitNames(orig, view, start + cs + lm[0].length, start + cs + clause.length, ROLE_OF[lm[1]], found);
        continue;
      }
      const vm = VERB_CLAUSE.exec(clause.trim());
      if (vm) {
        const lead = clause.length - clause.trimStart().length;
        splitNames(orig, view, start + cs + lead, start + cs + lead + vm[1].length, ROLE_OF[vm[2]], found);
      }
    }
    if (found.length) {
      out.push(...found);
      used.push([m.index, m.index + m[0].length]);
    }
  }
  // Role labels outside those notes: 牵头单位：A；配合单位：B、C
  if (!ROLE_LABEL_ANY.test(v)) return out;
  let rest = v;
  if (used.length) {
    const parts: string[] = [];
    let at = 0;
    for (const [a, b] of used) {
      parts.push(v.slice(at, a), ' '.repeat(b - a));
      at = b;
    }
    parts.push(v.slice(at));
    rest = parts.join('');
  }
  const labels = [...rest.matchAll(ROLE_LABEL)];
  labels.forEach((lm, i) => {
    const from = lm.index! + lm[0].length;
    let to = i + 1 < labels.length ? labels[i + 1].index! : rest.length;
    // The list ends at 。, a line break, or the next field of the line (；完成时限：…, ，时间节点：…).
    const stop = rest.slice(from, to).search(/[。\n]|[;,]\s*[\u4e00-\u9fff]{2,8}\s*:/);
    if (stop >= 0) to = from + stop;
    splitNames(orig, view, start + from, start + to, ROLE_OF[lm[1]], out);
  });
  return out;
}

/** Names in a table cell under a 责任单位/牵头单位 column: the column gives the role. */
export function cellUnits(orig: string, view: string, start: number, end: number, role: UnitRole): UnitHit[] {
  const out: UnitHit[] = [];
  splitNames(orig, view, start, end, role, out);
  return out;
}

export function toUnits(hits: UnitHit[]): Units | undefined {
  if (!hits.length) return undefined;
  const units: Units = {};
  for (const h of hits) {
    const list = (units[h.role] ??= []);
    if (!list.includes(h.name)) list.push(h.name);
  }
  return units;
}
