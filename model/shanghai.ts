// Calendar arithmetic in Asia/Shanghai: UTC+8 all year (China keeps no daylight saving time), so a
// fixed offset is exact and needs no time-zone database.
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The Shanghai calendar date of an instant, 'YYYY-MM-DD'. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai month of an instant, 'YYYY-MM'. */
export function shanghaiMonth(at: Date): string {
  return shanghaiDate(at).slice(0, 7);
}

/** The instant of `date` (YYYY-MM-DD) at hh:mm Shanghai time. */
export function shanghaiInstant(date: string, hour = 0, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hour, minute) - OFFSET_MS);
}

/** `date` moved by `days` calendar days (across month and year ends). */
export function addDays(date: string, days: number): string {
  return new Date(shanghaiInstant(date).getTime() + OFFSET_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from date a to date b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((shanghaiInstant(b).getTime() - shanghaiInstant(a).getTime()) / DAY_MS);
}
