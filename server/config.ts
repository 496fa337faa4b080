// Configuration from the environment (documented in server/README.md and the project README).
import { resolve } from 'node:path';

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  adminToken?: string;
  /** Extra origins allowed by CORS besides the server's own (the add-in's dev host, say). */
  addinOrigins: string[];
  /** Max request body in bytes (workbook uploads included). */
  bodyLimit: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效：${env.PORT}`);
  return {
    port,
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminToken: env.QINGDAN_ADMIN_TOKEN || undefined,
    addinOrigins: (env.QINGDAN_ADDIN_ORIGIN ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: env.QINGDAN_BODY_LIMIT ? Number(env.QINGDAN_BODY_LIMIT) : 20 * 1024 * 1024,
  };
}
