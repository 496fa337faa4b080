// First-start seeding: idempotent, concurrent-safe (two processes at the same instant on an empty
// PostgreSQL) and completed after a crash mid-seeding.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../server/auth/tokens';
import { rowsOf } from '../../server/db/connect';
import { loadImporter, type Importer } from '../../server/services/import';
import { savePlan } from '../../server/services/plans';
import { seedIfEmpty } from '../../server/seed';
import { databases, PG_ADMIN_URL, pgReachable, type TestDatabase } from '../helpers/db';
import { samplePlan } from '../helpers/plan';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const count = async (db: TestDatabase['db'], table: string) => (await rowsOf<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

for (const target of databases()) {
  describe.skipIf(target.skip)(`seeding · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());

    it('a crash while seeding leaves nothing half-done; the next start seeds fully, then never again', async () => {
      let calls = 0;
      const crashing = async (): Promise<Importer> => {
        const real = await loadImporter();
        return {
          importPlan: async (bytes, source) => (++calls === 3 ? Promise.reject(new Error('进程在导入第三个计划时崩溃')) : real.importPlan(bytes, source)),
        };
      };
      await expect(seedIfEmpty(database.db, { importer: crashing })).rejects.toMatchObject({
        code: 'IMPORT_FAILED',
        message: expect.stringContaining('进程在导入第三个计划时崩溃'),
      });
      expect(await count(database.db, 'plans')).toBe(0);
      const r = await seedIfEmpty(database.db, { importer: loadImporter });
      expect(r.seeded).toBe(true);
      expect(await count(database.db, 'plans')).toBe(3);
      expect((await verifyToken(database.db, r.adminToken!))?.role).toBe('admin');
      expect((await seedIfEmpty(database.db, { importer: loadImporter })).seeded).toBe(false);
      expect(await count(database.db, 'plans')).toBe(3);
      expect(await count(database.db, 'tokens')).toBe(1);
    });
  });

  describe.skipIf(target.skip)(`seeding after an older crash · ${target.label}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(() => database?.close());

    it('plans but no admin token (an older version crashed mid-seeding): a new admin token, not 401 for ever', async () => {
      await savePlan(database.db, samplePlan(), 'seed');
      const r = await seedIfEmpty(database.db, { importer: loadImporter });
      expect(r.recoveredAdmin).toBe(true);
      expect((await verifyToken(database.db, r.adminToken!))?.role).toBe('admin');
      expect(await count(database.db, 'plans')).toBe(1); // nothing imported on top of the office's data
      expect((await seedIfEmpty(database.db, { importer: loadImporter })).adminToken).toBeUndefined();
    });
  });
}

describe.skipIf(!pgReachable)('two servers started at the same instant on an empty PostgreSQL', () => {
  const name = `qd_${randomBytes(6).toString('hex')}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const admin = () => new pg.Client({ connectionString: PG_ADMIN_URL });
  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`create database ${name}`); // empty: not even migrated
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('both start, the seeds are imported once, one admin token', async () => {
    const at = Date.now() + 4000; // both wait for the same instant after loading their code
    const script = `const m = await import('./server/main.ts'); await new Promise((r) => setTimeout(r, ${at} - Date.now())); process.exitCode = await m.runForever();`;
    const children = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url.toString(), PORT: '0', QINGDAN_ADMIN_TOKEN: 'qd_concurrent_start_token_0123456789' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const outputs = children.map(() => ({ out: '', err: '' }));
    const started = children.map(
      (child, i) =>
        new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (d) => {
            outputs[i].out += d;
            if (outputs[i].out.includes('qingdan 服务已启动')) resolve();
          });
          child.stderr!.on('data', (d) => (outputs[i].err += d));
          child.once('exit', (code) => reject(new Error(`进程 ${i} 退出（${code}）：${outputs[i].err}`)));
        }),
    );
    try {
      await Promise.all(started);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const { rows } = await c.query(`select (select count(*) from plans)::int as plans, (select count(*) from tokens)::int as tokens`);
    await c.end();
    expect(rows[0]).toEqual({ plans: 3, tokens: 1 });
    expect(outputs.filter((o) => o.out.includes('首次启动')).length).toBe(1);
  }, 120_000);
});
