// Amounts written with a Chinese multiplier (12.5万, 3亿, 1.2千万元) in a figure cell (issue 12): converted
// when the target is an amount of money whose unit can take it (元, 万元, 亿元), with a note saying what
// was stored; refused with a clear message when the target is counted in anything else (公里, 个, %).
// Pure: the workbook upload applies it per cell; plain numbers are left to the rules (model/rules.ts).

const MULTIPLIERS: Record<string, number> = { 千: 1e3, 万: 1e4, 十万: 1e5, 百万: 1e6, 千万: 1e7, 亿: 1e8 };
/** What one unit of the target is worth in 元. */
const MONEY_UNITS: Record<string, number> = { 元: 1, 万元: 1e4, 亿元: 1e8 };
const PATTERN = /^([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(千万|百万|十万|千|万|亿)\s*(元)?$/;

export type AmountRead =
  | { kind: 'plain' } // no multiplier: read it as any number
  | { kind: 'converted'; value: number; note: string }
  | { kind: 'refused'; message: string };

const halfWidth = (s: string) => s.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

export function readAmount(raw: string, targetUnit: string): AmountRead {
  const text = halfWidth(raw.trim().replace(/[,，]/g, ''));
  const m = PATTERN.exec(text);
  if (!m) return { kind: 'plain' };
  const worth = MONEY_UNITS[targetUnit.trim()];
  if (worth === undefined) {
    const unit = targetUnit.trim() || '（无单位）';
    return {
      kind: 'refused',
      message: `“${raw.trim()}”带有“${m[2]}”这样的倍数，只有以元、万元、亿元计的金额指标才能换算；本指标的单位是“${unit}”，请直接填写以${unit}计的数值`,
    };
  }
  // toPrecision: 12.5 × 10⁴ / 10⁸ is 0.00125, not 0.0012500000000000002.
  const value = Number(((Number(m[1]) * MULTIPLIERS[m[2]]) / worth).toPrecision(12));
  return { kind: 'converted', value, note: `已将“${raw.trim()}”换算为${value}${targetUnit.trim()}` };
}
