// The month after a month (previousPeriod lives in model/progress.ts).
import type { PeriodId } from './progress';

export function nextPeriod(period: PeriodId): PeriodId {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
