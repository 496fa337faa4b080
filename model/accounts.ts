// Units and tokens as the API answers them (GET /me, /units, /tokens): the route schemas and the typed
// client's types, from one description.
import { z } from 'zod';

export const Role = z.enum(['admin', 'reporter', 'viewer']);
export type Role = z.infer<typeof Role>;

export const Unit = z.object({ id: z.number(), name: z.string() }).meta({ id: 'Unit' });
export type Unit = z.infer<typeof Unit>;

/** A token as listed: only its prefix, never the secret. */
export const TokenInfo = z
  .object({
    id: z.number(),
    prefix: z.string().nullable(),
    role: Role,
    unit: Unit.nullable(),
    label: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'TokenInfo' });
export type TokenInfo = z.infer<typeof TokenInfo>;
