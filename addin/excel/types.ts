// The Office.js surface the adapter relies on, typed loosely: @types/office-js is not installed and
// the in-memory fake (test/fakes/excel-fake.ts) implements the same subset.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type ExcelContext = any;

export interface ExcelApi {
  run<T>(cb: (ctx: ExcelContext) => Promise<T>): Promise<T>;
  run<T>(options: { delayForCellEdit?: boolean }, cb: (ctx: ExcelContext) => Promise<T>): Promise<T>;
}

/** window.Excel when running inside Office (or when a test injected the fake). */
export function hostExcel(): ExcelApi | undefined {
  return (globalThis as any).Excel;
}

/** Office errors carry a `code` (RichApi.Error) — the fake puts it in the message too. */
export function excelErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code) return e.code;
  return /^(\w+):/.exec(e?.message ?? '')?.[1];
}
