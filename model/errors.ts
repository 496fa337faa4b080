// Error codes with their Chinese messages. Every rejection the user sees carries one of these:
// the code for programs, the message for people, and the field or cell it is about.
export const ERROR_MESSAGES = {
  NOT_A_NUMBER: '请填写数字',
  NOT_TEXT: '请填写文字',
  NEGATIVE: '数值不能小于0',
  NOT_FINITE: '数值无效（不能是无穷大或非数字）',
  CELL_IS_DATE: 'Excel 把输入识别成了日期，不是数字', // model/number-format.ts (issue 12)
  CELL_IS_PERCENT: 'Excel 把输入识别成了百分比（数值已除以100），不是原数字',
  CUMULATIVE_DECREASED: '累计完成不能小于上期累计',
  CUMULATIVE_ABOVE_LATER: '累计完成不能大于以后月份已填报的累计', // issue 15: 累计 order whichever month is pushed first
  CO_LEAD_FIGURE: '配合单位只能填写进展情况、存在问题和下步计划；本月完成、累计完成和状态由牵头单位填报', // issue 10
  MONTH_EXCEEDS_CUMULATIVE: '本月完成不能大于累计完成',
  UNIT_MISMATCH: '单位与目标单位不一致',
  BAD_STATUS: '状态须为：未开始、推进中、已完成、滞后',
  LAG_NEEDS_PROBLEM: '状态为“滞后”时须填写存在问题',
  LAG_NEEDS_NEXT_STEP: '状态为“滞后”时须填写下步计划',
  TEXT_TOO_LONG: '文字过长',
  PERIOD_CLOSED: '该月份已关闭，不能再填报',
  UNKNOWN_KEY: '找不到该任务或指标',
  FORBIDDEN_TASK: '无权填报该任务（不是本单位牵头或配合的任务）',
  FORMULA_NOT_ALLOWED: '请填写数值，不能使用公式',
  DUPLICATE_ENTRY: '同一批次中该条目重复出现',
  UNKNOWN_PERIOD: '该计划没有这个月份',
  MERGED_CELL: '填报单元格不能合并，请取消合并后每行分别填写',
  DUPLICATE_ROW: '同一任务或指标在表中出现了两次',
  BAD_COMPARATOR: '比较方式须为：=、≥、≤',
  MAX_BELOW_VALUE: '目标区间上限不能小于下限',
  REQUIRED: '不能为空',
  BAD_TEXT: '含有无法保存的字符（空字符或不成对的代理项）',
  // issue 11: target revisions (调整目标)
  UNIT_CHANGE_UNCONFIRMED: '更改计量单位须确认换算关系（原单位、新单位、换算系数）',
  REVISION_ORDER: '调整的起始月份须晚于上一次调整的起始月份',
  REVISION_IN_CLOSED_MONTH: '起始月份已关闭（已通报），不能从该月起调整目标；请从未关闭的月份起调整',
  REASON_REQUIRED: '请填写调整原因',
  NO_CHANGE: '调整后的目标与当前目标相同',
  BAD_MONTH: '月份无法识别（请写成 2023-07 或 7月）',
  // issue 10: 序时进度 lights and submission
  LIGHT_NEEDS_PROBLEM: '完成率落后序时进度（黄灯/红灯）时须填写存在问题',
  LIGHT_NEEDS_NEXT_STEP: '完成率落后序时进度（黄灯/红灯）时须填写下步计划',
  BAD_PHONE: '联系电话格式不正确（5–30位数字，可含 + - 空格 括号）',
} as const;
export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface FieldError {
  field: string;
  code: ErrorCode;
  message: string;
}

export function fieldError(field: string, code: ErrorCode, detail?: string): FieldError {
  return { field, code, message: detail ? `${ERROR_MESSAGES[code]}（${detail}）` : ERROR_MESSAGES[code] };
}

