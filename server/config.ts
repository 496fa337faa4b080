// Configuration from the environment (documented in server/README.md and the project README).
import { resolve } from 'node:path';

export interface Config {
  port: number;
  /** The address to listen on: loopback unless QINGDAN_HOST says otherwise (0.0.0.0 for every interface). */
  host: string;
  dataDir: string;
  databaseUrl?: string;
  adminToken?: string;
  /** Extra origins allowed by CORS besides the server's own (the add-in's dev host, say). */
  addinOrigins: string[];
  /** Max request body in bytes (workbook uploads included). */
  bodyLimit: number;
}

/** Why an admin secret is too weak to guard the office's data, or null. */
export function weakTokenReason(token: string): string | null {
  if (token.length < 16) return `长度只有 ${token.length} 个字符，至少需要 16 个`;
  if (new Set(token).size < 8) return '不同字符太少（至少需要 8 种），容易被猜中';
  return null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效：${env.PORT}`);
  const adminToken = env.QINGDAN_ADMIN_TOKEN || undefined;
  const weak = adminToken && weakTokenReason(adminToken);
  if (weak) throw new Error(`QINGDAN_ADMIN_TOKEN 太弱：${weak}。请换一个随机的长令牌（例如 openssl rand -base64 32 的输出），或不设置它，由服务生成。`);
  return {
    port,
    host: env.QINGDAN_HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminToken,
    addinOrigins: (env.QINGDAN_ADDIN_ORIGIN ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: env.QINGDAN_BODY_LIMIT ? Number(env.QINGDAN_BODY_LIMIT) : 20 * 1024 * 1024,
  };
}
