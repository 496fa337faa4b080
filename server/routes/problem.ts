// JSON problem responses (RFC 9457 shape + our code and Chinese detail). Every error the API returns
// goes through here, so clients can rely on {status, code, detail, errors?} and never see a stack.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { AppError, type AppErrorCode } from '../../model/errors';
import { JsonValue } from '../../model/json-value';
import { FieldErrorDoc } from '../../model/sync';

export interface ProblemField {
  field?: string;
  cell?: string;
  code: string;
  message: string;
}

/** The problem response as the OpenAPI document describes it (every 4xx/5xx). */
export const ProblemDoc = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(), errors: z.array(FieldErrorDoc).optional() })
  .catchall(JsonValue) // RFC 9457 extensions (e.g. the workbook's annotated copy)
  .openapi('Problem');
/** A response entry for a problem status. */
export const Problem = (description: string) => ({ content: { 'application/problem+json': { schema: ProblemDoc } }, description });

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function problemBody(status: number, code: string, detail: string, errors?: ProblemField[]) {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, code, detail, ...(errors?.length ? { errors } : {}) };
}

/** `extra`: members a route adds to the problem (RFC 9457 extensions), e.g. the workbook's annotated copy. */
export function problem(c: Context, status: number, code: string, detail: string, errors?: ProblemField[], extra?: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ ...problemBody(status, code, detail, errors), ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  });
}

/** An AppError (model/errors.ts) written status first, as the routes throw it. */
export class HttpProblem extends AppError {
  constructor(status: number, code: AppErrorCode, detail: string, errors?: ProblemField[]) {
    super(code, status, detail, undefined, errors);
  }
}

const ZOD_CODES: Record<string, [string, string]> = {
  invalid_type: ['INVALID_TYPE', '类型不正确'],
  too_small: ['TOO_SMALL', '过短或过小'],
  too_big: ['TOO_BIG', '过长或过大'],
  invalid_format: ['INVALID_FORMAT', '格式不正确'],
  unrecognized_keys: ['UNKNOWN_FIELD', '包含未知字段'],
  invalid_value: ['INVALID_VALUE', '取值不在允许范围内'],
  invalid_union: ['INVALID_VALUE', '取值不正确'],
};

/** zod issues → field-level errors ("entries.3.baseVersion"). */
export function zodFields(error: ZodError): ProblemField[] {
  return error.issues.map((issue) => {
    const [code, message] = ZOD_CODES[issue.code] ?? ['INVALID', '不正确'];
    const keys = issue.code === 'unrecognized_keys' ? `：${(issue as { keys?: string[] }).keys?.join('、')}` : '';
    const field = issue.path.map(String).join('.') || '(body)';
    return { field, code, message: `${field} ${message}${keys}` };
  });
}
