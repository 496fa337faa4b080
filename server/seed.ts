// First start on an empty database: import the seed plans, create the admin token and say how to go on.
//
// Seeding is one transaction under an advisory lock, ending with a marker row (setup_state 'seeded'):
// two processes started at once on an empty PostgreSQL seed once (the second waits, then finds the
// marker), and a crash mid-seeding leaves nothing, so the next start seeds again. The documents are
// parsed before the transaction, so the lock is held only while writing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createToken } from './auth/tokens';
import { rowsOf, type Db } from './db/connect';
import { setupState, tokens } from './db/schema';
import { importDocument, type Importer } from './services/import';
import { savePlan } from './services/plans';
import type { Plan } from '../model/plan';

export interface SeedResult {
  seeded: boolean;
  planIds: string[];
  /** The admin secret, only when created now (it is shown once and never stored in clear). */
  adminToken?: string;
  /** A database seeded by an older version that had lost its admin token (a crash mid-seeding): a new one was made. */
  recoveredAdmin?: boolean;
}

export const SEED_DIR = new URL('../seeds', import.meta.url).pathname;
/** pg_advisory_xact_lock key of first-start seeding ("qdseed"). */
const SEED_LOCK = 0x71647365656400n;

export async function isEmpty(db: Db): Promise<boolean> {
  const [r] = await rowsOf<{ n: number }>(db, sql`select ((select count(*) from plans) + (select count(*) from tokens))::int as n`);
  return r.n === 0;
}

async function seededMarker(db: Db): Promise<boolean> {
  return (await db.select({ key: setupState.key }).from(setupState).where(eq(setupState.key, 'seeded'))).length > 0;
}

/** Seeds an empty database once; does nothing on one that is seeded (marker) or already in use. */
export async function seedIfEmpty(db: Db, opts: { importer: () => Promise<Importer>; seedDir?: string; adminToken?: string }): Promise<SeedResult> {
  if (await seededMarker(db)) return { seeded: false, planIds: [] };
  const dir = opts.seedDir ?? SEED_DIR;
  const files = readdirSync(dir)
    .filter((f) => /\.(txt|docx)$/i.test(f))
    .sort();
  const importer = files.length ? await opts.importer() : null;
  const plans: Plan[] = [];
  for (const f of files) plans.push(await importDocument(importer!, new Uint8Array(readFileSync(join(dir, f))), f));

  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK.toString()}::bigint)`);
    if (await seededMarker(t)) return { seeded: false, planIds: [] }; // another process seeded meanwhile
    await tx.insert(setupState).values({ key: 'seeded', value: new Date().toISOString() });
    if (!(await isEmpty(t))) {
      // In use from before the marker existed. An older version could crash after the plans and before
      // the admin token: make sure the office can still get in.
      const admins = await tx
        .select({ id: tokens.id })
        .from(tokens)
        .where(and(eq(tokens.role, 'admin'), isNull(tokens.revokedAt)))
        .limit(1);
      if (admins.length) return { seeded: false, planIds: [] };
      const { token } = await createToken(t, { role: 'admin', label: 'first start (recovered)', secret: opts.adminToken });
      return { seeded: false, planIds: [], adminToken: token, recoveredAdmin: true };
    }
    const planIds: string[] = [];
    for (const plan of plans) planIds.push(await savePlan(t, plan, 'seed'));
    const { token } = await createToken(t, { role: 'admin', label: 'first start', secret: opts.adminToken });
    return { seeded: true, planIds, adminToken: token };
  });
}

export function firstStartMessage(r: SeedResult, fromEnv: boolean): string {
  const head = r.recoveredAdmin
    ? '数据库中已有计划，但没有可用的管理员令牌（可能是上次首次启动中途中断）：已重新创建管理员令牌。'
    : '首次启动：已导入 ' + r.planIds.length + ' 个计划（' + r.planIds.join('、') + '）。';
  return [
    head,
    fromEnv ? '管理员令牌来自 QINGDAN_ADMIN_TOKEN。' : `管理员令牌（只显示这一次，请妥善保存）：\n\n    ${r.adminToken}\n`,
    '创建单位和填报令牌：',
    '    npx qingdan token create --role reporter --unit 综合规划处',
    '  或通过 API：POST /api/v1/units {"name":"综合规划处"}，再 POST /api/v1/units/{id}/tokens',
  ].join('\n');
}
