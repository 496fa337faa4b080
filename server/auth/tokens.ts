// Tokens: random secrets given out once, stored only as a sha-256 hash, compared in constant time,
// revocable. The actor a token stands for is what every route and service receives.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { audit, tokenMeta, tokens, units } from '../db/schema';
import type { Role } from '../../model/accounts';
import { actorGeneration, cachedActor, dropActors, storeActor } from './token-cache';

// The roles are model/accounts.ts `Role` (one list for the API, the database checks and the CLI).
export type { Role } from '../../model/accounts';

export interface Actor {
  tokenId: number;
  role: Role;
  unit: { id: number; name: string } | null;
  /** How the actor appears in updated_by and the audit: "admin#1", "综合规划处#7". */
  name: string;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSecret(): string {
  return 'qd_' + randomBytes(32).toString('base64url');
}

export function actorName(role: Role, unitName: string | null, tokenId: number): string {
  return `${unitName ?? role}#${tokenId}`;
}

export async function createToken(
  db: Db,
  opts: { role: Role; unitId?: number | null; label?: string; secret?: string },
): Promise<{ id: number; token: string }> {
  if (opts.role === 'reporter' && !opts.unitId) throw new Error('填报令牌须指定单位');
  const secret = opts.secret ?? newSecret();
  const [row] = await db
    .insert(tokens)
    .values({ hash: hashToken(secret), role: opts.role, unitId: opts.unitId ?? null, label: opts.label ?? null })
    .returning({ id: tokens.id });
  await db.insert(tokenMeta).values({ tokenId: row.id, prefix: tokenPrefix(secret) });
  return { id: row.id, token: secret };
}

/** The actor for a bearer secret, or null (unknown or revoked). */
export async function verifyToken(db: Db, secret: string): Promise<Actor | null> {
  if (!secret || secret.length > 200) return null;
  const hash = hashToken(secret);
  const cached = cachedActor(db, hash);
  if (cached) return cached;
  const generation = actorGeneration(db);
  const [row] = await db
    .select({ id: tokens.id, hash: tokens.hash, role: tokens.role, unitId: tokens.unitId, unitName: units.name })
    .from(tokens)
    .leftJoin(units, eq(units.id, tokens.unitId))
    .where(and(eq(tokens.hash, hash), isNull(tokens.revokedAt)))
    .limit(1);
  // The index lookup already matched the hash; the constant-time compare keeps the check itself
  // independent of how many leading characters agree.
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  await touchToken(db, row.id);
  const role = row.role as Role;
  const unit = row.unitId != null && row.unitName != null ? { id: row.unitId, name: row.unitName } : null;
  const actor: Actor = { tokenId: row.id, role, unit, name: actorName(role, unit?.name ?? null, row.id) };
  storeActor(db, hash, actor, generation);
  return actor;
}

/** What the token list shows of a secret: enough to tell two apart, not enough to use one. */
export function tokenPrefix(secret: string): string {
  return secret.slice(0, 7) + '…';
}

// last_used_at is written at most once a minute per token and process: the list needs the day, not the request.
const TOUCH_MS = 60_000;
const touchedByDb = new WeakMap<Db, Map<number, number>>();
async function touchToken(db: Db, id: number): Promise<void> {
  const now = Date.now();
  const touched = touchedByDb.get(db) ?? new Map<number, number>();
  touchedByDb.set(db, touched);
  if (now - (touched.get(id) ?? 0) < TOUCH_MS) return;
  touched.set(id, now);
  await db
    .update(tokenMeta)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(tokenMeta.tokenId, id));
}

export interface TokenInfo {
  id: number;
  prefix: string | null; // null for tokens issued before the list existed
  role: Role;
  unit: { id: number; name: string } | null;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Every token without its secret (issue 9: the office's token list). */
export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db
    .select({
      id: tokens.id,
      role: tokens.role,
      unitId: tokens.unitId,
      unitName: units.name,
      label: tokens.label,
      createdAt: tokens.createdAt,
      revokedAt: tokens.revokedAt,
      prefix: tokenMeta.prefix,
      lastUsedAt: tokenMeta.lastUsedAt,
    })
    .from(tokens)
    .leftJoin(units, eq(units.id, tokens.unitId))
    .leftJoin(tokenMeta, eq(tokenMeta.tokenId, tokens.id))
    .orderBy(asc(tokens.id));
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix ?? null,
    role: r.role as Role,
    unit: r.unitId != null && r.unitName != null ? { id: r.unitId, name: r.unitName } : null,
    label: r.label,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** A token given out by the office (API or CLI): created and audited in one transaction. */
export async function issueToken(
  db: Db,
  opts: { role: Role; unit?: { id: number; name: string } | null; label?: string },
  actor: string,
): Promise<{ id: number; token: string }> {
  return db.transaction(async (tx) => {
    const created = await createToken(tx as unknown as Db, { role: opts.role, unitId: opts.unit?.id ?? null, label: opts.label });
    await tx
      .insert(audit)
      .values({ entity: 'token', entityId: String(created.id), action: 'create', actor, new: { role: opts.role, unit: opts.unit?.name ?? null } });
    return created;
  });
}

/** Revokes a token and audits it; false when it is unknown or already revoked. */
export async function revokeToken(db: Db, id: number, actor: string): Promise<boolean> {
  const revoked = await db.transaction(async (tx) => {
    const rows = await tx
      .update(tokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(tokens.id, id), isNull(tokens.revokedAt)))
      .returning({ id: tokens.id });
    if (rows.length) await tx.insert(audit).values({ entity: 'token', entityId: String(id), action: 'revoke', actor });
    return rows.length > 0;
  });
  // Once committed: the next request with this token reads the database and is refused.
  if (revoked) dropActors(db);
  return revoked;
}
