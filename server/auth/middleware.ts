// Bearer-token authentication and role checks for /api/v1 (the workbook routes get the same).
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/connect';
import { problem } from '../routes/problem';
import { verifyToken, type Actor, type Role } from './tokens';

export type AppEnv = { Variables: { actor: Actor; requestId: string } };

export function authenticate(db: Db): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return problem(c, 401, 'UNAUTHENTICATED', '缺少访问令牌（Authorization: Bearer …）');
    const actor = await verifyToken(db, m[1]);
    if (!actor) return problem(c, 401, 'BAD_TOKEN', '访问令牌无效或已撤销');
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
