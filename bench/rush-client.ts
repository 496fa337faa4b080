// The 50 reporters of bench/rush.bench.ts, in a process of their own (issue 13): in the office the add-ins
// run on 50 other machines, so their work (building each request, reading each answer) must not share
// the server's thread — with PGlite that thread also runs the database. The parent sends one round at a
// time over IPC and gets back its wall time, each push's latency and what failed.
import { fieldsOf, itemOf, tasksOf, UNITS } from './rush-shape';

export interface RushRound {
  url: string;
  tokens: string[];
  period: string;
  batchPrefix: string;
}

export interface RushRoundResult {
  wallMs: number;
  latencies: number[];
  failures: string[];
}

async function pushRound({ url, tokens, period, batchPrefix }: RushRound): Promise<RushRoundResult> {
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
    tokens.slice(0, UNITS).map(async (token, u) => {
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

process.on('message', (round: RushRound) => {
  void pushRound(round).then((result) => process.send!(result));
});
