// Why an uploaded row is a conflict, in words a reporter can act on (issue 12/15): a file older than what
// the same unit already synced is not "changed by someone else" — it is an old download; a real conflict
// names who changed the row and when. Pure: the history comes from the audit (server/services/workbook-upload.ts).

/** One stored change of a progress entry: who wrote which version, when (ISO). */
export interface ChangeRecord {
  actor: string; // "公路局#3", "admin#1" (server/auth/tokens.ts actorName)
  at: string;
  version: number;
}

export interface ConflictExplanation {
  code: 'STALE_FILE' | 'CHANGED_BY_OTHER';
  message: string;
  /** Who made the latest change the file does not have, and when. */
  changedBy: string;
  changedAt: string;
}

/** The unit (or role) an actor name stands for: "公路局#3" → 公路局, "admin#1" → 管理员. */
export function actorLabel(actor: string): string {
  const who = actor.replace(/#\d+$/, '');
  return who === 'admin' ? '管理员' : who === 'viewer' ? '查看者' : who === 'cli' ? '管理员（命令行）' : who;
}

/** "6月3日 14:05" in China time (UTC+8, no daylight saving). */
export function chinaTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/**
 * The row was exported at `baseVersion`; `history` holds the entry's changes (any order). When the
 * uploader's own unit wrote a later version, the file is older than what that unit synced; otherwise the
 * row was changed by whoever wrote the versions the file lacks.
 */
export function explainConflict(history: ChangeRecord[], baseVersion: number, serverVersion: number, uploader: string): ConflictExplanation {
  const since = history.filter((h) => h.version > baseVersion).sort((a, b) => a.version - b.version);
  const unit = actorLabel(uploader);
  const latest = since[since.length - 1];
  const mine = since.filter((h) => actorLabel(h.actor) === unit);
  if (!latest) {
    return { code: 'CHANGED_BY_OTHER', message: `该行已被修改（服务器版本${serverVersion}），未保存；请重新下载清单后再填报`, changedBy: '', changedAt: '' };
  }
  if (mine.length) {
    const own = mine[mine.length - 1];
    const after = actorLabel(latest.actor) === unit ? '' : `（之后${actorLabel(latest.actor)}于${chinaTime(latest.at)}又作了修改）`;
    return {
      code: 'STALE_FILE',
      message: `该文件早于本单位${chinaTime(own.at)}同步的内容${after}，未保存；请重新下载最新清单后再填报`,
      changedBy: latest.actor,
      changedAt: latest.at,
    };
  }
  return {
    code: 'CHANGED_BY_OTHER',
    message: `该行已被${actorLabel(latest.actor)}于${chinaTime(latest.at)}修改（服务器版本${serverVersion}），未保存；请重新下载清单后再填报`,
    changedBy: latest.actor,
    changedAt: latest.at,
  };
}
