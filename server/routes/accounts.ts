// Accounts: /me, /units, unit tokens and revocation (the units themselves: server/auth/units.ts).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type AppEnv } from '../auth/middleware';
import { Role, TokenInfo, Unit } from '../../model/accounts';
import { issueToken, listTokens, revokeToken } from '../auth/tokens';
import { createUnit, findUnit, listUnits, mergeUnits, renameUnit } from '../auth/units';
import type { Db } from '../db/connect';
import { Json } from './params';
import { HttpProblem } from './problem';

const admin = requireRole('admin');
const IdParam = (name: string) => z.object({ [name]: z.coerce.number().int().positive() });

export function accountRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  unitListRoutes(db, app);
  tokenRoutes(db, app);
  unitEditRoutes(db, app);
}

/** Who am I, the units, a new unit. */
function unitListRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['auth'],
      summary: '当前令牌的角色和单位',
      responses: { 200: Json(z.object({ role: Role, unit: Unit.nullable() }), 'Me') },
    }),
    (c) => {
      const a = c.get('actor');
      return c.json({ role: a.role, unit: a.unit }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/units', tags: ['units'], summary: '单位列表', responses: { 200: Json(z.array(Unit), 'Units') } }),
    async (c) => c.json(await listUnits(db), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/units',
      tags: ['units'],
      middleware: [admin] as const,
      summary: '创建单位',
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
}

/** Unit members' tokens: issue one, revoke one, list them. */
function tokenRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/units/{unitId}/tokens',
      tags: ['units'],
      middleware: [admin] as const,
      summary: '为单位成员创建令牌（只显示一次）',
      request: {
        params: IdParam('unitId'),
        body: {
          content: {
            'application/json': { schema: z.object({ role: z.enum(['reporter', 'viewer']).default('reporter'), label: z.string().max(100).optional() }) },
          },
          required: false,
        },
      },
      responses: { 201: Json(z.object({ id: z.number(), token: z.string(), role: z.string(), unit: Unit }), 'Token') },
    }),
    async (c) => {
      const { unitId } = c.req.valid('param') as { unitId: number };
      // The body is optional: an empty POST creates a reporter token.
      const text = await c.req.text().catch(() => '');
      const body = text
        ? z.object({ role: z.enum(['reporter', 'viewer']).default('reporter'), label: z.string().max(100).optional() }).parse(JSON.parse(text))
        : { role: 'reporter' as const, label: undefined };
      const unit = await findUnit(db, { id: unitId });
      if (!unit) throw new HttpProblem(404, 'UNKNOWN_UNIT', `找不到单位：${unitId}`);
      const { id, token } = await issueToken(db, { role: body.role, unit, label: body.label }, c.get('actor').name);
      return c.json({ id, token, role: body.role, unit }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{tokenId}',
      tags: ['units'],
      middleware: [admin] as const,
      summary: '撤销令牌',
      request: { params: IdParam('tokenId') },
      responses: { 200: Json(z.object({ ok: z.literal(true) }), 'Revoked') },
    }),
    async (c) => {
      const { tokenId } = c.req.valid('param') as { tokenId: number };
      if (!(await revokeToken(db, tokenId, c.get('actor').name))) throw new HttpProblem(404, 'UNKNOWN_TOKEN', `找不到令牌或已撤销：${tokenId}`);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['units'],
      middleware: [requireRole('admin', 'viewer')] as const,
      summary: '令牌列表（只显示前缀；角色、单位、创建时间、最近使用、撤销时间）',
      responses: { 200: Json(z.array(TokenInfo), 'Tokens') },
    }),
    async (c) => c.json(await listTokens(db), 200),
  );
}

/** Renaming a unit and merging it into another. */
function unitEditRoutes(db: Db, app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/units/{unitId}',
      tags: ['units'],
      middleware: [admin] as const,
      summary: '单位改名（填报、台账、催报中的名称一并更新；重名 409，不修改）',
      request: {
        params: IdParam('unitId'),
        body: { content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(100) }) } }, required: true },
      },
      responses: { 200: Json(Unit, 'Renamed') },
    }),
    async (c) => {
      const { unitId } = c.req.valid('param') as { unitId: number };
      const { name } = c.req.valid('json');
      return c.json(await renameUnit(db, unitId, name, c.get('actor').name), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/units/{unitId}/merge',
      tags: ['units'],
      middleware: [admin] as const,
      summary: '把该单位并入另一单位（令牌、分工、报送、台账随之转移；该单位删除）',
      request: {
        params: IdParam('unitId'),
        body: { content: { 'application/json': { schema: z.object({ into: z.number().int().positive() }) } }, required: true },
      },
      responses: { 200: Json(Unit, 'Merged into') },
    }),
    async (c) => {
      const { unitId } = c.req.valid('param') as { unitId: number };
      return c.json(await mergeUnits(db, unitId, c.req.valid('json').into, c.get('actor').name), 200);
    },
  );
}
