// Validation of progress entries. The add-in, the workbook upload and the server all run this code,
// so a cell rejected in Excel is rejected on the server for the same reason and with the same words.
import { fieldError, type FieldError } from './errors';
import {
  EMPTY_PROGRESS,
  INPUT_FIELD,
  INPUT_KEYS,
  STATUSES,
  TEXT_LIMITS,
  type InputKey,
  type ProgressFields,
  type ProgressStatus,
  type ProgressValues,
  type TextKey,
} from './fields';

export interface RuleContext {
  /** The target the entry reports on; undefined for a task row without a figure. */
  target?: { unit: string };
  /** The entry as stored now (partial pushes are merged into it). */
  current?: ProgressValues;
  /** 累计完成 of the previous month, if reported. */
  previousCumulative?: number | null;
  periodClosed?: boolean;
}

export interface RuleResult {
  values: ProgressValues;
  errors: FieldError[];
}

const FULLWIDTH_DIGITS = /[０-９．，－]/g;

/** A cell or JSON value as a number: numbers as they are, numeric strings parsed, empty → null. */
export function readNumber(field: string, raw: unknown, errors: FieldError[]): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return (errors.push(fieldError(field, 'NOT_FINITE')), null);
    if (raw < 0) return (errors.push(fieldError(field, 'NEGATIVE')), null);
    return raw;
  }
  if (typeof raw !== 'string') return (errors.push(fieldError(field, 'NOT_A_NUMBER')), null);
  const text = raw
    .trim()
    .replace(FULLWIDTH_DIGITS, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/,/g, '');
  if (text === '') return null;
  if (text.startsWith('=')) return (errors.push(fieldError(field, 'FORMULA_NOT_ALLOWED')), null);
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    return (errors.push(fieldError(field, 'NOT_A_NUMBER', `“${raw.slice(0, 20)}”`)), null);
  }
  return readNumber(field, Number(text), errors);
}

function readText(field: TextKey, raw: unknown, errors: FieldError[]): string | null {
  if (raw === null || raw === undefined) return null;
  // Cells hold strings, numbers or booleans; anything else (objects from a hand-made request) is refused.
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return (errors.push(fieldError(field, 'NOT_TEXT')), null);
  const text = String(raw).trim();
  if (text === '') return null;
  const limit = TEXT_LIMITS[field];
  if ([...text].length > limit) errors.push(fieldError(field, 'TEXT_TOO_LONG', `最多${limit}字，现有${[...text].length}字`));
  return text;
}

function readStatus(raw: unknown, errors: FieldError[]): ProgressStatus | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if ((STATUSES as readonly unknown[]).includes(text)) return text as ProgressStatus;
  errors.push(fieldError('status', 'BAD_STATUS'));
  return null;
}

/** One field's cell or JSON value read by its kind (model/fields.ts), errors pushed onto `errors`. */
function readField<K extends InputKey>(key: K, raw: unknown, errors: FieldError[]): ProgressValues[K] {
  const kind = INPUT_FIELD[key].kind;
  if (kind === 'number') return readNumber(key, raw, errors) as ProgressValues[K];
  if (kind === 'status') return readStatus(raw, errors) as ProgressValues[K];
  return readText(key as TextKey, raw, errors) as ProgressValues[K];
}

/**
 * One input field as it would be stored, on its own (no rule across fields): what the add-in's diff and
 * the workbook upload compare with the snapshot / stored entry. An invalid value reads as null, with its errors.
 */
export function normalizeField<K extends InputKey>(key: K, raw: unknown): { value: ProgressValues[K]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value = readField(key, raw, errors);
  return { value, errors };
}

/**
 * Checks the fields a client sent, merged over what is stored, and returns the values to store.
 * Only fields present in `fields` change; `null` or '' clears one.
 */
export function validateProgress(fields: ProgressFields, ctx: RuleContext = {}): RuleResult {
  const errors: FieldError[] = [];
  const values: ProgressValues = { ...(ctx.current ?? EMPTY_PROGRESS) };

  if (ctx.periodClosed) return { values, errors: [fieldError('period', 'PERIOD_CLOSED')] };

  for (const k of INPUT_KEYS) if (k in fields) (values as Record<InputKey, unknown>)[k] = readField(k, fields[k], errors);

  if ('unit' in fields && fields.unit !== null && fields.unit !== undefined && String(fields.unit).trim() !== '') {
    const unit = String(fields.unit).trim();
    if (ctx.target && unit !== ctx.target.unit) errors.push(fieldError('unit', 'UNIT_MISMATCH', `应为“${ctx.target.unit}”`));
  }

  const failed = new Set(errors.map((e) => e.field));
  if (!failed.has('cumulative') && values.cumulative !== null && ctx.previousCumulative != null && values.cumulative < ctx.previousCumulative) {
    errors.push(fieldError('cumulative', 'CUMULATIVE_DECREASED', `上期累计${ctx.previousCumulative}`));
  }
  if (
    !failed.has('monthDone') &&
    !failed.has('cumulative') &&
    values.monthDone !== null &&
    values.cumulative !== null &&
    values.monthDone > values.cumulative
  ) {
    errors.push(fieldError('monthDone', 'MONTH_EXCEEDS_CUMULATIVE'));
  }
  if (values.status === '滞后') {
    if (!values.problems) errors.push(fieldError('problems', 'LAG_NEEDS_PROBLEM'));
    if (!values.nextSteps) errors.push(fieldError('nextSteps', 'LAG_NEEDS_NEXT_STEP'));
  }
  return { values, errors };
}

/** Whether 完成率 means anything for a target: a positive figure that is not itself a percentage. */
export function hasCompletionRate(target: { value: number; kind: string } | undefined): target is { value: number; kind: string } {
  return !!target && target.value > 0 && target.kind !== 'rate' && target.kind !== 'growth';
}

/** 完成率: 累计 over the target value, as a percentage; null where it has no meaning. */
export function completionRate(cumulative: number | null, target: { value: number; kind: string } | undefined): number | null {
  if (cumulative === null || !hasCompletionRate(target)) return null;
  return Math.round((cumulative / target.value) * 1000) / 10;
}
