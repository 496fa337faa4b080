// What an upload compares its sheet with: the stored item rows (model/sheet.ts buildRows), asked for a
// page of the sheet at a time by the ids that page names, so an upload never needs the whole plan's rows
// in memory. The database's source is server/services/upload-items.ts; storedFromRows serves rows already
// built (tests, benchmarks).
import type { ItemRow, SheetRow } from '../../model/sheet';
import { norm } from './upload-header';

export interface StoredItems {
  /** The stored rows of these item ids; ids that are no item of the plan are absent. */
  byIds(itemIds: readonly string[]): Promise<ReadonlyMap<string, ItemRow>>;
  /** Every item's id by textKey(序号, 任务, 指标): for rows without an id (the id column dropped). */
  textIndex(): Promise<ReadonlyMap<string, string>>;
}

/** How a row without an id is matched: 序号 + 任务 + 指标, spaces and stars aside. */
export const textKey = (n: string, t: string, m: string) => `${norm(n)}\u0000${norm(t)}\u0000${norm(m)}`;

/** Items by textKey (a later item with the same texts wins, as it always did). */
export function textIndexOf(items: Iterable<Pick<ItemRow, 'itemId' | 'number' | 'task' | 'metric'>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of items) out.set(textKey(r.number, r.task, r.metric), r.itemId);
  return out;
}

/** Rows already built, as a source. */
export function storedFromRows(rows: readonly SheetRow[]): StoredItems {
  const items = rows.filter((r): r is ItemRow => r.kind === 'item');
  const byId = new Map(items.map((r) => [r.itemId, r]));
  return {
    byIds: async (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : []))),
    textIndex: async () => textIndexOf(items),
  };
}
