// The two ways the tests reach the server, in one place:
//
// setup(database): the app in-process (app.request, no socket) over a given database with the sample
// plan, an admin, a viewer and a reporter token for every unit of UNIT_NAMES — the server, trust and
// month suites:
//
//   const s = await setup(database);
//   const r = await s.req('POST', `/api/v1/plans/${s.planId}/push`, s.reporter['综合规划处'], body);
//
// startTestServer(): a real HTTP server on a random port, for HTTP tests and the add-in e2e tests:
//
//   const server = await startTestServer({ db: 'pglite' });     // or 'pg'
//   fetch(`${server.url}/api/v1/plans`, { headers: { authorization: `Bearer ${server.adminToken}` } });
//   server.reporterToken('综合规划处') → a reporter token (the unit is created if missing)
//   await server.close();
//
// Seeded with samplePlan() (id 'sample', year 2024; see test/helpers/plan.ts) unless `plans` is given;
// `seeds: true` imports seeds/*.txt with the real importer instead (as on first start).
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Plan } from '../../model/plan';
import { createApp, type AppDeps } from '../../server/app';
import { createToken, revokeToken, verifyToken } from '../../server/auth/tokens';
import { createUnit, findUnit } from '../../server/auth/units';
import { loadImporter, type Importer } from '../../server/services/import';
import { savePlan } from '../../server/services/plans';
import { seedIfEmpty } from '../../server/seed';
import { openPgDatabase, type TestDatabase } from './db';
import { openDatabase } from '../../server/db/connect';
import { samplePlan, UNIT_NAMES } from './plan';

export interface TestServer {
  url: string;
  adminToken: string;
  planIds: string[];
  database: TestDatabase;
  app: ReturnType<typeof createApp>;
  reporterToken(unit: string): Promise<string>;
  viewerToken(): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  db?: 'pglite' | 'pg';
  /** PGlite only: keep its files under this folder (DATA_DIR, as `npm start` does) instead of in memory. */
  dataDir?: string;
  plans?: Plan[];
  seeds?: boolean;
  /** Extra app options (CORS origins, body limit, importer, log). Logs are silent by default. */
  app?: Partial<Omit<AppDeps, 'db'>>;
}

/** A reporter token of the unit `name` (the unit is created if missing). */
async function reporterFor(db: TestDatabase['db'], name: string): Promise<{ unitId: number; token: string }> {
  const unit = (await findUnit(db, { name })) ?? (await createUnit(db, name, 'test'))!;
  return { unitId: unit.id, token: (await createToken(db, { role: 'reporter', unitId: unit.id })).token };
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const database: TestDatabase = opts.db === 'pg' ? await openPgDatabase() : await openDatabase({ dataDir: opts.dataDir });
  const { db } = database;
  let adminToken: string;
  let planIds: string[] = [];
  if (opts.seeds) {
    const r = await seedIfEmpty(db, { importer: opts.app?.importer ?? loadImporter });
    adminToken = r.adminToken!;
    planIds = r.planIds;
  } else {
    for (const plan of opts.plans ?? [samplePlan()]) planIds.push(await savePlan(db, plan, 'test'));
    adminToken = (await createToken(db, { role: 'admin' })).token;
  }
  const app = createApp({ log: () => {}, ...opts.app, db });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  // PGlite blocks the event loop for each query: with Node's 5 s keep-alive the server may close an idle
  // socket just as the client reuses it (ECONNRESET). Tests and benchmarks keep sockets longer.
  (server as import('node:http').Server).keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    planIds,
    database,
    app,
    async reporterToken(name) {
      return (await reporterFor(db, name)).token;
    },
    async viewerToken() {
      return (await createToken(db, { role: 'viewer' })).token;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

// ── setup: the app in-process ─────────────────────────────────────────────────────────────────────────
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
    const r = await reporterFor(db, name);
    units[name] = r.unitId;
    reporter[name] = r.token;
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
