// Excel.run that waits for the user to leave cell-edit mode. While a cell is being edited, Office
// fails every batch with InvalidOperationInCellEditMode; delayForCellEdit (ExcelApi 1.11, above our
// 1.9) would instead hold the batch silently until Enter, so a button looks hung. We ask the user to
// press Enter and run the whole batch again: a failed batch applied nothing, and every adapter
// function re-reads what it needs (protection, sizes, state) at its start, so a re-run is safe.
import { excelErrorCode, type ExcelApi, type ExcelContext } from './types';

export const CELL_EDIT_WAIT = '请按 Enter（或 Tab）结束正在编辑的单元格，完成后将自动继续…';
export const CELL_EDIT_GAVE_UP = 'Excel 仍在编辑单元格：请按 Enter 结束编辑后，再点一次按钮';

export interface PatientOptions {
  /** Told the message while waiting, and null once the batch went through. */
  onWait?: (message: string | null) => void;
  /** How to wait between attempts (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
  /** Attempts before giving up (default: about two minutes). */
  tries?: number;
}

export class CellEditModeError extends Error {
  code = 'CELL_EDIT_MODE';
  constructor() {
    super(CELL_EDIT_GAVE_UP);
  }
}

export function patientExcel(excel: ExcelApi, opts: PatientOptions = {}): ExcelApi {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tries = opts.tries ?? 120;
  async function run<T>(a: unknown, b?: (ctx: ExcelContext) => Promise<T>): Promise<T> {
    const cb = (typeof a === 'function' ? a : b) as (ctx: ExcelContext) => Promise<T>;
    let waited = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await excel.run(cb);
        if (waited) opts.onWait?.(null);
        return result;
      } catch (err) {
        if (excelErrorCode(err) !== 'InvalidOperationInCellEditMode') throw err;
        if (attempt >= tries) {
          opts.onWait?.(null);
          throw new CellEditModeError();
        }
        waited = true;
        opts.onWait?.(CELL_EDIT_WAIT);
        await sleep(opts.intervalMs ?? 1000);
      }
    }
  }
  return { run } as ExcelApi;
}
