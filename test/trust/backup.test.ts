// `qingdan backup FILE` / `qingdan restore FILE` (child processes, as a user runs them): restored into a
// fresh data directory (PGlite) or a new database (PostgreSQL), every row of every table is there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../server/auth/units';
import { openDatabase, rowsOf, type Database } from '../../server/db/connect';
import { backupDatabase } from '../../server/services/backup';
import { setUnitsSeeEachOther } from '../../server/services/visibility';
import { openPgDatabase, pgReachable } from '../helpers/db';
import { batchId, setup } from '../helpers/server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'qd-backup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.DATA_DIR;
  return spawnSync(process.execPath, ['bin/qingdan.mjs', ...args], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 });
}

/** Some of everything: a plan, units, tokens, assignments, reports, a batch, audit, a setting. */
async function fill(database: Database): Promise<void> {
  const s = await setup({ ...database });
  // 0.1 of 101 is far behind May's 序时进度 (red): the row says why and what next (issue 10), texts that must survive too.
  const entries = [
    {
      key: 't1-m1@2024-05',
      baseVersion: 0,
      fields: {
        monthDone: 1e-7,
        cumulative: 0.1,
        unit: '亿元',
        status: '推进中',
        progress: '第一行\n第二行「引号」',
        problems: '资金“未到位”',
        nextSteps: '下月\t协调',
      },
    },
  ];
  expect((await s.req('POST', '/api/v1/plans/sample/progress/batches', s.admin, { batchId: batchId(), entries })).body.results[0].outcome).toBe('applied');
  await s.req('PUT', '/api/v1/plans/sample/assignments', s.admin, { assignments: [{ taskId: 't1', lead: ['综合规划处'], co: [] }] });
  await setUnitsSeeEachOther(database.db, 'sample', true, 'admin#1');
}

const snapshot = async (database: Database) => (await backupDatabase(database.db)).tables;
/** The rows' stored pull JSON (progress.entry, a generated column the backup leaves out). */
const pullJson = async (database: Database) => rowsOf<{ key: string; entry: string }>(database.db, sql`select key, entry from progress order by key`);

describe('backup and restore · PGlite (data directories)', () => {
  it('every row comes back in a fresh data directory; ids continue after the restored ones', async () => {
    const from = join(tmp, 'from');
    const to = join(tmp, 'to');
    const file = join(tmp, 'pglite.json');
    let database = await openDatabase({ dataDir: from });
    await fill(database);
    const before = await snapshot(database);
    await database.close();

    const b = cli(['backup', file], { DATA_DIR: from });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toContain('已备份到');
    const r = cli(['restore', file], { DATA_DIR: to });
    expect(r.status, r.stderr).toBe(0);

    database = await openDatabase({ dataDir: to });
    try {
      const after = await snapshot(database);
      expect(after).toEqual(before);
      expect(before.progress.rows).toHaveLength(1);
      expect(before.progress.columns).not.toContain('entry');
      // The restored row's pull JSON is computed again from its columns, texts and 1e-7 as they were.
      const [{ entry }] = await pullJson(database);
      expect(JSON.parse(entry)).toMatchObject({ key: 't1-m1@2024-05', version: 1, values: { monthDone: 1e-7, cumulative: 0.1, nextSteps: '下月\t协调' } });
      expect(before.audit.rows.length).toBeGreaterThan(3);
      const maxUnit = Math.max(...before.units.rows.map((u: any) => u.id));
      expect((await createUnit(database.db, '新单位', 'test'))!.id).toBeGreaterThan(maxUnit);
    } finally {
      await database.close();
    }
    // A database that is not empty is never overwritten.
    const again = cli(['restore', file], { DATA_DIR: to });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('NOT_EMPTY');
  }, 180_000);
});

describe.skipIf(!pgReachable)('backup and restore · PostgreSQL', () => {
  it('every row comes back in a new database', async () => {
    const source = await openPgDatabase();
    const target = await openPgDatabase();
    try {
      await fill(source);
      const file = join(tmp, 'pg.json');
      expect(cli(['backup', file], { DATABASE_URL: source.url! }).status).toBe(0);
      const r = cli(['restore', file], { DATABASE_URL: target.url! });
      expect(r.status, r.stderr).toBe(0);
      expect(await snapshot(target)).toEqual(await snapshot(source));
      expect(await pullJson(target)).toEqual(await pullJson(source));
    } finally {
      await source.close();
      await target.close();
    }
  }, 180_000);
});
