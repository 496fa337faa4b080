// How a target's comparator is written: one table of symbols and words for every reader of it (the
// add-in's 目标值 cell, the targets workbook's 比较 column) and one symbol for every writer.
import type { Target } from './plan';

export type Comparator = Target['comparator'];

/** The symbol shown for a comparator (the targets workbook's 比较, the sheet's ≥1000 / ≤50). */
export const COMPARATOR_SYMBOL: Record<Comparator, string> = { eq: '=', gte: '≥', lte: '≤' };

/** Every spelling accepted, longest first so ">=" is not read as "=". */
const SPELLINGS: [string, Comparator][] = [
  ['不低于', 'gte'],
  ['不少于', 'gte'],
  ['不超过', 'lte'],
  ['不高于', 'lte'],
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['≥', 'gte'],
  ['≤', 'lte'],
  ['=', 'eq'],
  ['＝', 'eq'],
];

/** A comparator written on its own ("≥", ">=", "不低于", "="), or null. */
export function parseComparator(text: unknown): Comparator | null {
  const t = String(text ?? '').trim();
  return SPELLINGS.find(([s]) => s === t)?.[1] ?? null;
}

/** A comparator that starts a text ("≥1000", "不超过 50"): the comparator and the text after it, or null. */
export function leadingComparator(text: string): { comparator: Comparator; rest: string } | null {
  const hit = SPELLINGS.find(([s]) => text.startsWith(s));
  return hit ? { comparator: hit[1], rest: text.slice(hit[0].length).trim() } : null;
}
