// Shared set-up for the server suites: an app over a fresh database with the sample plan and tokens.
import { createApp } from '../../server/app';
import { createToken, revokeToken, verifyToken } from '../../server/auth/tokens';
import { createUnit } from '../../server/auth/units';
import { savePlan } from '../../server/services/plans';
import type { Importer } from '../../server/services/import';
import type { TestDatabase } from '../helpers/db';
import { samplePlan, UNIT_NAMES } from '../helpers/plan';

export interface Setup {
  database: TestDatabase;
  app: ReturnType<typeof createApp>;
  planId: string;
  admin: string;
  viewer: string;
  /** reporter tokens by unit name (all of UNIT_NAMES) */
  reporter: Record<string, string>;
  units: Record<string, number>;
  req(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function setup(database: TestDatabase, opts: { importer?: () => Promise<Importer>; tasks?: number } = {}): Promise<Setup> {
  const { db } = database;
  const planId = await savePlan(db, samplePlan({ tasks: opts.tasks }), 'test');
  const admin = (await createToken(db, { role: 'admin' })).token;
  const viewer = (await createToken(db, { role: 'viewer' })).token;
  const reporter: Record<string, string> = {};
  const units: Record<string, number> = {};
  for (const name of UNIT_NAMES) {
    const u = (await createUnit(db, name, 'test'))!;
    units[name] = u.id;
    reporter[name] = (await createToken(db, { role: 'reporter', unitId: u.id })).token;
  }
  const app = createApp({ db, log: () => {}, importer: opts.importer, config: { addinOrigins: ['https://addin.example'], bodyLimit: 2 * 1024 * 1024 } });
  async function req(method: string, path: string, token?: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await app.request(path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as any, headers: res.headers };
  }
  return { database, app, planId, admin, viewer, reporter, units, req };
}

let n = 0;
/** A batch id unique within the test run. */
export const batchId = (tag = 'b') => `${tag}-${process.pid}-${Date.now()}-${n++}`;

/** The callers a role table probes every endpoint with. */
export type Who = 'admin' | 'reporter' | 'viewer' | 'anonymous' | 'revoked';
export const EVERY_CALLER: Who[] = ['admin', 'reporter', 'viewer', 'anonymous', 'revoked'];

/** A token per caller: the 综合规划处 reporter, and another unit's reporter token revoked (anonymous: none). */
export async function roleTokens(s: Setup): Promise<Partial<Record<Who, string>>> {
  const revoked = Object.values(s.reporter)[3];
  await revokeToken(s.database.db, (await verifyToken(s.database.db, revoked))!.tokenId, 'test');
  return { admin: s.admin, reporter: s.reporter['综合规划处'], viewer: s.viewer, revoked };
}
