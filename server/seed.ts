// First start on an empty database: import the seed plans, create the admin token and say how to go on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createToken } from './auth/tokens';
import { rowsOf, type Db } from './db/connect';
import { importDocument, type Importer } from './services/import';
import { savePlan } from './services/plans';

export interface SeedResult {
  seeded: boolean;
  planIds: string[];
  /** The admin secret, only when created now (it is shown once and never stored in clear). */
  adminToken?: string;
}

export const SEED_DIR = new URL('../seeds', import.meta.url).pathname;

export async function isEmpty(db: Db): Promise<boolean> {
  const [r] = await rowsOf<{ n: number }>(db, sql`select ((select count(*) from plans) + (select count(*) from tokens))::int as n`);
  return r.n === 0;
}

/** Seeds an empty database; does nothing on one that has plans or tokens. */
export async function seedIfEmpty(db: Db, opts: { importer: () => Promise<Importer>; seedDir?: string; adminToken?: string }): Promise<SeedResult> {
  if (!(await isEmpty(db))) return { seeded: false, planIds: [] };
  const dir = opts.seedDir ?? SEED_DIR;
  const files = readdirSync(dir).filter((f) => /\.(txt|docx)$/i.test(f)).sort();
  const importer = files.length ? await opts.importer() : null;
  const planIds: string[] = [];
  for (const f of files) {
    const plan = await importDocument(importer!, new Uint8Array(readFileSync(join(dir, f))), f);
    planIds.push(await savePlan(db, plan, 'seed'));
  }
  const { token } = await createToken(db, { role: 'admin', label: 'first start', secret: opts.adminToken });
  return { seeded: true, planIds, adminToken: token };
}

export function firstStartMessage(r: SeedResult, fromEnv: boolean): string {
  return [
    '首次启动：已导入 ' + r.planIds.length + ' 个计划（' + r.planIds.join('、') + '）。',
    fromEnv ? '管理员令牌来自 QINGDAN_ADMIN_TOKEN。' : `管理员令牌（只显示这一次，请妥善保存）：\n\n    ${r.adminToken}\n`,
    '创建单位和填报令牌：',
    '    npx qingdan token create --role reporter --unit 综合规划处',
    '  或通过 API：POST /api/v1/units {"name":"综合规划处"}，再 POST /api/v1/units/{id}/tokens',
  ].join('\n');
}
