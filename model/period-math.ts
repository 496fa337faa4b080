// The month after a month (previousPeriod lives in model/progress.ts).
import type { PeriodId } from './progress';

export function nextPeriod(period: PeriodId): PeriodId {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * A month as an office types it in a cell: 2023-07, 2023-7, 2023/07, 2023年7月, or 7月 / 7 (the plan's
 * year). Null when it is none of these, so the caller can name the cell.
 */
export function readMonth(text: string, year: number | null): PeriodId | null {
  const s = text.trim().replace(/\s+/g, '');
  let m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s);
  const [y, mo] = m ? [Number(m[1]), Number(m[2])] : (m = /^(\d{1,2})月?$/.exec(s)) && year ? [year, Number(m[1])] : [NaN, NaN];
  if (!Number.isInteger(y) || !Number.isInteger(mo) || mo < 1 || mo > 12) return null;
  return `${y}-${String(mo).padStart(2, '0')}`;
}
