// The add-in's three-way merge, as rules: base = what the sheet last synced (snapshot version), local =
// the row as typed now, server = a newer entry pulled or a push's conflict answer. Pure, so the rule is
// tested without Excel (test/model/merge.test.ts); addin/sync/ only applies the decision to cells.
import { INPUT_KEYS, type InputKey, type ProgressValues } from './fields';
import { normalizeField } from './rules';

export type MergeDecision =
  /** The server's entry is not newer than the base: nothing to do. */
  | { action: 'keep-local' }
  /** Take the server's version; `writeCells` when the row was not edited (else it already shows the same values). */
  | { action: 'take-server'; writeCells: boolean }
  /** Both sides changed: `fields` are the input fields where the row and the server differ. */
  | { action: 'conflict'; fields: InputKey[] };

export interface MergeInput {
  /** The version the sheet last synced (0 = never). */
  baseVersion: number;
  /** The row's input values as they would be stored, and whether they differ from the base. */
  local: ProgressValues;
  localEdited: boolean;
  server: { version: number; values: ProgressValues };
}

/** The input fields where two sets of values differ, in sheet order. */
export function differingFields(a: ProgressValues, b: ProgressValues): InputKey[] {
  return INPUT_KEYS.filter((k) => a[k] !== b[k]);
}

/** 刷新 / 同步's pull: what to do with a server entry for a row of this sheet. */
export function mergeRow({ baseVersion, local, localEdited, server }: MergeInput): MergeDecision {
  if (baseVersion >= server.version) return { action: 'keep-local' };
  if (!localEdited) return { action: 'take-server', writeCells: true };
  const fields = differingFields(local, server.values);
  // Edited to exactly what the server now has: no conflict, only a newer version to record.
  return fields.length ? { action: 'conflict', fields } : { action: 'take-server', writeCells: false };
}

/**
 * A push answered "conflict": the fields I sent, as typed, whose stored form differs from the server's
 * (the cells the conflict is marked on and kept as "mine").
 */
export function conflictingFields(sent: Partial<Record<string, unknown>>, server: ProgressValues): Partial<Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(sent).filter(([k, v]) => (INPUT_KEYS as readonly string[]).includes(k) && normalizeField(k as InputKey, v).value !== server[k as InputKey]),
  );
}

/** Resolving a conflict: either way the base becomes the server's version; "server" also overwrites the row. */
export function resolveConflict(
  server: { version: number; values: ProgressValues },
  choice: 'mine' | 'server',
): { baseVersion: number; baseValues: ProgressValues; writeCells: ProgressValues | null } {
  return { baseVersion: server.version, baseValues: server.values, writeCells: choice === 'server' ? server.values : null };
}
