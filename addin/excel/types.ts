// The Office.js surface the adapter relies on, typed by @types/office-js: tsc refuses a member that
// does not exist. The in-memory fake (test/fakes/excel-fake.ts) implements the subset the adapter uses
// (its classes are checked against the same types) and is handed in as an ExcelApi.
export type ExcelContext = Excel.RequestContext;

export interface ExcelApi {
  run<T>(cb: (ctx: Excel.RequestContext) => Promise<T>): Promise<T>;
}

/**
 * One number format for every cell of a range. Office.js applies a single value to all cells of the
 * range (Range.numberFormat: "If the argument is a single value, it will be applied to all cells"),
 * which @types/office-js does not express; sending one string instead of a 10,000×1 grid keeps requests small.
 */
export function everyCell(format: string): string[][] {
  return format as unknown as string[][];
}

/** window.Excel when running inside Office (or when a test injected the fake). */
export function hostExcel(): ExcelApi | undefined {
  return (globalThis as { Excel?: ExcelApi }).Excel;
}

/** Office errors carry a `code` (RichApi.Error) — the fake puts it in the message too. */
export function excelErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code) return e.code;
  return /^(\w+):/.exec(e?.message ?? '')?.[1];
}
