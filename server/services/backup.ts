// Backups as JSON rows, the same on PGlite and PostgreSQL: every table of the schema, each read in one
// snapshot (one repeatable-read transaction) as PostgreSQL's own JSON of its rows, so timestamps, jsonb
// and doubles come back exactly. A restore goes into an empty, migrated database in one transaction
// (parents before children), refuses a backup whose tables or columns differ from this version's (so
// nothing is silently dropped), and moves the id sequences past the restored ids.
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/connect';

export const BACKUP_FORMAT = 'qingdan-backup';

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  /** Table → its columns and rows (as PostgreSQL's row_to_json gives them). */
  tables: Record<string, { columns: string[]; rows: unknown[] }>;
}

export class BackupError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The schema's tables, parents before the tables whose foreign keys point at them. Not structure_version:
 * it is the restored rows' own triggers that set it, and a backup's older number must not replace it.
 * Nor generated columns (progress.entry): the database computes them from the restored columns.
 */
async function tablesInOrder(db: Pick<Db, 'execute'>): Promise<{ name: string; columns: string[] }[]> {
  const cols = await rowsOf<{ table: string; column: string }>(
    db,
    sql`select c.table_name as "table", c.column_name as "column" from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name <> 'structure_version' and c.is_generated = 'NEVER'
        order by c.table_name, c.ordinal_position`,
  );
  const fks = await rowsOf<{ child: string; parent: string }>(
    db,
    sql`select conrelid::regclass::text as child, confrelid::regclass::text as parent from pg_constraint
        where contype = 'f' and connamespace = 'public'::regnamespace`,
  );
  const columns = new Map<string, string[]>();
  for (const c of cols) columns.set(c.table, [...(columns.get(c.table) ?? []), c.column]);
  const order: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (order.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent.replace(/^public\./, '').replace(/"/g, ''), seen);
    order.push(t);
  };
  for (const t of [...columns.keys()].sort()) visit(t, new Set());
  return order.filter((t) => columns.has(t)).map((name) => ({ name, columns: columns.get(name)! }));
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);
const idents = (names: string[]) => sql.join(names.map(ident), sql`, `);

export async function backupDatabase(db: Db): Promise<Backup> {
  return db.transaction(
    async (tx) => {
      const tables: Backup['tables'] = {};
      for (const t of await tablesInOrder(tx)) {
        const [{ rows }] = await rowsOf<{ rows: string }>(
          tx,
          sql`select coalesce(json_agg(x), '[]')::text as rows from (select ${idents(t.columns)} from ${ident(t.name)}) x`,
        );
        tables[t.name] = { columns: t.columns, rows: JSON.parse(rows) };
      }
      return { format: BACKUP_FORMAT, version: 1 as const, createdAt: new Date().toISOString(), tables };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Restores into an empty database; returns the number of rows per table. */
export async function restoreDatabase(db: Db, backup: Backup): Promise<Record<string, number>> {
  if (backup?.format !== BACKUP_FORMAT || backup.version !== 1 || typeof backup.tables !== 'object')
    throw new BackupError('NOT_A_BACKUP', '该文件不是 qingdan 备份（format: qingdan-backup）');
  return db.transaction(async (tx) => {
    const here = await tablesInOrder(tx);
    const names = new Set(here.map((t) => t.name));
    for (const [name, t] of Object.entries(backup.tables)) {
      const mine = here.find((h) => h.name === name);
      if (!mine) throw new BackupError('BACKUP_MISMATCH', `备份中的表 ${name} 在本版本中不存在：请用生成该备份的版本恢复`);
      const missing = t.columns.filter((c) => !mine.columns.includes(c));
      if (missing.length) throw new BackupError('BACKUP_MISMATCH', `备份中表 ${name} 的列 ${missing.join('、')} 在本版本中不存在`);
    }
    for (const t of here) {
      const [{ n }] = await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from ${ident(t.name)}`);
      if (n > 0 && t.name !== '__drizzle_migrations')
        throw new BackupError('NOT_EMPTY', `目标数据库不是空的（表 ${t.name} 有 ${n} 行）：请恢复到新的数据目录或新建的数据库`);
    }
    const restored: Record<string, number> = {};
    for (const t of here) {
      const rows = backup.tables[t.name]?.rows ?? [];
      if (!names.has(t.name) || !rows.length) continue;
      for (let i = 0; i < rows.length; i += 2000) {
        await tx.execute(
          sql`insert into ${ident(t.name)} (${idents(t.columns)})
              select ${idents(t.columns)} from json_populate_recordset(null::${ident(t.name)}, ${JSON.stringify(rows.slice(i, i + 2000))}::json)`,
        );
      }
      restored[t.name] = rows.length;
      // bigserial ids: the next one must come after the restored ones.
      for (const col of t.columns) {
        const [{ seq }] = await rowsOf<{ seq: string | null }>(tx, sql`select pg_get_serial_sequence(${`public.${t.name}`}, ${col}) as seq`);
        if (seq) await tx.execute(sql`select setval(${seq}::regclass, (select coalesce(max(${ident(col)}), 0) + 1 from ${ident(t.name)}), false)`);
      }
    }
    return restored;
  });
}
