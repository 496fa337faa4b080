// File-level problems with an uploaded workbook: each is a 4xx with a code and a Chinese message, and
// nothing is stored. Cell-level problems are FieldErrors (model/errors.ts) with the cell's address.
import { AppError, type AppErrorCode, type FieldError } from '../../model/errors';

export interface CellError extends FieldError {
  cell: string; // "H12", on the sheet named in `sheet`
  sheet: string;
  row: number;
}

export class WorkbookError extends AppError {
  constructor(
    code: AppErrorCode,
    message: string,
    public status: 400 | 409 | 413 | 415 | 422 = 422,
    public errors: CellError[] = [],
    /** The uploaded workbook with the bad cells marked, when the problem is in cells. */
    public annotated?: Buffer,
    /** The uploaded file's name, when known (names the annotated copy). */
    public filename?: string,
  ) {
    super(code, status, message, undefined, errors);
  }
}

/** A cell the upload read but did not use as written: a locked (model) column changed in a program that
 *  ignores the sheet's protection (LOCKED_IGNORED), or an amount with a Chinese multiplier converted to
 *  the target's unit (AMOUNT_CONVERTED). Reported per cell, never silently (issue 12). */
export interface CellNotice {
  cell: string;
  sheet: string;
  row: number;
  field: string;
  code: 'LOCKED_IGNORED' | 'AMOUNT_CONVERTED';
  message: string;
}
