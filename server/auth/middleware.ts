// Bearer-token authentication and role checks for /api/v1 (the workbook routes get the same).
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/connect';
import { problem } from '../routes/problem';
import { AuthThrottle } from './throttle';
import { verifyToken, type Actor, type Role } from './tokens';

export type AppEnv = { Variables: { actor: Actor; requestId: string } };

/** The peer's address (node server); requests made in-process (app.request in tests) share one. */
export function clientAddress(c: { env: unknown }): string {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
}

export function authenticate(db: Db, throttle = new AuthThrottle()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return problem(c, 401, 'UNAUTHENTICATED', '缺少访问令牌（Authorization: Bearer …）');
    const address = clientAddress(c);
    const wait = throttle.retryAfter(address);
    if (wait > 0) {
      const res = problem(c, 429, 'TOO_MANY_BAD_TOKENS', `无效令牌尝试过多，请 ${wait} 秒后再试`);
      res.headers.set('retry-after', String(wait));
      return res;
    }
    const actor = await verifyToken(db, m[1]);
    if (!actor) {
      throttle.fail(address);
      return problem(c, 401, 'BAD_TOKEN', '访问令牌无效或已撤销');
    }
    c.set('actor', actor);
    await next();
  };
}

export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!actor || !roles.includes(actor.role)) return problem(c, 403, 'FORBIDDEN', `无权执行此操作（需要角色：${roles.join('、')}）`);
    await next();
  };
}
