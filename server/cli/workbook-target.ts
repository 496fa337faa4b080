// Where `qingdan export` / `qingdan upload` (and `token`) work: the configured database directly
// (DATABASE_URL or DATA_DIR, as the server; with the embedded database the server must be stopped), or a
// running server with --url URL and --token T (or QINGDAN_TOKEN).
import type { Actor } from '../auth/tokens';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db/connect';
import { LockError } from '../db/lock';
import { CliError } from './cli-error';

export const CLI_ACTOR: Actor = { tokenId: 0, role: 'admin', unit: null, name: 'cli' };

/** The configured database (as the server opens it); `whileRunning` tells what to do instead when the server holds it. */
export async function openConfigured(whileRunning = '服务运行时请加 --url http://服务地址 --token 令牌，通过 API 操作'): Promise<Database> {
  const config = loadConfig();
  try {
    return await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  } catch (err) {
    if (err instanceof LockError) throw new CliError(err.code, `${err.message}（${whileRunning}）`);
    throw err;
  }
}

export interface Remote {
  url: string;
  token: string;
}

export function remoteOf(values: { url?: string; token?: string }): Remote | null {
  if (!values.url) return null;
  const token = values.token ?? process.env.QINGDAN_TOKEN;
  if (!token) throw new CliError('NO_TOKEN', '使用 --url 时须用 --token 或环境变量 QINGDAN_TOKEN 提供令牌');
  return { url: values.url.replace(/\/+$/, ''), token };
}

/** A problem response from the server as a CliError (code + Chinese detail). */
export async function remoteFailure(res: Response): Promise<CliError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { code?: string; detail?: string; errors?: { cell?: string; field?: string; message: string }[] };
    const cells =
      body.errors
        ?.slice(0, 5)
        .map((e) => `\n  ${e.cell ?? e.field ?? ''} ${e.message}`)
        .join('') ?? '';
    return new CliError(body.code ?? `HTTP_${res.status}`, `${body.detail ?? text}${cells}`);
  } catch {
    return new CliError(`HTTP_${res.status}`, `服务器返回 ${res.status}：${text.slice(0, 200)}`);
  }
}
