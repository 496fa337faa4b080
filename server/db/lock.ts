// An exclusive lock file for the PGlite data directory: PGlite aborts (or worse) when two processes
// open one data dir, so the second process must stop first with a clear message.
//
// A PID alone cannot tell a live lock from a stale one: in a container the server is PID 1 on every
// start, so after a crash the lock names the new process's own PID; and a PID may be reused by an
// unrelated process. The lock therefore records the PID, the process's start time (/proc/PID/stat,
// field 22) and a random instance id. It is live only if that PID runs now with the same start time —
// or, for our own PID, if this process (this instance) really holds it.
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export class LockError extends Error {
  code = 'DATA_DIR_LOCKED';
  constructor(
    public path: string,
    public pid: number,
  ) {
    super(`数据目录已被另一个进程（PID ${pid}）占用：${path}。请先停止该进程，或用 DATA_DIR 指定其他目录。`);
  }
}

export interface Lock {
  release(): void;
}

interface LockInfo {
  pid: number;
  /** Clock ticks since boot when that process started (Linux); null where /proc is absent. */
  start: string | null;
  instance: string;
}

const INSTANCE = randomUUID();
/** Lock files this process holds now (real paths): opening one twice in one process is refused. */
const held = new Set<string>();

/** A process's start time from /proc/PID/stat, or null (no /proc, or no such process). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(path: string): LockInfo | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
  try {
    const j = JSON.parse(text);
    if (Number.isSafeInteger(j.pid)) return { pid: j.pid, start: typeof j.start === 'string' ? j.start : null, instance: String(j.instance ?? '') };
  } catch {}
  const pid = Number(text); // an older lock file: just the PID
  return Number.isSafeInteger(pid) && pid > 0 ? { pid, start: null, instance: '' } : null;
}

/** Whether the process a lock names still holds it. */
function isLive(info: LockInfo, path: string): boolean {
  if (info.pid === process.pid) return held.has(path) && info.instance === INSTANCE;
  if (!alive(info.pid)) return false;
  const start = processStart(info.pid);
  // With /proc on both sides a different start time means the PID was reused; without, trust the PID.
  return info.start === null || start === null || start === info.start;
}

function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/**
 * Moves a stale lock (kill -9, crash, a previous PID 1) out of the way. Two processes may find the same
 * stale lock: the lock is renamed aside first and checked, so one that another process had just put in
 * its place is put back instead of deleted.
 */
function removeStale(path: string, stale: LockInfo | null): void {
  const aside = `${path}.stale-${INSTANCE}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readInfo(aside);
  const same = moved && stale && moved.pid === stale.pid && moved.instance === stale.instance && moved.start === stale.start;
  if (moved && !same) {
    try {
      linkSync(aside, path);
    } catch {}
  }
  unlinkSync(aside);
}

export function acquireLock(lockPath: string): Lock {
  const path = canonical(lockPath);
  if (held.has(path)) throw new LockError(path, process.pid); // the same process opened it twice
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written in full under a private name, then linked into place: link() fails if the lock exists
    // (only one creator wins) and nobody ever reads a half-written lock.
    const mine = `${path}.${INSTANCE}`;
    writeFileSync(mine, JSON.stringify({ pid: process.pid, start: processStart(process.pid), instance: INSTANCE } satisfies LockInfo));
    try {
      linkSync(mine, path);
      unlinkSync(mine);
      held.add(path);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(path);
        try {
          if (readInfo(path)?.instance === INSTANCE) unlinkSync(path);
        } catch {}
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      unlinkSync(mine);
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const info = readInfo(path);
      if (info && isLive(info, path)) throw new LockError(path, info.pid);
      removeStale(path, info);
    }
  }
  throw new LockError(path, 0);
}
