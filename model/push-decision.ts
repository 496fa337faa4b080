// Every rule of a progress push in one pure function (issue 8): the server (server/services/push.ts)
// loads a snapshot scoped to the batch's keys and writes what is accepted; the test fake
// (test/fakes/fake-api.ts) calls the same function over its in-memory rows, so the two cannot drift.
//
// Order of the checks, per entry: duplicate key in the batch → unknown key → forbidden task → unknown
// period → closed period → baseVersion conflict → validation (fields, 累计 against the previous and the
// later months, 滞后 / 序时进度 lights) → co-lead writing a figure.
import { fieldError, type FieldError } from './errors';
import { lightErrors, lightOf, type LightThresholds } from './lights';
import { EMPTY_PROGRESS, parseProgressKey, previousPeriod, type ProgressFields, type ProgressValues } from './progress';
import { completionRate, validateProgress } from './rules';
import type { TaskAssignment } from './sheet';
import type { PushEntry } from './sync';

export interface PushActor {
  role: 'admin' | 'reporter' | 'viewer';
  /** The reporter's unit name. */
  unit?: string | null;
}

export interface SnapshotItem {
  taskId: string;
  /** The target's figure (unit, value, kind) as it stands; undefined for a task row without a figure. */
  target?: { unit: string; value: number; kind: string };
  /** 调整目标 (issue 11): the value in force from a month on, oldest first; the latest fromPeriod ≤ period wins. */
  revisions?: readonly { fromPeriod: string | null; value: number }[];
}

export interface StoredRow {
  version: number;
  values: ProgressValues;
}

/** What the rules read, scoped to the batch: its items, their months' rows, the plan's periods. */
export interface PushSnapshot {
  items: ReadonlyMap<string, SnapshotItem>; // by item id
  who(taskId: string): TaskAssignment;
  periods: ReadonlyMap<string, 'open' | 'closed' | string>; // by YYYY-MM
  /** Stored rows by progress key: at least those storedScope names (the 累计 rules read the month before and the later ones). */
  stored: ReadonlyMap<string, StoredRow>;
  /** 序时进度 of a month (model/stats.ts timeProgress), for the lights; omitted → no light rule. */
  timeProgress?: (period: string) => number;
  lights?: LightThresholds;
}

/**
 * The stored rows decideEntries needs (a loader may give more): the batch's keys and the month before
 * each (`keys`), and for each item and month of the batch (`later`), among the item's stored rows in a
 * later month that is not itself in the batch, the one with the lowest 累计. The batch's own later months
 * count with the values the batch gives them, so the lowest of the rest is all 累计 order needs.
 */
export function storedScope(entries: readonly { key: string }[]): { keys: string[]; later: { itemId: string; period: string; batchMonths: string[] }[] } {
  const keys = new Set<string>();
  const monthsOf = new Map<string, string[]>();
  for (const e of entries) {
    const k = parseProgressKey(e.key);
    if (!k) continue;
    keys.add(e.key);
    keys.add(`${k.itemId}@${previousPeriod(k.period)}`);
    const months = monthsOf.get(k.itemId);
    if (!months) monthsOf.set(k.itemId, [k.period]);
    else if (!months.includes(k.period)) months.push(k.period);
  }
  const later: { itemId: string; period: string; batchMonths: string[] }[] = [];
  for (const [itemId, months] of monthsOf) for (const period of months) later.push({ itemId, period, batchMonths: months });
  return { keys: [...keys], later };
}

export type EntryDecision =
  | { key: string; outcome: 'accepted'; itemId: string; period: string; version: number; values: ProgressValues; old: StoredRow | null }
  | { key: string; outcome: 'conflict'; version: number; values: ProgressValues }
  | { key: string; outcome: 'rejected'; errors: FieldError[] };

/** Fields only the lead unit may write (issue 10, "who owns a figure"). */
export const LEAD_FIELDS = ['monthDone', 'cumulative', 'status'] as const;

/** lead: writes everything; co: texts only; none: may not report on the task. */
export function roleOf(who: TaskAssignment, unit: string): 'lead' | 'co' | 'none' {
  if (who.lead.includes(unit)) return 'lead';
  if (who.co.includes(unit)) return who.lead.length ? 'co' : 'lead'; // no lead unit: nobody's figure to overwrite
  return 'none';
}

function targetValue(item: SnapshotItem, period: string): { value: number; kind: string } | undefined {
  if (!item.target) return undefined;
  let value = item.target.value;
  let best: string | null = null;
  for (const r of item.revisions ?? []) {
    const from = r.fromPeriod ?? '';
    if (from <= period && (best === null || from >= best)) {
      best = from;
      value = r.value;
    }
  }
  return { value, kind: item.target.kind };
}

/**
 * 累计 by item and month: the stored rows, and over them this batch's accepted values (both 累计 orders
 * read them). Kept per item so that the later months of an entry are the item's few rows, not a key
 * built and looked up for every month of the plan (issue 13: a 150-entry push did 1,800 of those).
 */
