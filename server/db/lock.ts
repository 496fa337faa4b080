// An exclusive lock file for the PGlite data directory: PGlite aborts (or worse) when two processes
// open one data dir, so the second process must stop first with a clear message.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class LockError extends Error {
  code = 'DATA_DIR_LOCKED';
  constructor(public path: string, public pid: number) {
    super(`数据目录已被另一个进程（PID ${pid}）占用：${path}。请先停止该进程，或用 DATA_DIR 指定其他目录。`);
  }
}

export interface Lock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(path: string): Lock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx'); // O_CREAT|O_EXCL: atomic, only one creator wins
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {}
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) throw new LockError(path, pid);
      if (pid === process.pid) throw new LockError(path, pid); // the same process opened it twice
      unlinkSync(path); // stale: its process is gone (kill -9, crash)
    }
  }
  throw new LockError(path, 0);
}
