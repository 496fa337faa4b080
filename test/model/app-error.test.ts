// One error type (issue 8): AppError carries code, status, message and field; the server's problem
// responses are built from it (test/server/*.test.ts assert the statuses and codes end to end).
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, AppError, ERROR_MESSAGES } from '../../model/errors';
import { HttpProblem } from '../../server/routes/problem';
import { AssignmentError, NotFoundError } from '../../server/services/plans';
import { ImportFailed } from '../../server/services/import';
import { WorkbookError } from '../../server/workbook/errors';

describe('AppError', () => {
  it('one field → one detail; a list wins; neither → none', () => {
    expect(new AppError('UNKNOWN_TASK', 400, '找不到任务：t9', 'assignments.0.taskId').details()).toEqual([
      { field: 'assignments.0.taskId', code: 'UNKNOWN_TASK', message: '找不到任务：t9' },
    ]);
    const list = [{ field: 'unit', code: 'REQUIRED', message: '不能为空' }];
    expect(new AppError('UNIT_REQUIRED', 400, '请指定报送单位（unit）', 'ignored', list).details()).toBe(list);
    expect(new AppError('NOT_FOUND', 404, '找不到计划：p').details()).toBeUndefined();
  });

  it("the server's errors are AppErrors with the status each answered with before", () => {
    const cases: [AppError, number, string][] = [
      [new HttpProblem(409, 'UNIT_EXISTS', '单位已存在：甲'), 409, 'UNIT_EXISTS'],
      [new NotFoundError('找不到计划：p'), 404, 'NOT_FOUND'],
      [new AssignmentError('UNKNOWN_UNIT', '找不到单位：乙', 'assignments.0.lead'), 400, 'UNKNOWN_UNIT'],
      [new ImportFailed('IMPORTER_UNAVAILABLE', '文档导入模块不可用'), 503, 'IMPORTER_UNAVAILABLE'],
      [new ImportFailed('NOT_TEXT', '无法识别文件内容'), 400, 'NOT_TEXT'],
      [new WorkbookError('NOT_XLSX', '不是 .xlsx 文件', 415), 415, 'NOT_XLSX'],
      [new WorkbookError('BAD_CELLS', '有单元格不符合要求'), 422, 'BAD_CELLS'],
    ];
    for (const [err, status, code] of cases) {
      expect(err).toBeInstanceOf(AppError);
      expect({ status: err.status, code: err.code }).toEqual({ status, code });
    }
  });

  it('each code is listed once: no repeats, none also among the field codes', () => {
    expect(new Set(APP_ERROR_CODES).size).toBe(APP_ERROR_CODES.length);
    expect(APP_ERROR_CODES.filter((c) => c in ERROR_MESSAGES)).toEqual([]);
  });
});
