// Optional HTTPS for the server itself: Office only loads add-ins from https, so for sideloading on a
// developer machine run `npx office-addin-dev-certs install` (creates ~/.office-addin-dev-certs/
// localhost.crt + localhost.key and trusts its CA) and start with
//   QINGDAN_TLS_CERT=~/.office-addin-dev-certs/localhost.crt QINGDAN_TLS_KEY=~/.office-addin-dev-certs/localhost.key npm start
// In production a reverse proxy (nginx, IIS) usually terminates TLS instead.
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

export type TlsServeOptions = { createServer: typeof createServer; serverOptions: { cert: Buffer; key: Buffer } } | Record<string, never>;

const expand = (p: string) => (p.startsWith('~/') ? homedir() + p.slice(1) : p);

/** Spread into @hono/node-server's serve() options; {} when TLS is not configured. */
export function tlsServeOptions(env: NodeJS.ProcessEnv = process.env): TlsServeOptions {
  const certPath = env.QINGDAN_TLS_CERT;
  const keyPath = env.QINGDAN_TLS_KEY;
  if (!certPath && !keyPath) return {};
  if (!certPath || !keyPath) throw new Error('QINGDAN_TLS_CERT 和 QINGDAN_TLS_KEY 须同时设置');
  const read = (name: string, p: string) => {
    try {
      return readFileSync(expand(p));
    } catch (err) {
      throw new Error(`无法读取 ${name}（${p}）：${(err as Error).message}`);
    }
  };
  return { createServer, serverOptions: { cert: read('QINGDAN_TLS_CERT', certPath), key: read('QINGDAN_TLS_KEY', keyPath) } };
}
