// A real HTTP server on a random port, for HTTP tests and the add-in e2e tests:
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
import { createToken } from '../../server/auth/tokens';
import { createUnit, findUnit } from '../../server/auth/units';
import { loadImporter } from '../../server/services/import';
import { savePlan } from '../../server/services/plans';
import { seedIfEmpty } from '../../server/seed';
import { openPgDatabase, type TestDatabase } from './db';
import { openDatabase } from '../../server/db/connect';
import { samplePlan } from './plan';

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
  plans?: Plan[];
  seeds?: boolean;
  /** Extra app options (CORS origins, body limit, importer, log). Logs are silent by default. */
  app?: Partial<Omit<AppDeps, 'db'>>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const database: TestDatabase = opts.db === 'pg' ? await openPgDatabase() : await openDatabase({});
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
      const unit = (await findUnit(db, { name })) ?? (await createUnit(db, name, 'test'))!;
      return (await createToken(db, { role: 'reporter', unitId: unit.id })).token;
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
