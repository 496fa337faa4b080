// `npm start`: configuration from the environment, open + migrate the database, seed it on first start,
// listen on PORT. Stops cleanly on SIGINT/SIGTERM (releasing the PGlite data-dir lock).
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { openDatabase, type Database } from './db/connect';
import { LockError } from './db/lock';
import { firstStartMessage, seedIfEmpty } from './seed';
import { loadImporter } from './services/import';
import { tlsServeOptions } from './tls';
import { startReminderScheduler } from './services/reminders';

export interface RunningServer {
  url: string;
  database: Database;
  server: ServerType;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: (line: string) => void = console.log): Promise<RunningServer> {
  const tls = tlsServeOptions(); // QINGDAN_TLS_CERT/QINGDAN_TLS_KEY: https for sideloading (server/tls.ts)
  const database = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const seeded = await seedIfEmpty(database.db, { importer: loadImporter, adminToken: config.adminToken });
    if (seeded.seeded || seeded.recoveredAdmin) log(firstStartMessage(seeded, !!config.adminToken));
  } catch (err) {
    await database.close();
    throw err;
  }
  const app = createApp({ db: database.db, config, log });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, ...tls }, () => resolve(s));
    s.once('error', reject);
  });
  // PGlite blocks the event loop during queries; a longer keep-alive avoids closing a socket just as a
  // client reuses it (ECONNRESET on the add-in's next push).
  (server as import('node:http').Server).keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const shown =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  const url = `${'createServer' in tls ? 'https' : 'http'}://${shown}:${port}`;
  // 催报 (issue 10): a tick a minute; QINGDAN_REMINDERS=off disables it (e.g. a second read-only process).
  const stopReminders = process.env.QINGDAN_REMINDERS === 'off' ? () => {} : startReminderScheduler(database.db, { log });
  log(`qingdan 服务已启动：${url}（数据库：${database.kind === 'pg' ? 'PostgreSQL' : `PGlite ${config.dataDir}`}）API 文档：${url}/api/v1/docs`);
  return {
    url,
    database,
    server,
    close: async () => {
      stopReminders();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function runForever(env = process.env): Promise<number> {
  let running: RunningServer;
  try {
    running = await startServer(loadConfig(env));
  } catch (err) {
    if (err instanceof LockError) {
      console.error(`错误 [${err.code}]：${err.message}`);
      return 1;
    }
    throw err;
  }
  return new Promise((resolve) => {
    const stop = async (signal: string) => {
      console.log(`收到 ${signal}，正在停止…`);
      await running.close();
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // A workbook export or upload of 50,000 rows allocates fast, and V8 then lets the heap grow to several
  // times what is live before it collects (server RSS 290–365 MB at its peak). Growing it by 30 % at a
  // time keeps the service near 200 MB for a little more collecting (issue 13, bench/RESULTS.md).
  v8.setFlagsFromString('--heap-growing-percent=30');
  runForever().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`启动失败：${(err as Error)?.message ?? err}`);
      process.exit(1);
    },
  );
}
