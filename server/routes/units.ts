// /me, /units, unit tokens and revocation.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type AppEnv } from '../auth/middleware';
import { issueToken, revokeToken, ROLES } from '../auth/tokens';
import { createUnit, findUnit, listUnits } from '../auth/units';
import type { Db } from '../db/connect';
import { Json } from './params';
import { HttpProblem } from './problem';

const Unit = z.object({ id: z.number(), name: z.string() }).openapi('Unit');
const admin = requireRole('admin');
const IdParam = (name: string) => z.object({ [name]: z.coerce.number().int().positive() });

export function unitRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({ method: 'get', path: '/me', tags: ['auth'], summary: '当前令牌的角色和单位', responses: { 200: Json(z.object({ role: z.enum(ROLES), unit: Unit.nullable() }), 'Me') } }),
    (c) => {
      const a = c.get('actor');
      return c.json({ role: a.role, unit: a.unit }, 200);
    },
  );

  app.openapi(createRoute({ method: 'get', path: '/units', tags: ['units'], summary: '单位列表', responses: { 200: Json(z.array(Unit), 'Units') } }), async (c) =>
    c.json(await listUnits(db), 200),
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/units', tags: ['units'], middleware: [admin] as const, summary: '创建单位',
      request: { body: { content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(100) }) } }, required: true } },
      responses: { 201: Json(Unit, 'Created') },
    }),
    async (c) => {
      const { name } = c.req.valid('json');
      const unit = await createUnit(db, name, c.get('actor').name);
      if (!unit) throw new HttpProblem(409, 'UNIT_EXISTS', `单位已存在：${name}`);
      return c.json(unit, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/units/{unitId}/tokens', tags: ['units'], middleware: [admin] as const, summary: '为单位成员创建令牌（只显示一次）',
      request: {
        params: IdParam('unitId'),
        body: { content: { 'application/json': { schema: z.object({ role: z.enum(['reporter', 'viewer']).default('reporter'), label: z.string().max(100).optional() }) } }, required: false },
      },
      responses: { 201: Json(z.object({ id: z.number(), token: z.string(), role: z.string(), unit: Unit }), 'Token') },
    }),
    async (c) => {
      const { unitId } = c.req.valid('param') as { unitId: number };
      // The body is optional: an empty POST creates a reporter token.
      const text = await c.req.text().catch(() => '');
      const body = text ? z.object({ role: z.enum(['reporter', 'viewer']).default('reporter'), label: z.string().max(100).optional() }).parse(JSON.parse(text)) : { role: 'reporter' as const, label: undefined };
      const unit = await findUnit(db, { id: unitId });
      if (!unit) throw new HttpProblem(404, 'UNKNOWN_UNIT', `找不到单位：${unitId}`);
      const { id, token } = await issueToken(db, { role: body.role, unit, label: body.label }, c.get('actor').name);
      return c.json({ id, token, role: body.role, unit }, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/tokens/{tokenId}', tags: ['units'], middleware: [admin] as const, summary: '撤销令牌', request: { params: IdParam('tokenId') }, responses: { 200: Json(z.object({ ok: z.literal(true) }), 'Revoked') } }),
    async (c) => {
      const { tokenId } = c.req.valid('param') as { tokenId: number };
      if (!(await revokeToken(db, tokenId, c.get('actor').name))) throw new HttpProblem(404, 'UNKNOWN_TOKEN', `找不到令牌或已撤销：${tokenId}`);
      return c.json({ ok: true as const }, 200);
    },
  );
}
