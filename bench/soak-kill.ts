// kill -9 during 5,000-row pushes: a real server process (server/main.ts) on PGlite or PostgreSQL is
// killed at a different moment of each push, restarted on the same data, and then: the batch's rows
// are wholly present or wholly absent, and re-sending the same batch applies it exactly once (all 5,000
// rows at version 1; one audit row with that batch id for each of 50 keys spread over the batch).
// Loopback only, a bounded number of rounds.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createToken } from '../server/auth/tokens';
import { openDatabase, type Database } from '../server/db/connect';
import { savePlan } from '../server/services/plans';
import { samplePlan } from '../test/helpers/plan';
import { median } from './measure';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = 'qd_soak_admin_token_0123456789abcdef';
const PLAN = 'soak';

export interface KillRound {
  round: number;
  delayMs: number;
  beforeRetry: 'absent' | 'present' | 'partial';
  answeredBeforeKill: boolean;
  retry: 'applied' | 'replayed' | 'wrong';
  ok: boolean;
}

interface Server {
  child: ChildProcess;
  url: string;
  startMs: number;
}

function startServer(env: Record<string, string>): Promise<Server> {
  const t = performance.now();
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.DATA_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...clean, ...env, PORT: '0', QINGDAN_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`服务 60 秒内未启动：${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}`, startMs: performance.now() - t });
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`服务退出（${code}）：${err}`)));
  });
}

function kill9(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

async function push(url: string, batchId: string, keys: string[], round: number): Promise<Response> {
  const entries = keys.map((key) => ({ key, baseVersion: 0, fields: { status: '推进中', progress: `第${round}轮 ${key}` } }));
  return fetch(`${url}/api/v1/plans/${PLAN}/progress/batches`, { method: 'POST', headers, body: JSON.stringify({ batchId, entries }) });
}

async function monthKeys(url: string, month: string): Promise<{ key: string; version: number }[]> {
  const res = await fetch(`${url}/api/v1/plans/${PLAN}/periods/${month}/rows`, { headers });
  const rows = ((await res.json()) as { rows: { kind: string; key: string; version: number }[] }).rows;
  return rows.filter((r) => r.key && r.kind !== 'section').map((r) => ({ key: r.key, version: r.version }));
}

/** Whether each of 50 keys spread over the batch has exactly one audit row, and it is this batch's. */
async function auditedOnce(url: string, batchId: string, keys: string[]): Promise<boolean> {
  for (let i = 0; i < keys.length; i += Math.ceil(keys.length / 50)) {
    const res = await fetch(`${url}/api/v1/audit?entity=progress&planId=${PLAN}&id=${encodeURIComponent(keys[i])}`, { headers });
    const entries = (await res.json()) as { batchId: string | null }[];
    if (entries.length !== 1 || entries[0].batchId !== batchId) return false;
  }
  return true;
}

/** Prepares the database (a 5,000-task plan = 5,000 items a month, the admin token), then runs the rounds. */
export async function killSoak(
  kind: 'pglite' | 'pg',
  target: { dataDir?: string; databaseUrl?: string },
  rounds = 10,
): Promise<{ rounds: KillRound[]; restartMs: number; pushMs: number }> {
  const database: Database = await openDatabase(target);
  await savePlan(database.db, samplePlan({ id: PLAN, tasks: 5000, year: 2024 }), 'soak');
  await createToken(database.db, { role: 'admin', secret: ADMIN });
  await database.close();
  const env: Record<string, string> = target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { DATA_DIR: target.dataDir! };

  let server = await startServer(env);
  const restarts: number[] = [];
  const result: KillRound[] = [];
  try {
    // An unkilled push (December) tells how long one takes: the kills land across that span.
    const dec = (await monthKeys(server.url, '2024-12')).map((r) => r.key);
    if (dec.length < 5000) throw new Error(`计划只有 ${dec.length} 个条目`);
    let t = performance.now();
    await (await push(server.url, `soak-${kind}-warm`, dec.slice(0, 5000), 0)).arrayBuffer();
    const pushMs = performance.now() - t;
    // The latest full push's duration: pushes slow down as the table grows (PGlite more than PG).
    let lastMs = pushMs;

    for (let round = 1; round <= rounds; round++) {
      const month = `2024-${String(round).padStart(2, '0')}`;
      const keys = (await monthKeys(server.url, month)).map((r) => r.key).slice(0, 5000);
      const batchId = `soak-${kind}-${round}-${Date.now()}`;
      const delayMs = Math.round(lastMs * (0.05 + (round - 1) * 0.11)); // 5% … 104% of a push
      let answered = false;
      const sent = push(server.url, batchId, keys, round).then(
        async (r) => {
          await r.arrayBuffer();
          answered = r.ok;
        },
        () => {},
      );
      await new Promise((r) => setTimeout(r, delayMs));
      await kill9(server);
      await sent;
      server = await startServer(env);
      restarts.push(server.startMs);

      const stored = (await monthKeys(server.url, month)).filter((r) => keys.includes(r.key) && r.version > 0).length;
      const beforeRetry = stored === 0 ? 'absent' : stored === keys.length ? 'present' : 'partial';
      t = performance.now();
      const res = await push(server.url, batchId, keys, round);
      const body = (await res.json()) as { replayed: boolean; results: { outcome: string }[] };
      if (!body.replayed) lastMs = performance.now() - t;
      const after = await monthKeys(server.url, month);
      const atV1 = after.filter((r) => keys.includes(r.key) && r.version === 1).length;
      const appliedOnce = atV1 === keys.length && (await auditedOnce(server.url, batchId, keys)) && body.results.every((r) => r.outcome === 'applied');
      const retry = !appliedOnce ? 'wrong' : body.replayed ? 'replayed' : 'applied';
      const consistent = beforeRetry === 'present' ? body.replayed : beforeRetry === 'absent' ? !body.replayed : false;
      result.push({
        round,
        delayMs,
        beforeRetry,
        answeredBeforeKill: answered,
        retry,
        ok: appliedOnce && consistent && !(answered && beforeRetry === 'absent'),
      });
      console.error(`  ${kind} 第 ${round} 轮：${delayMs} ms 后 kill -9，重启后 ${beforeRetry}，重发 ${retry}`);
    }
    return { rounds: result, restartMs: median(restarts), pushMs };
  } finally {
    await kill9(server);
  }
}
