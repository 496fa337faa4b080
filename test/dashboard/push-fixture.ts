// Pushes the fixture's reports through the HTTP API, as the units would.
import type { TestServer } from '../helpers/server';
import { REPORTS } from '../helpers/plan';

export async function pushFixture(server: TestServer): Promise<void> {
  const planId = server.planIds[0];
  const push = async (token: string, entries: unknown[]) => {
    const res = await fetch(`${server.url}/api/v1/plans/${planId}/progress/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: `fixture-${Math.random().toString(36).slice(2)}`, entries }),
    });
    const body = await res.json();
    const bad = body.results?.filter((r: { outcome: string }) => r.outcome !== 'applied');
    if (res.status !== 200 || bad?.length) throw new Error(`push failed: ${res.status} ${JSON.stringify(bad ?? body)}`);
  };
  // May: only 规划处 reported. June: REPORTS, 公路局's two items through its own reporter token.
  await push(server.adminToken, [{ key: 't-invest@2026-05', baseVersion: 0, fields: { cumulative: 95, status: '推进中' } }]);
  const road = await server.reporterToken('公路局');
  const mine = new Set(['t-road', 't-rural']);
  const june = (pick: (id: string) => boolean) =>
    Object.entries(REPORTS)
      .filter(([id]) => pick(id))
      .map(([id, v]) => ({ key: `${id}@2026-06`, baseVersion: 0, fields: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) }));
  await push(
    road,
    june((id) => mine.has(id)),
  );
  await push(
    server.adminToken,
    june((id) => !mine.has(id)),
  );
}
