// The verified-actor cache (server/auth/token-cache.ts): a hit skips the database, a revoke or a unit
// rename/merge in this process is seen by the very next request, an entry expires after ACTOR_TTL_MS.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTOR_TTL_MS, actorGeneration, cachedActor, dropActors, storeActor } from '../../server/auth/token-cache';
import { createToken, hashToken, revokeToken, verifyToken } from '../../server/auth/tokens';
import { createUnit, mergeUnits, renameUnit } from '../../server/auth/units';
import type { Db } from '../../server/db/connect';
import { databases, type TestDatabase } from '../helpers/db';

for (const target of databases()) {
  describe.skipIf(target.skip)(`token cache (${target.label})`, () => {
    let database: TestDatabase;
    let db: Db;
    beforeAll(async () => {
      database = await target.open();
      db = database.db;
    });
    afterAll(async () => database?.close());

    it('a revoke in this process is refused on the next request, not after the TTL', async () => {
      const unit = (await createUnit(db, '缓存一处', 'test'))!;
      const { id, token } = await createToken(db, { role: 'reporter', unitId: unit.id });
      expect((await verifyToken(db, token))?.name).toBe(`缓存一处#${id}`);
      expect(cachedActor(db, hashToken(token))?.tokenId).toBe(id); // cached
      expect(await revokeToken(db, id, 'test')).toBe(true);
      expect(cachedActor(db, hashToken(token))).toBeNull();
      expect(await verifyToken(db, token)).toBeNull();
    });

    it('a unit rename or merge drops the cached actor: the next request carries the new unit', async () => {
      const a = (await createUnit(db, '缓存二处', 'test'))!;
      const b = (await createUnit(db, '缓存三处', 'test'))!;
      const { id, token } = await createToken(db, { role: 'reporter', unitId: a.id });
      expect((await verifyToken(db, token))?.unit).toEqual({ id: a.id, name: '缓存二处' });
      await renameUnit(db, a.id, '缓存四处', 'test');
      expect((await verifyToken(db, token))?.name).toBe(`缓存四处#${id}`);
      await mergeUnits(db, a.id, b.id, 'test');
      expect((await verifyToken(db, token))?.unit).toEqual({ id: b.id, name: '缓存三处' });
    });

    it('a hit does not read the database (a revoke written behind its back stays unseen until the TTL)', async () => {
      const { id, token } = await createToken(db, { role: 'viewer' });
      expect(await verifyToken(db, token)).not.toBeNull();
      // Another process's revoke: the row changes, this process is not told.
      await db.execute(sql`update tokens set revoked_at = now() where id = ${id}`);
      expect((await verifyToken(db, token))?.tokenId).toBe(id);
      dropActors(db); // what the TTL does at the latest
      expect(await verifyToken(db, token)).toBeNull();
    });
  });
}

describe('token cache entries', () => {
  const db = {} as Db;
  const actor = { tokenId: 1, role: 'viewer' as const, unit: null, name: 'viewer#1' };

  it('expire after ACTOR_TTL_MS', () => {
    storeActor(db, 'h', actor, actorGeneration(db), 1_000);
    expect(cachedActor(db, 'h', 1_000 + ACTOR_TTL_MS - 1)).toBe(actor);
    expect(cachedActor(db, 'h', 1_000 + ACTOR_TTL_MS)).toBeNull();
  });

  it('a lookup that started before a drop does not store what it read', () => {
    const generation = actorGeneration(db);
    dropActors(db); // a revoke committed while the lookup was reading
    storeActor(db, 'h2', actor, generation);
    expect(cachedActor(db, 'h2')).toBeNull();
  });
});
