// The PGlite data-dir lock tells a stale lock from a live one without trusting the PID alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/connect';
import { acquireLock, LockError, processStart } from '../../server/db/lock';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'qd-lock-'));
  dirs.push(d);
  return d;
};
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('data-dir lock', () => {
  it('a lock naming this process’s own PID, left by an earlier run (PID 1 in a container), is stale', async () => {
    const dir = fresh();
    // What a crashed PID-1 server leaves behind when this process is the next PID 1: our PID, another run.
    writeFileSync(join(dir, 'qingdan.lock'), String(process.pid));
    const database = await openDatabase({ dataDir: dir });
    try {
      const info = JSON.parse(readFileSync(join(dir, 'qingdan.lock'), 'utf8'));
      expect(info.pid).toBe(process.pid);
      // …and the lock is live now: the same process opening it again is refused.
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(LockError);
    } finally {
      await database.close();
    }
    expect(existsSync(join(dir, 'qingdan.lock'))).toBe(false);
  });

  it('the same with a lock in the new format from another instance of this PID', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'qingdan.lock'), JSON.stringify({ pid: process.pid, start: processStart(process.pid), instance: 'an-earlier-run' }));
    const lock = acquireLock(join(dir, 'qingdan.lock'));
    lock.release();
  });

  it('a live process holding the lock is respected; the same PID with another start time (reused) is not', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    const dir = fresh();
    const path = join(dir, 'qingdan.lock');
    writeFileSync(path, JSON.stringify({ pid, start: processStart(pid), instance: 'live' }));
    expect(() => acquireLock(path)).toThrow(LockError);
    writeFileSync(path, JSON.stringify({ pid, start: '1', instance: 'long-gone' })); // PID reused since
    acquireLock(path).release();
  });

  it('a lock whose process is gone (kill -9) is stale', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'qingdan.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, start: '1', instance: 'dead' }));
    acquireLock(join(dir, 'qingdan.lock')).release();
  });
});
