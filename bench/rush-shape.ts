// The month-end rush, shared by bench/rush.bench.ts, its reporters' process (bench/rush-client.ts) and
// bench/profile-push.ts: 50 units, unit u leads tasks i ≡ u (mod 50) of a 10,000-task plan and reports on
// the first 100–200 of them; `pushRound` is one round of their pushes, all at once.
export const UNITS = 50;
export const TASKS = 10_000;
export const itemOf = (i: number) => (i % 2 === 1 ? `t${i}-m1` : i % 4 === 0 ? `t${i}-m2` : `t${i}`);
export const countOf = (u: number) => 100 + ((u * 37) % 101);
export const tasksOf = (u: number) => Array.from({ length: countOf(u) }, (_, k) => k * UNITS + u + 1);
/** The rows one round pushes (7,501). */
export const TOTAL_ROWS = Array.from({ length: UNITS }, (_, u) => countOf(u)).reduce((a, b) => a + b, 0);
// Every row carries 存在问题/下步计划: a row behind 序时进度 needs them (issue 10), as real month-end rows do.
export const fieldsOf = (i: number) => ({
  monthDone: i % 7,
  cumulative: (i % 7) + 10,
  status: '推进中',
  progress: `第${i}项按计划推进`,
  problems: '征地拆迁进度偏慢',
  nextSteps: '加快推进征地拆迁',
});

export interface RushRound {
  url: string;
  /** One reporter token per unit, in unit order. */
  tokens: string[];
  period: string;
  batchPrefix: string;
}

export interface RushRoundResult {
  wallMs: number;
  latencies: number[];
  /** One line per push not answered 200 with every entry applied. */
  failures: string[];
}

/** Every unit pushes its entries for `period` at once; the round's wall time, each push's latency, what failed. */
export async function pushRound({ url, tokens, period, batchPrefix }: RushRound): Promise<RushRoundResult> {
  // The bodies are built before the clock starts: an add-in has its sheet's entries ready when 同步 is pressed.
  const bodies = tokens.map((_, u) =>
    JSON.stringify({
      batchId: `${batchPrefix}-${u}`,
      entries: tasksOf(u).map((i) => ({ key: `${itemOf(i)}@${period}`, baseVersion: 0, fields: fieldsOf(i) })),
    }),
  );
  const latencies: number[] = [];
  const failures: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    tokens.map(async (token, u) => {
      const t = performance.now();
      try {
        const res = await fetch(`${url}/api/v1/plans/rush/progress/batches`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: bodies[u],
        });
        const json = (await res.json()) as { results?: { outcome: string }[] };
        if (res.status !== 200 || json.results?.some((r) => r.outcome !== 'applied'))
          failures.push(`push ${u}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
      } catch (err) {
        failures.push(`push ${u}: ${(err as Error).message}`);
      }
      latencies.push(performance.now() - t);
    }),
  );
  return { wallMs: performance.now() - t0, latencies, failures };
}