/**
 * The codes an API error answers with besides the field codes above: what the add-in, the dashboard
 * and the office's screens switch on. Every AppError carries one of the two lists' codes (each code is
 * in one list only: test/model/app-error.test.ts); the compiler refuses any other.
 */
export const APP_ERROR_CODES = [
  // the request itself
  'VALIDATION_FAILED',
  'BAD_JSON',
  'BAD_REQUEST',
  'HTTP_ERROR',
  'BODY_TOO_LARGE',
  'INTERNAL',
  'BAD_REQUEST_ID',
  // who is asking
  'UNAUTHENTICATED',
  'BAD_TOKEN',
  'TOO_MANY_BAD_TOKENS',
  'FORBIDDEN',
  'FORBIDDEN_UNIT',
  // what is asked for
  'NOT_FOUND',
  'UNKNOWN_SNAPSHOT',
  'UNKNOWN_UNIT',
  'UNKNOWN_TOKEN',
  'UNKNOWN_TASK',
  'PREVIEW_NOT_FOUND',
  'NOT_DELETED',
  'PLAN_REQUIRED',
  'UNIT_REQUIRED',
  'NOT_A_UNIT_OF_PLAN',
  'BAD_PLAN',
  'CONFIRM_TITLE',
  'NO_NAME',
  'UNIT_EXISTS',
  // the office's console: units, assignments by number, 分工 table, re-import
  'SAME_UNIT',
  'AMBIGUOUS_TASK',
  'DUPLICATE_ID',
  'BAD_TABLE',
  // sync
  'BATCH_ID_REUSED',
  'BAD_CURSOR',
  // month: 报送, 退回, 关账, 问题台账, 催报
  'NOTHING_REPORTED',
  'ROWS_INVALID',
  'NOT_SUBMITTED',
  'ALREADY_CLOSED',
  'NOT_CLOSED',
  'NOTE_REQUIRED',
  'BAD_THRESHOLDS',
  'DUPLICATE_RULE',
  'BAD_KIND',
  'BAD_URL',
  // files: plan documents, workbooks, 佐证材料
  'IMPORTER_UNAVAILABLE',
  'IMPORT_FAILED',
  'EMPTY_DOCUMENT',
  'NO_STRUCTURE',
  'MULTIPART_REQUIRED',
  'NO_FILE',
  'EMPTY_FILE',
  'FILE_TOO_LARGE',
  'BAD_FILE_TYPE',
  'NOT_XLSX',
  'ZIP_BOMB',
  'TOO_MANY_ROWS',
  'TOO_MANY_CELLS',
  'NOT_A_QINGDAN',
  'NOT_A_TARGETS_WORKBOOK',
  'WRONG_PLAN',
  'WRONG_PERIOD',
  'BAD_CELLS',
  'STALE_TARGETS',
  'PREVIEW_MISMATCH',
  'NO_CHANGES',
  // the server's own pages
  'ADDIN_NOT_BUILT',
  'DASHBOARD_NOT_BUILT',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number] | ErrorCode;

/** One entry of a problem response's `errors`: the field (or cell) it is about. */
export interface ErrorDetail {
  field?: string;
  cell?: string;
  code: string;
  message: string;
}

/**
 * The one error a service or route throws to answer the client: the code programs switch on, the HTTP
 * status, the Chinese message, and the field it is about (or a list of them). server/app.ts's onError
 * turns it into a problem response; nothing here knows HTTP beyond the number.
 */
export class AppError extends Error {
  constructor(
    public code: AppErrorCode,
    public status: number,
    message: string,
    public field?: string,
    public errors?: ErrorDetail[],
  ) {
    super(message);
  }

  /** The problem's `errors`: the list given, else one entry for the field, else none. */
  details(): ErrorDetail[] | undefined {
    if (this.errors?.length) return this.errors;
    return this.field ? [{ field: this.field, code: this.code, message: this.message }] : undefined;
  }
}
