// 问题台账 in storage (issue 10). Items are derived set-based from progress.problems on each read
// (refreshLedger: one upsert keyed by plan + model/ledger.ts ledgerKey) rather than hooked into the
// push path, so every way a 存在问题 arrives (task pane, workbook, API) opens an item the same way.
// Clearing a 存在问题 later does not remove the item: it is closed only by 销号 with a note.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { deriveLedgerItems, ledgerCounts, openAt, type LedgerCloseResult, type LedgerCounts, type LedgerItemView } from '../../model/ledger';

export type { LedgerItemView } from '../../model/ledger';
import type { PeriodId } from '../../model/progress';
import { buildRows, type ItemRow } from '../../model/sheet';
import { shanghaiMonth } from '../../model/shanghai';
import type { Actor } from '../auth/tokens';
import type { Db } from '../db/connect';
import { audit, ledgerEvidence, ledgerItems, progress } from '../db/schema';
import { HttpProblem } from '../routes/problem';
import { loadAssignments, loadPlan } from './plans';

const CHUNK = 1000;

/** Opens items for new 存在问题 texts and refreshes 整改措施 / last month of known ones. Returns how many opened. */
export async function refreshLedger(db: Db, planId: string): Promise<number> {
  const plan = await loadPlan(db, planId);
  const assignments = await loadAssignments(db, planId);
  const stored = await db
    .select({ itemId: progress.itemId, period: progress.period, problems: progress.problems, nextSteps: progress.nextSteps, updatedBy: progress.updatedBy })
    .from(progress)
    .where(and(eq(progress.planId, planId), sql`coalesce(btrim(${progress.problems}), '') <> ''`));
  if (!stored.length) return 0;
  // Row metadata (task, number, lead) once, from the plan; values per month from the stored entries.
  const meta = new Map<string, ItemRow>();
  for (const r of buildRows(plan, { period: stored[0].period, assignments })) if (r.kind === 'item') meta.set(r.itemId, r);
  const byPeriod = new Map<string, (ItemRow & { updatedBy: string })[]>();
  for (const s of stored) {
    const m = meta.get(s.itemId);
    if (!m) continue; // an entry for an item no longer in the plan
    if (!byPeriod.has(s.period)) byPeriod.set(s.period, []);
    byPeriod.get(s.period)!.push({ ...m, values: { ...m.values, problems: s.problems, nextSteps: s.nextSteps }, updatedBy: s.updatedBy });
  }
  // Only new items and changed ones travel to the database: a read after no change writes nothing.
  const known = new Map(
    (
      await db
        .select({ key: ledgerItems.key, measures: ledgerItems.measures, lastSeenIn: ledgerItems.lastSeenIn, task: ledgerItems.task, owner: ledgerItems.owner })
        .from(ledgerItems)
        .where(eq(ledgerItems.planId, planId))
    ).map((k) => [k.key, k]),
  );
  const derived = deriveLedgerItems([...byPeriod].map(([period, rows]) => ({ period, rows }))).filter((d) => {
    const k = known.get(d.key);
    return !k || k.measures !== d.measures || k.lastSeenIn < d.lastSeenIn || k.task !== d.task || k.owner !== d.owner;
  });
  let opened = 0;
  for (let i = 0; i < derived.length; i += CHUNK) {
    const chunk = derived.slice(i, i + CHUNK);
    await db.transaction(async (tx) => {
      const rows = await tx
        .insert(ledgerItems)
        .values(
          chunk.map((d) => ({
            planId,
            key: d.key,
            itemId: d.itemId,
            taskId: d.taskId,
            task: d.task,
            unit: d.unit,
            owner: d.owner,
            text: d.text,
            measures: d.measures,
            raisedIn: d.raisedIn,
            lastSeenIn: d.lastSeenIn,
            due: d.due,
          })),
        )
        .onConflictDoUpdate({
          target: [ledgerItems.planId, ledgerItems.key],
          set: {
            measures: sql`excluded.measures`,
            lastSeenIn: sql`greatest(${ledgerItems.lastSeenIn}, excluded.last_seen_in)`,
            task: sql`excluded.task`,
            owner: sql`excluded.owner`,
          },
          setWhere: sql`${ledgerItems.measures} is distinct from excluded.measures or ${ledgerItems.lastSeenIn} < excluded.last_seen_in or ${ledgerItems.task} <> excluded.task or ${ledgerItems.owner} <> excluded.owner`,
        })
        .returning({ id: ledgerItems.id, inserted: sql<boolean>`(xmax = 0)`, text: ledgerItems.text, raisedIn: ledgerItems.raisedIn, unit: ledgerItems.unit });
      const fresh = rows.filter((r) => r.inserted);
      opened += fresh.length;
      if (fresh.length) {
        await tx.insert(audit).values(
          fresh.map((r) => ({
            planId,
            entity: 'ledger',
            entityId: String(r.id),
            action: 'open',
            actor: 'system:ledger',
            new: { text: r.text, raisedIn: r.raisedIn, unit: r.unit },
          })),
        );
      }
    });
  }
  return opened;
}

