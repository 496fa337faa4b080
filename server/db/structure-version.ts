// structure_version: one row, bumped by statement triggers on every change to a plan's structure (nodes,
// targets, their revisions, assignments, units: drizzle/0009_structure_triggers.sql). Whoever keeps
// structure between requests (server/services/push-structure.ts, server/services/workbook-pages.ts) reads
// it in the same snapshot as what it keeps, and reads again when it has moved.
import { sql } from 'drizzle-orm';

/** The current structure version as a float8 column expression (0 before the first change). */
export const STRUCTURE_VERSION = sql`coalesce((select version from structure_version where id = 1), 0)::float8`;
