// Issue 10 pure rules: submission status and deadline (Asia/Shanghai), reminder occurrences across
// month and year ends, 序时进度 lights, ledger derivation and counts.
import { describe, expect, it } from 'vitest';
import { countdown, contactErrors, isLate, lateFrom, submissionBlockers, submissionStatus } from '../../model/submission';
import { currentOccurrence, dueReminders, DEFAULT_RULES, reminderText } from '../../model/reminders';
import { DEFAULT_LIGHTS, lightErrors, lightOf } from '../../model/lights';
import { deriveLedgerItems, ledgerCounts, ledgerDue, openAt } from '../../model/ledger';
import { addDays, shanghaiDate } from '../../model/shanghai';
import { buildRows, type ItemRow } from '../../model/sheet';
import { samplePlan } from '../helpers/plan';

const at = (iso: string) => new Date(iso);

describe('submission status against the deadline (Asia/Shanghai)', () => {
  it('23:59 on the 28th is on time; 00:01 on the 29th is 逾期', () => {
    expect(submissionStatus({ reportedRows: 3, submittedAt: at('2024-03-28T23:59:00+08:00') }, '2024-03-28')).toBe('已报送');
    expect(submissionStatus({ reportedRows: 3, submittedAt: at('2024-03-29T00:01:00+08:00') }, '2024-03-28')).toBe('逾期报送');
    // 00:01 on the 29th Shanghai is still the 28th in UTC: the rule is Shanghai's day, not the server's.
    expect(isLate(at('2024-03-28T16:01:00Z'), '2024-03-28')).toBe(true);
    expect(isLate(at('2024-03-28T15:59:59Z'), '2024-03-28')).toBe(false);
  });
  it('year end: December due 12-28 → late from 2024-12-29 00:00 Shanghai; per-plan day 31 in December', () => {
    expect(lateFrom('2024-12-28').toISOString()).toBe('2024-12-28T16:00:00.000Z');
    expect(lateFrom('2024-12-31').toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(submissionStatus({ reportedRows: 1, submittedAt: at('2025-01-01T00:01:00+08:00') }, '2024-12-31')).toBe('逾期报送');
    expect(submissionStatus({ reportedRows: 1, submittedAt: at('2024-12-31T23:59:00+08:00') }, '2024-12-31')).toBe('已报送');
  });
  it('未填报 without rows, 填报中 with rows and no (or a returned) submission', () => {
    expect(submissionStatus({ reportedRows: 0 }, '2024-03-28')).toBe('未填报');
    expect(submissionStatus({ reportedRows: 2, submittedAt: null }, '2024-03-28')).toBe('填报中');
  });
  it('countdown before and after the deadline', () => {
    expect(countdown(at('2024-03-26T22:00:00+08:00'), '2024-03-28')).toMatchObject({ label: '距截止还有2天2小时' });
    expect(countdown(at('2024-03-29T00:30:00+08:00'), '2024-03-28').label).toBe('已逾期30分');
    expect(countdown(at('2024-03-29T00:30:00+08:00'), '2024-03-28').ms).toBe(-30 * 60_000);
  });
  it('contact: all three fields required, phone checked', () => {
    expect(contactErrors({ reporter: '张三', phone: '0871-6543210', reviewer: '李四' })).toEqual([]);
    const errs = contactErrors({ reporter: ' ', phone: 'abc', reviewer: undefined });
    expect(errs.map((e) => `${e.field}:${e.code}`)).toEqual(['reporter:REQUIRED', 'reviewer:REQUIRED', 'phone:BAD_PHONE']);
  });
});

describe('Shanghai calendar', () => {
  it('adds days across month and year ends, and reads dates in UTC+8', () => {
    expect(addDays('2024-12-28', 4)).toBe('2025-01-01');
    expect(addDays('2025-01-02', -3)).toBe('2024-12-30');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(shanghaiDate(at('2024-12-31T16:30:00Z'))).toBe('2025-01-01');
  });
});

describe('reminder rules', () => {
  const [before3, onDay, overdue] = DEFAULT_RULES;
  it('−3 days fires at 09:00 Shanghai three days before, once; not before 09:00, not a day later', () => {
    expect(currentOccurrence(before3, '2024-03-28', at('2024-03-25T08:59:00+08:00'))).toBeNull();
    expect(currentOccurrence(before3, '2024-03-28', at('2024-03-25T09:00:00+08:00'))?.key).toBe('before-3@2024-03-25');
    expect(currentOccurrence(before3, '2024-03-28', at('2024-03-26T09:00:00+08:00'))).toBeNull();
  });
  it('a deadline on the 2nd: −3 days falls in the previous month and year', () => {
    expect(currentOccurrence(before3, '2025-01-02', at('2024-12-30T10:00:00+08:00'))?.key).toBe('before-3@2024-12-30');
  });
  it('overdue repeats daily from the day after, across December → January, up to maxDays', () => {
    const keys = ['2024-12-29', '2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02'].map(
      (d) => currentOccurrence(overdue, '2024-12-28', at(`${d}T09:30:00+08:00`))?.key,
    );
    expect(keys).toEqual(['overdue@2024-12-29', 'overdue@2024-12-30', 'overdue@2024-12-31', 'overdue@2025-01-01', 'overdue@2025-01-02']);
    expect(currentOccurrence(overdue, '2024-12-28', at('2025-01-01T09:30:00+08:00'))?.offsetDays).toBe(4);
    expect(currentOccurrence(overdue, '2024-12-28', at('2025-01-08T09:30:00+08:00'))).toBeNull(); // 11th day
    expect(currentOccurrence(onDay, '2024-12-28', at('2024-12-28T09:00:00+08:00'))?.key).toBe('on-day@2024-12-28');
  });
  it('only units that owe the report, only open months', () => {
    const due = dueReminders(
      [
        {
          period: '2024-03',
          deadline: '2024-03-28',
          status: 'open',
          units: [
            { unit: 'A', status: '未填报' },
            { unit: 'B', status: '已报送' },
            { unit: 'C', status: '填报中' },
          ],
        },
        { period: '2024-02', deadline: '2024-03-28', status: 'closed', units: [{ unit: 'A', status: '未填报' }] },
      ],
      DEFAULT_RULES,
      at('2024-03-28T09:10:00+08:00'),
    );
    expect(due.map((d) => `${d.period}/${d.unit}/${d.key}`)).toEqual(['2024-03/A/on-day@2024-03-28', '2024-03/C/on-day@2024-03-28']);
    expect(reminderText({ planTitle: 'P', period: '2024-03', deadline: '2024-03-28', unit: 'A', offsetDays: 2, status: '未填报' })).toContain('已逾期2天');
  });
});

describe('序时进度 lights', () => {
  const row = (rate: number | null, kind = 'amount', status: string | null = null) => ({ rate, target: { kind }, values: { status: status as never } });
  it('default 10/30 points behind: green, yellow, red; levels/rates and 已完成 get none', () => {
    expect(lightOf(row(41), 50)).toBe('green');
    expect(lightOf(row(40), 50)).toBe('yellow');
    expect(lightOf(row(21), 50)).toBe('yellow');
    expect(lightOf(row(20), 50)).toBe('red');
    expect(lightOf(row(20, 'rate'), 50)).toBeNull();
    expect(lightOf(row(20, 'amount', '已完成'), 50)).toBeNull();
    expect(lightOf(row(40), 50, { yellow: 5, red: 8 })).toBe('red');
  });
  it('yellow/red need 存在问题 and 下步计划', () => {
    expect(lightErrors('red', { problems: null, nextSteps: null }).map((e) => e.code)).toEqual(['LIGHT_NEEDS_PROBLEM', 'LIGHT_NEEDS_NEXT_STEP']);
    expect(lightErrors('yellow', { problems: '缺资金', nextSteps: '争取专项债' })).toEqual([]);
    expect(lightErrors('green', { problems: null, nextSteps: null })).toEqual([]);
  });
  it('submission blockers: a red row without 存在问题 blocks, with it does not', () => {
    const plan = samplePlan({ year: 2024 });
    const rows = (problems: string | null) =>
      buildRows(plan, {
        period: '2024-06',
        unit: '建设管理处',
        entries: new Map([
          ['t1-m1@2024-06', { version: 1, values: { monthDone: 1, cumulative: 5, status: '推进中', progress: 'x', problems, nextSteps: '加快' } }],
        ]),
      }).filter((r): r is ItemRow => r.kind === 'item');
    const blockers = submissionBlockers(rows(null), { timeProgress: 50, lights: DEFAULT_LIGHTS });
    expect(blockers.map((b) => `${b.field}:${b.code}`)).toEqual(['rows.t1-m1.problems:LIGHT_NEEDS_PROBLEM']);
    expect(submissionBlockers(rows('征地'), { timeProgress: 50, lights: DEFAULT_LIGHTS })).toEqual([]);
  });
});

describe('ledger', () => {
  const plan = samplePlan({ year: 2024 });
  const rowsOf = (period: string, problems: Record<string, string | null>, nextSteps = '下月解决') =>
    buildRows(plan, {
      period,
      entries: new Map(
        Object.entries(problems).map(([id, p]) => [
          `${id}@${period}`,
          { version: 1, values: { monthDone: null, cumulative: null, status: '推进中' as const, progress: null, problems: p, nextSteps } },
        ]),
      ),
    })
      .filter((r): r is ItemRow => r.kind === 'item')
      .map((r) => ({ ...r, updatedBy: '建设管理处#3' }));
  it('one item per row and text; the same text next month keeps May as raisedIn and refreshes 整改措施', () => {
    const items = deriveLedgerItems([
      { period: '2024-06', rows: rowsOf('2024-06', { 't1-m1': '征地  拆迁滞后', t2: '资金缺口' }, '六月措施') },
      { period: '2024-05', rows: rowsOf('2024-05', { 't1-m1': '征地 拆迁滞后', t2: null }, '五月措施') },
    ]);
    expect(items).toHaveLength(2);
    const land = items.find((i) => i.itemId === 't1-m1')!;
    expect(land).toMatchObject({
      raisedIn: '2024-05',
      lastSeenIn: '2024-06',
      measures: '六月措施',
      unit: '建设管理处',
      owner: '建设管理处',
      due: '2024-06-30',
      text: '征地 拆迁滞后',
    });
    expect(items.find((i) => i.itemId === 't2')!.raisedIn).toBe('2024-06');
  });
  it('counts: new, closed, open (carried forward), overdue; December → January', () => {
    expect(ledgerDue('2024-12')).toBe('2025-01-31');
    const items = [
      { raisedIn: '2024-05', due: ledgerDue('2024-05'), status: 'open' as const, closedIn: null },
      { raisedIn: '2024-06', due: ledgerDue('2024-06'), status: 'closed' as const, closedIn: '2024-06' },
      { raisedIn: '2024-06', due: ledgerDue('2024-06'), status: 'closed' as const, closedIn: '2024-07' },
    ];
    expect(openAt(items[0], '2024-06')).toBe(true);
    expect(openAt(items[2], '2024-06')).toBe(true);
    expect(ledgerCounts(items, '2024-06')).toEqual({ period: '2024-06', new: 2, closed: 1, open: 2, overdue: 0 });
    expect(ledgerCounts(items, '2024-07')).toEqual({ period: '2024-07', new: 0, closed: 1, open: 1, overdue: 1 });
    const dec = [{ raisedIn: '2024-12', due: ledgerDue('2024-12'), status: 'open' as const, closedIn: null }];
    expect(ledgerCounts(dec, '2025-01')).toMatchObject({ open: 1, overdue: 0 });
    expect(ledgerCounts(dec, '2025-02')).toMatchObject({ open: 1, overdue: 1 });
  });
});