export type LedgerRow = typeof ledgerItems.$inferSelect;

function view(r: LedgerRow, evidence: LedgerItemView['evidence'], today: string): LedgerItemView {
  return {
    id: r.id,
    status: r.status as 'open' | 'closed',
    text: r.text,
    task: r.task,
    taskId: r.taskId,
    itemId: r.itemId,
    unit: r.unit,
    owner: r.owner,
    raisedIn: r.raisedIn,
    lastSeenIn: r.lastSeenIn,
    measures: r.measures,
    due: r.due,
    overdue: r.status === 'open' && r.due < today,
    closedAt: r.closedAt?.toISOString() ?? null,
    closedBy: r.closedBy,
    closeNote: r.closeNote,
    reviewNote: r.reviewNote,
    evidence,
  };
}

export interface LedgerFilter {
  status?: 'open' | 'closed';
  unit?: string; // the reporting or owning unit
  /** Items open at the end of this month or raised/closed in it (what the month's 通报 and task pane show). */
  period?: PeriodId;
}

/** The plan's ledger (refreshed first), filtered. */
export async function listLedger(db: Db, planId: string, filter: LedgerFilter = {}, now = new Date()): Promise<LedgerItemView[]> {
  await refreshLedger(db, planId);
  const rows = await db.select().from(ledgerItems).where(eq(ledgerItems.planId, planId)).orderBy(asc(ledgerItems.raisedIn), asc(ledgerItems.id));
  const ids = rows.map((r) => r.id);
  const ev = ids.length
    ? await db
        .select({
          id: ledgerEvidence.id,
          itemId: ledgerEvidence.ledgerItemId,
          name: ledgerEvidence.name,
          contentType: ledgerEvidence.contentType,
          size: ledgerEvidence.size,
        })
        .from(ledgerEvidence)
        .where(inArray(ledgerEvidence.ledgerItemId, ids))
    : [];
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return rows
    .filter((r) => !filter.status || r.status === filter.status)
    .filter((r) => !filter.unit || r.unit === filter.unit || r.owner.split('、').includes(filter.unit))
    .filter((r) => !filter.period || openAt(state(r), filter.period) || r.raisedIn === filter.period || r.closedIn === filter.period)
    .map((r) =>
      view(
        r,
        ev.filter((e) => e.itemId === r.id).map(({ itemId: _, ...e }) => e),
        today,
      ),
    );
}

const state = (r: LedgerRow) => ({ raisedIn: r.raisedIn, due: r.due, status: r.status as 'open' | 'closed', closedIn: r.closedIn });

/** The 通报's ledger figures for a month: new, closed, open (carried forward), overdue. */
export async function ledgerCountsFor(db: Db, planId: string, period: PeriodId): Promise<LedgerCounts> {
  await refreshLedger(db, planId);
  const rows = await db.select().from(ledgerItems).where(eq(ledgerItems.planId, planId));
  return ledgerCounts(rows.map(state), period);
}

async function itemOf(db: Db, planId: string, id: number): Promise<LedgerRow> {
  const [r] = await db
    .select()
    .from(ledgerItems)
    .where(and(eq(ledgerItems.planId, planId), eq(ledgerItems.id, id)));
  if (!r) throw new HttpProblem(404, 'NOT_FOUND', `找不到问题台账条目 ${id}`);
  return r;
}

/** 佐证材料 types: the declared type must agree with the file's first bytes. */
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
const EVIDENCE_TYPES: { type: string; ext: RegExp; magic: number[] }[] = [
  { type: 'application/pdf', ext: /\.pdf$/i, magic: [0x25, 0x50, 0x44, 0x46] },
  { type: 'image/png', ext: /\.png$/i, magic: [0x89, 0x50, 0x4e, 0x47] },
  { type: 'image/jpeg', ext: /\.jpe?g$/i, magic: [0xff, 0xd8, 0xff] },
  { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: /\.docx$/i, magic: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: /\.xlsx$/i, magic: [0x50, 0x4b, 0x03, 0x04] },
];

export interface Evidence {
  name: string;
  type: string;
  bytes: Buffer;
}

export function checkEvidence(e: Evidence): string {
  if (e.bytes.length === 0)
    throw new HttpProblem(400, 'EMPTY_FILE', '佐证材料为空文件', [{ field: 'evidence', code: 'EMPTY_FILE', message: '佐证材料为空文件' }]);
  if (e.bytes.length > EVIDENCE_MAX_BYTES)
    throw new HttpProblem(413, 'FILE_TOO_LARGE', `佐证材料不能超过 ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB`, [
      { field: 'evidence', code: 'FILE_TOO_LARGE', message: '文件过大' },
    ]);
  const kind = EVIDENCE_TYPES.find((k) => k.ext.test(e.name) && k.magic.every((b, i) => e.bytes[i] === b));
  if (!kind)
    throw new HttpProblem(415, 'BAD_FILE_TYPE', '佐证材料须为 PDF、PNG、JPG、DOCX 或 XLSX 文件（按文件内容检查）', [
      { field: 'evidence', code: 'BAD_FILE_TYPE', message: '文件类型不允许' },
    ]);
  return kind.type;
}