class Cumulatives {
  private readonly byItem = new Map<string, Map<string, number | null>>();

  constructor(
    stored: ReadonlyMap<string, StoredRow>,
    private readonly periods: ReadonlyMap<string, unknown>,
  ) {
    for (const [key, row] of stored) {
      const k = parseProgressKey(key);
      if (k) this.set(k.itemId, k.period, row.values.cumulative);
    }
  }

  set(itemId: string, period: string, cumulative: number | null): void {
    const months = this.byItem.get(itemId);
    if (months) months.set(period, cumulative);
    else this.byItem.set(itemId, new Map([[period, cumulative]]));
  }

  of(itemId: string, period: string): number | null | undefined {
    return this.byItem.get(itemId)?.get(period);
  }

  /** The lowest 累计 reported in one of the plan's months after `period`. */
  laterMinimum(itemId: string, period: string): { value: number; period: string } | null {
    let best: { value: number; period: string } | null = null;
    for (const [p, c] of this.byItem.get(itemId) ?? []) {
      if (p <= period || c == null || !this.periods.has(p)) continue;
      if (best === null || c < best.value || (c === best.value && p < best.period)) best = { value: c, period: p };
    }
    return best;
  }
}

export function decideEntries(entries: readonly PushEntry[], snapshot: PushSnapshot, actor: PushActor): EntryDecision[] {
  const seen = new Set<string>();
  // This batch's accepted values count as stored for the rules of its later entries (both 累计 orders).
  const cumulatives = new Cumulatives(snapshot.stored, snapshot.periods);
  const timeProgressOf = new Map<string, number>(); // one per month of the batch, not one per entry

  return entries.map((entry): EntryDecision => {
    const reject = (code: FieldError['code'], field = 'key', detail?: string): EntryDecision => ({
      key: entry.key,
      outcome: 'rejected',
      errors: [fieldError(field, code, detail)],
    });
    if (seen.has(entry.key)) return reject('DUPLICATE_ENTRY');
    seen.add(entry.key);
    const key = parseProgressKey(entry.key);
    const item = key && snapshot.items.get(key.itemId);
    if (!key || !item) return reject('UNKNOWN_KEY');
    let role: 'lead' | 'co' | 'none' = 'lead';
    if (actor.role === 'reporter') role = roleOf(snapshot.who(item.taskId), actor.unit ?? '');
    else if (actor.role !== 'admin') role = 'none';
    if (role === 'none') return reject('FORBIDDEN_TASK', 'task'); // 'task': the add-in marks the 任务 cell
    const status = snapshot.periods.get(key.period);
    if (!status) return reject('UNKNOWN_PERIOD', 'period');
    const current = snapshot.stored.get(entry.key) ?? null;
    const currentVersion = current?.version ?? 0;
    // A closed month refuses whatever the version (validateProgress answers PERIOD_CLOSED).
    if (entry.baseVersion !== currentVersion && status !== 'closed') {
      return { key: entry.key, outcome: 'conflict', version: currentVersion, values: current ? current.values : { ...EMPTY_PROGRESS } };
    }
    const { values, errors } = validateProgress(entry.fields as ProgressFields, {
      target: item.target ? { unit: item.target.unit } : undefined,
      current: current?.values,
      previousCumulative: cumulatives.of(key.itemId, previousPeriod(key.period)) ?? null,
      periodClosed: status === 'closed',
    });
    if (status !== 'closed') {
      const failed = new Set(errors.map((e) => e.field));
      // 累计 never falls from one month to the next, whichever month is pushed first (issue 15).
      const later = values.cumulative !== null && !failed.has('cumulative') ? cumulatives.laterMinimum(key.itemId, key.period) : null;
      if (later && values.cumulative! > later.value) errors.push(fieldError('cumulative', 'CUMULATIVE_ABOVE_LATER', `${later.period}累计${later.value}`));
      if (snapshot.timeProgress) {
        const target = targetValue(item, key.period);
        let time = timeProgressOf.get(key.period);
        if (time === undefined) timeProgressOf.set(key.period, (time = snapshot.timeProgress(key.period)));
        const light = lightOf({ rate: completionRate(values.cumulative, target), target, values }, time, snapshot.lights);
        errors.push(...lightErrors(light, values));
      }
      if (role === 'co') {
        const before = current?.values ?? EMPTY_PROGRESS;
        for (const f of LEAD_FIELDS) if (values[f] !== before[f]) errors.push(fieldError(f, 'CO_LEAD_FIGURE'));
      }
    }
    if (errors.length) return { key: entry.key, outcome: 'rejected', errors };
    cumulatives.set(key.itemId, key.period, values.cumulative);
    return { key: entry.key, outcome: 'accepted', itemId: key.itemId, period: key.period, version: currentVersion + 1, values, old: current };
  });
}
