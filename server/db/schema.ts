// The storage schema: one drizzle pg-core schema, migrated unchanged on PGlite (PG 18) and PostgreSQL 15.
// Migrations live in /drizzle (`npm run db:generate` after editing this file).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  bigserial,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** The writing transaction's id: the pull cursor is built on it (see server/services/pull.ts). */
const txid = () =>
  bigint('txid', { mode: 'number' })
    .notNull()
    .default(sql`(pg_current_xact_id()::text::bigint)`);

export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  year: integer('year'),
  issuer: text('issuer'),
  script: text('script').notNull(),
  source: text('source').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

export const nodes = pgTable(
  'nodes',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    id: text('id').notNull(),
    parentId: text('parent_id'),
    ord: integer('ord').notNull(), // depth-first order in the document
    kind: text('kind').notNull(),
    number: text('number').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    span: jsonb('span').notNull(),
    deadlines: jsonb('deadlines').notNull(),
    units: jsonb('units'), // the document's own 牵头/配合 units
  },
  (t) => [primaryKey({ columns: [t.planId, t.id] })],
);

export const targets = pgTable(
  'targets',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    id: text('id').notNull(),
    taskId: text('task_id').notNull(),
    ord: integer('ord').notNull(),
    metric: text('metric').notNull(),
    value: doublePrecision('value').notNull(),
    max: doublePrecision('max'),
    unit: text('unit').notNull(),
    comparator: text('comparator').notNull(),
    kind: text('kind').notNull(),
    quote: text('quote').notNull(),
    span: jsonb('span').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    version: integer('version').notNull().default(1),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // targets_task_idx: a push asks whether the tasks it names have targets (issue 13: by key, not the plan).
  (t) => [primaryKey({ columns: [t.planId, t.id] }), index('targets_task_idx').on(t.planId, t.taskId)],
);

export const units = pgTable('units', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const tokens = pgTable(
  'tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hash: text('hash').notNull(), // sha-256 hex of the secret; the secret itself is never stored
    role: text('role').notNull(), // admin | reporter | viewer
    unitId: bigint('unit_id', { mode: 'number' }).references(() => units.id),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('tokens_hash_idx').on(t.hash)],
);

/** Explicit 牵头/配合 assignments by the office; a task without rows here keeps the document's units. */
export const assignments = pgTable(
  'assignments',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    taskId: text('task_id').notNull(),
    unitId: bigint('unit_id', { mode: 'number' })
      .notNull()
      .references(() => units.id),
    role: text('role').notNull(), // lead | co
    ord: integer('ord').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.planId, t.taskId, t.unitId] })],
);

export const periods = pgTable(
  'periods',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    period: text('period').notNull(), // YYYY-MM
    deadline: text('deadline').notNull(), // YYYY-MM-DD
    status: text('status').notNull().default('open'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.period] })],
);

export const progress = pgTable(
  'progress',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    key: text('key').notNull(), // progressKey(itemId, period)
    itemId: text('item_id').notNull(),
    period: text('period').notNull(),
    monthDone: doublePrecision('month_done'),
    cumulative: doublePrecision('cumulative'),
    status: text('status'),
    progress: text('progress'),
    problems: text('problems'),
    nextSteps: text('next_steps'),
    version: integer('version').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    txid: txid(),
    // The row as a pull sends it, built by the database on every write (drizzle/0010_progress_entry_json.sql).
    entry: text('entry')
      .notNull()
      .generatedAlwaysAs(sql`progress_entry_json(key, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, updated_at)`),
    // The same values as one row of a compact pull page (?format=rows; drizzle/0012_progress_entry_row.sql).
    entryRow: text('entry_row')
      .notNull()
      .generatedAlwaysAs(sql`progress_entry_row(key, version, month_done, cumulative, status, progress, problems, next_steps, updated_by, updated_at)`),
  },
  (t) => [
    primaryKey({ columns: [t.planId, t.key] }),
    index('progress_pull_idx').on(t.planId, t.txid, t.key),
    index('progress_period_idx').on(t.planId, t.period),
    index('progress_item_idx').on(t.planId, t.itemId), // a push reads its items' rows of every month (累计 order)
  ],
);

/** One row per accepted batch id: the stored answer returned on every replay. */
export const batches = pgTable(
  'batches',
  {
    planId: text('plan_id').notNull(),
    batchId: text('batch_id').notNull(),
    kind: text('kind').notNull(), // progress | targets
    actor: text('actor').notNull(),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.kind, t.batchId] })],
);