function mayClose(actor: Actor, r: LedgerRow): boolean {
  if (actor.role === 'admin') return true;
  const unit = actor.role === 'reporter' ? actor.unit?.name : undefined;
  return !!unit && (r.unit === unit || r.owner.split('、').includes(unit));
}

/** 销号: closes an open item with a note (required) and an optional 佐证材料 file, in one transaction. */
export async function closeLedgerItem(
  db: Db,
  actor: Actor,
  planId: string,
  id: number,
  input: { note?: unknown; evidence?: Evidence | null },
  now = new Date(),
): Promise<LedgerCloseResult> {
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (!note) throw new HttpProblem(400, 'NOTE_REQUIRED', '销号须说明问题是如何解决的', [{ field: 'note', code: 'REQUIRED', message: '销号说明不能为空' }]);
  if ([...note].length > 1000)
    throw new HttpProblem(400, 'TEXT_TOO_LONG', '销号说明最多1000字', [{ field: 'note', code: 'TEXT_TOO_LONG', message: '最多1000字' }]);
  const type = input.evidence ? checkEvidence(input.evidence) : null;
  const r = await itemOf(db, planId, id);
  if (!mayClose(actor, r)) throw new HttpProblem(403, 'FORBIDDEN', '只能为本单位的问题销号');
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(ledgerItems)
      .set({ status: 'closed', closedAt: now, closedIn: shanghaiMonth(now), closedBy: actor.name, closeNote: note })
      .where(and(eq(ledgerItems.id, id), eq(ledgerItems.status, 'open')))
      .returning();
    if (!done) {
      const [cur] = await tx.select().from(ledgerItems).where(eq(ledgerItems.id, id));
      // A retry of the same 销号 (same person, same note) answers as the first did.
      if (cur.closedBy === actor.name && cur.closeNote === note) return { id, status: 'closed', closedAt: cur.closedAt!.toISOString(), replayed: true };
      throw new HttpProblem(409, 'ALREADY_CLOSED', '该问题已销号');
    }
    let evidenceId: number | null = null;
    if (input.evidence && type) {
      const [ev] = await tx
        .insert(ledgerEvidence)
        .values({
          ledgerItemId: id,
          name: input.evidence.name.slice(0, 200),
          contentType: type,
          size: input.evidence.bytes.length,
          bytes: input.evidence.bytes,
          uploadedBy: actor.name,
        })
        .returning({ id: ledgerEvidence.id });
      evidenceId = ev.id;
    }
    await tx.insert(audit).values({
      planId,
      entity: 'ledger',
      entityId: String(id),
      action: 'close',
      actor: actor.name,
      old: { status: 'open' },
      new: { status: 'closed', note, evidenceId },
    });
    return { id, status: 'closed', closedAt: now.toISOString(), evidenceId, replayed: false };
  });
}

/** The office refuses a 销号 (or reopens a closed item): open again, with its reason recorded. */
export async function reopenLedgerItem(db: Db, actor: Actor, planId: string, id: number, reason: unknown, action: 'refuse' | 'reopen') {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text)
    throw new HttpProblem(400, 'REASON_REQUIRED', action === 'refuse' ? '不予销号须说明原因' : '重新打开须说明原因', [
      { field: 'reason', code: 'REQUIRED', message: '原因不能为空' },
    ]);
  await itemOf(db, planId, id);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(ledgerItems).where(eq(ledgerItems.id, id));
    if (before.status !== 'closed') throw new HttpProblem(409, 'NOT_CLOSED', '该问题尚未销号');
    await tx
      .update(ledgerItems)
      .set({ status: 'open', closedAt: null, closedIn: null, closedBy: null, closeNote: null, reviewNote: text })
      .where(and(eq(ledgerItems.id, id), eq(ledgerItems.status, 'closed')));
    await tx.insert(audit).values({
      planId,
      entity: 'ledger',
      entityId: String(id),
      action,
      actor: actor.name,
      old: { status: 'closed', note: before.closeNote, closedBy: before.closedBy },
      new: { status: 'open', reason: text },
    });
    return { id, status: 'open' as const, reviewNote: text };
  });
}

export async function evidenceFile(db: Db, planId: string, itemId: number, evidenceId: number) {
  await itemOf(db, planId, itemId);
  const [ev] = await db
    .select()
    .from(ledgerEvidence)
    .where(and(eq(ledgerEvidence.id, evidenceId), eq(ledgerEvidence.ledgerItemId, itemId)));
  if (!ev) throw new HttpProblem(404, 'NOT_FOUND', '找不到该佐证材料');
  return ev;
}
