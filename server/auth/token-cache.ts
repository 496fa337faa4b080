// A verified token's actor, kept a few seconds per database handle: in a month-end rush every push
// otherwise pays one more round trip (issue 13). Only positive answers are kept (a bad secret still
// goes to the database and the throttle).
//
// In this process a revoke, a unit rename or a merge drops the cache at once (dropActors). A revoke or
// rename made by another process (the CLI, a second server on the same PostgreSQL) is seen here only when
// the entry expires: a revoked token keeps working for up to ACTOR_TTL_MS on the other servers.
import type { Db } from '../db/connect';
import type { Actor } from './tokens';

export const ACTOR_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000; // a bound, not a tuning knob: a whole office is a few hundred tokens

interface Cache {
  entries: Map<string, { actor: Actor; at: number }>;
  /** Bumped by every drop: a lookup that started before a drop must not store what it read. */
  generation: number;
}

const caches = new WeakMap<Db, Cache>();

function cacheOf(db: Db): Cache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { entries: new Map(), generation: 0 }));
  return c;
}

export function cachedActor(db: Db, hash: string, now = Date.now()): Actor | null {
  const c = cacheOf(db);
  const hit = c.entries.get(hash);
  if (!hit) return null;
  if (now - hit.at >= ACTOR_TTL_MS) {
    c.entries.delete(hash);
    return null;
  }
  return hit.actor;
}

/** The generation to hand back to storeActor once the database answered. */
export function actorGeneration(db: Db): number {
  return cacheOf(db).generation;
}

export function storeActor(db: Db, hash: string, actor: Actor, generation: number, now = Date.now()): void {
  const c = cacheOf(db);
  if (c.generation !== generation) return; // a revoke or unit change happened meanwhile
  if (c.entries.size >= MAX_ENTRIES) c.entries.clear();
  c.entries.set(hash, { actor, at: now });
}

/** After a revoke or a unit rename/merge has committed: every cached actor of this database is dropped. */
export function dropActors(db: Db): void {
  const c = cacheOf(db);
  c.generation++;
  c.entries.clear();
}