/** Append-only history: nothing updates or deletes these rows. */
export const audit = pgTable(
  'audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: text('plan_id'),
    entity: text('entity').notNull(), // progress | target | task | plan | unit | token | period
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    old: jsonb('old'),
    new: jsonb('new'),
    batchId: text('batch_id'),
  },
  (t) => [index('audit_entity_idx').on(t.entity, t.entityId, t.id)],
);

// --- trust ---

/** The office's per-plan choice whether units may read each other's progress (default: no). */
export const planVisibility = pgTable('plan_visibility', {
  planId: text('plan_id')
    .primaryKey()
    .references(() => plans.id),
  unitsSeeEachOther: boolean('units_see_each_other').notNull().default(false),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row: the version of every plan's structure (nodes, targets, target revisions, assignments, units),
 * bumped by statement triggers on those tables (drizzle/0009_structure_triggers.sql). A push reads it in
 * its claim statement and reuses the structure it read before at the same version
 * (server/services/push-structure.ts) instead of reading the batch's tasks again (issue 13).
 */
export const structureVersion = pgTable('structure_version', {
  id: integer('id').primaryKey().default(1),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

/** Facts about the database itself, e.g. key 'seeded': first-start seeding committed (with its plans and admin token). */
export const setupState = pgTable('setup_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

// --- issue 11: closed months keep what they published; targets change from a month on ---

/**
 * What a month showed when the office closed it: rows, stats and the 通报's inputs (data, see
 * server/services/snapshots.ts MonthSnapshot). Closing again after a reopen adds version n+1; every
 * version stays. Never updated or deleted.
 */
export const periodSnapshots = pgTable(
  'period_snapshots',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    period: text('period').notNull(),
    version: integer('version').notNull(),
    closedBy: text('closed_by').notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull().defaultNow(),
    data: jsonb('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.period, t.version] })],
);

/**
 * 调整目标: a target's value from a month on. The first revision of a target also stores the value it
 * had before (fromPeriod null = from the start of the plan). The target in force in month M is the row
 * with the latest fromPeriod ≤ M (model/target-history.ts); `targets` holds the latest one.
 */
export const targetRevisions = pgTable(
  'target_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    targetId: text('target_id').notNull(),
    fromPeriod: text('from_period'), // YYYY-MM; null = the original value, from the start
    value: doublePrecision('value').notNull(),
    max: doublePrecision('max'),
    unit: text('unit').notNull(),
    comparator: text('comparator').notNull(),
    reason: text('reason'),
    conversion: jsonb('conversion'), // {from, to, factor} when the unit changed
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('target_revisions_idx').on(t.planId, t.targetId, t.fromPeriod)],
);

/** The 通报 as sent: issuer, 期号 sequence and 版记 per plan (defaults when absent). */
export const bulletinSettings = pgTable('bulletin_settings', {
  planId: text('plan_id')
    .primaryKey()
    .references(() => plans.id),
  issuer: text('issuer'), // 发文机关 / 落款
  firstIssueNumber: integer('first_issue_number').notNull().default(1), // 期号 of the first closed month
  copyTo: text('copy_to'), // 抄送 line
  printedBy: text('printed_by'), // 印发机关
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// --- issue 10: 报送, 催报, 问题台账, 序时进度 lights ---

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Per-plan settings of the month-end loop: light thresholds (points behind 序时进度) and reminder rules. */
export const monthSettings = pgTable('month_settings', {
  planId: text('plan_id')
    .primaryKey()
    .references(() => plans.id),
  yellowPoints: doublePrecision('yellow_points').notNull().default(10),
  redPoints: doublePrecision('red_points').notNull().default(30),
  reminderRules: jsonb('reminder_rules'), // null → model/reminders.ts DEFAULT_RULES
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One row per plan, month and unit once the unit has submitted; a 退回 keeps the row with status 'returned'. */
export const submissions = pgTable(
  'submissions',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    period: text('period').notNull(),
    unit: text('unit').notNull(),
    status: text('status').notNull(), // submitted | returned
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    reporter: text('reporter').notNull(), // 填报人
    phone: text('phone').notNull(), // 联系电话
    reviewer: text('reviewer').notNull(), // 审核人
    submittedBy: text('submitted_by').notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    returnedBy: text('returned_by'),
    returnReason: text('return_reason'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.period, t.unit] })],
);

/** 问题台账: derived from progress.problems (server/services/ledger.ts), closed only by 销号 with a note. */
export const ledgerItems = pgTable(
  'ledger_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    key: text('key').notNull(), // model/ledger.ts ledgerKey(itemId, text)
    itemId: text('item_id').notNull(),
    taskId: text('task_id').notNull(),
    task: text('task').notNull(),
    unit: text('unit').notNull(),
    owner: text('owner').notNull(),
    text: text('text').notNull(),
    measures: text('measures'),
    raisedIn: text('raised_in').notNull(),
    lastSeenIn: text('last_seen_in').notNull(),
    due: text('due').notNull(),
    status: text('status').notNull().default('open'), // open | closed
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedIn: text('closed_in'), // Shanghai month of closedAt
    closedBy: text('closed_by'),
    closeNote: text('close_note'),
    reviewNote: text('review_note'), // the office's reason when it refused or reopened
  },
  (t) => [uniqueIndex('ledger_items_key_idx').on(t.planId, t.key)],
);

/** 佐证材料 of a 销号, stored with the data (size- and type-checked before insert). */
export const ledgerEvidence = pgTable('ledger_evidence', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ledgerItemId: bigint('ledger_item_id', { mode: 'number' })
    .notNull()
    .references(() => ledgerItems.id),
  name: text('name').notNull(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  bytes: bytea('bytes').notNull(),
  uploadedBy: text('uploaded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Group-robot webhooks: one per unit, or unit '' for the office's group (used for units without their own). */
export const reminderWebhooks = pgTable(
  'reminder_webhooks',
  {
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    unit: text('unit').notNull(),
    kind: text('kind').notNull(), // wecom | dingtalk | feishu
    url: text('url').notNull(),
    secret: text('secret'), // 钉钉 / 飞书 signing secret
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.unit] })],
);

/** A reminder claimed for sending: the unique key makes each (plan, month, unit, occurrence) send once. */
export const reminderSends = pgTable(
  'reminder_sends',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: text('plan_id').notNull(),
    period: text('period').notNull(),
    unit: text('unit').notNull(),
    occurrence: text('occurrence').notNull(), // before-3@2024-03-25 | manual@<request id>
    status: text('status').notNull(), // claimed | sent | failed | no-webhook
    text: text('text').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('reminder_sends_once_idx').on(t.planId, t.period, t.unit, t.occurrence)],
);

/** Every delivery attempt, successful or not. */
export const reminderAttempts = pgTable('reminder_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sendId: bigint('send_id', { mode: 'number' })
    .notNull()
    .references(() => reminderSends.id),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  ok: boolean('ok').notNull(),
  httpStatus: integer('http_status'),
  error: text('error'),
});

// --- issue 9: the office's console ---

/**
 * An import awaiting the office's review: the (edited) plan and the decoded source text the preview
 * shows beside it. In the database, not in memory, so a preview survives a restart and another server
 * process on the same PostgreSQL can confirm it. Deleted when confirmed; expired ones are swept.
 */
export const importPreviews = pgTable('import_previews', {
  id: text('id').primaryKey(),
  name: text('name').notNull(), // the uploaded file's name
  plan: jsonb('plan').notNull(),
  sourceText: text('source_text').notNull(),
  /** For a re-import: the live plan this preview would replace (diffed against it on confirm). */
  replacesPlanId: text('replaces_plan_id'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What the token list shows without the secret: its first characters and when it was last used. */
export const tokenMeta = pgTable('token_meta', {
  tokenId: bigint('token_id', { mode: 'number' })
    .primaryKey()
    .references(() => tokens.id),
  prefix: text('prefix').notNull(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});

/** A task or target a re-import dropped although it had progress: kept here (with its progress rows untouched). */
export const archivedItems = pgTable(
  'archived_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    itemId: text('item_id').notNull(),
    kind: text('kind').notNull(), // task | section | target
    data: jsonb('data').notNull(), // the node (with its targets) or the target as it was
    archivedBy: text('archived_by').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('archived_items_plan_idx').on(t.planId, t.itemId)],
);

/** The office's per-plan settings from the console: the reporting day when the document states none (or overrides it). */
export const planSettings = pgTable('plan_settings', {
  planId: text('plan_id')
    .primaryKey()
    .references(() => plans.id),
  reportDay: integer('report_day'), // 1..31; null = the document's 每月N日前, else 28
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
