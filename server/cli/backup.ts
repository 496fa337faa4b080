// `npx qingdan backup FILE` writes every row of the configured database (DATA_DIR or DATABASE_URL) to
// FILE as JSON; `npx qingdan restore FILE` loads one into an empty database — a new DATA_DIR, or a newly
// created PostgreSQL database. With the embedded database the server must be stopped (it holds the lock).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { backupDatabase, BackupError, restoreDatabase, type Backup } from '../services/backup';
import { CliError } from './cli-error';
import { openConfigured } from './workbook-target';

const WHILE_RUNNING = '内置数据库运行时无法备份：请先停止服务，或改用 PostgreSQL（DATABASE_URL）';

export async function backup(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw new CliError('USAGE', '用法：qingdan backup 备份文件.json');
  const database = await openConfigured(WHILE_RUNNING);
  try {
    const b = await backupDatabase(database.db);
    // Written aside first: an interrupted backup never leaves a truncated file under the real name.
    writeFileSync(`${file}.partial`, JSON.stringify(b));
    renameSync(`${file}.partial`, file);
    const counts = Object.entries(b.tables)
      .map(([t, v]) => `${t} ${v.rows.length}`)
      .join('，');
    console.error(`已备份到 ${file}：${counts}`);
    return 0;
  } finally {
    await database.close();
  }
}

export async function restore(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw new CliError('USAGE', '用法：qingdan restore 备份文件.json（恢复到空的数据目录或数据库）');
  let parsed: Backup;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError('BAD_BACKUP', `无法读取备份文件 ${file}：${(err as Error).message}`);
  }
  const database = await openConfigured(WHILE_RUNNING);
  try {
    const counts = await restoreDatabase(database.db, parsed);
    console.error(
      `已从 ${file} 恢复：${Object.entries(counts)
        .map(([t, n]) => `${t} ${n}`)
        .join('，')}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.code, err.message);
    throw err;
  } finally {
    await database.close();
  }
}

export const run = backup;
