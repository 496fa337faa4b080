// PGlite has no autovacuum, so its planner never gets table statistics: with none it reads a push's
// stored rows through a plan-wide index scan (every row of the plan, filtered by key) instead of the
// primary key, and the push gets slower as the plan's rows grow (issue 13, EXPLAIN ANALYZE in
// bench/RESULTS.md). This does what autovacuum's analyze does on PostgreSQL: a table whose rows changed by
// more than 50 + 10 % since its last analyze is analyzed (with a small sample, so the embedded database is
// held for milliseconds, not seconds).
import { sql } from 'drizzle-orm';
import type { Db } from './connect';

/** The tables the push, pull and views read by key; audit is append-only and read by its own index. */
const TABLES = ['progress', 'nodes', 'targets', 'assignments', 'periods', 'units', 'tokens', 'batches', 'target_revisions'];

export async function analyzeIfStale(db: Db): Promise<string[]> {
  // The counters reach pg_stat_user_tables when the backend flushes them (at most once a second, or after
  // 10 s idle — PGlite has no idle timer): ask for the flush, which happens as this statement ends.
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const { rows: stale } = (await db.execute(
    sql`select relname from pg_stat_user_tables
        where relname = any(${sql.param(TABLES)}::text[]) and n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)`,
  )) as unknown as { rows: { relname: string }[] };
  if (!stale.length) return [];
  const names = stale.map((r) => r.relname);
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local default_statistics_target = 20`);
    await tx.execute(sql.raw(`analyze ${names.map((n) => `"${n}"`).join(', ')}`));
  });
  return names;
}

/** Checks every `everyMs` (timer unref'd: it never keeps the process alive); stop() ends it. */
export function startAutoAnalyze(db: Db, everyMs = 2000): { stop(): Promise<void>; now(): Promise<unknown> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    running ??= analyzeIfStale(db)
      .catch(() => []) // a closed or busy database: the next tick tries again
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    // Waits for an analyze in flight, so the database is not closed under it.
    stop: async () => {
      clearInterval(timer);
      await running;
    },
    now: tick,
  };
}
