// A large export must not hold the server (issue 13): the body loop pauses every few hundred rows, so
// timers and other requests run while it writes, and the file is the same as ever (every row, merges).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildRows, type ItemRow } from '../../model/sheet';
import { FIRST_DATA_ROW, MAIN_SHEET, workbookBuffer, writeWorkbook } from '../../server/workbook/export';
import { cellText } from '../../server/workbook/cell-text';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { samplePlan } from '../helpers/plan';

const plan = samplePlan({ id: 'stream', tasks: 3_000, sections: 7 });
// Every third task gets a second item, so tasks of two merged rows straddle the pauses.
for (const section of plan.nodes) {
  section.children.forEach((task, i) => {
    if (i % 3 === 0 && task.targets.length) task.targets.push({ ...task.targets[0], id: `${task.targets[0].id}-b`, metric: `${task.targets[0].metric}（二）` });
  });
}
const rows = buildRows(plan, { period: '2024-05' });

describe('workbook export, streamed', () => {
  it('lets the event loop run while it writes the rows', async () => {
    let last = performance.now();
    let longest = 0;
    let done = false;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (!done) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const start = performance.now();
    await writeWorkbook(new Writable({ write: (_c, _e, cb) => cb() }), { plan, period: '2024-05', rows });
    const total = performance.now() - start;
    done = true;
    // 4,000 rows with a pause every 500: no stretch without a timer is near the whole write. Before the
    // pauses the body loop was one piece of ~90% of it; now the longest is the shared strings and the
    // summary sheets at the end (~20–40%).
    expect(longest).toBeLessThan(total / 2);
  });

  it('still writes every row in order, and a task of two items keeps its merged cells across a pause', async () => {
    const wb = await loadWorkbook(await workbookBuffer({ plan, period: '2024-05', rows }));
    const ws = wb.getWorksheet(MAIN_SHEET)!;
    const items = rows.filter((r): r is ItemRow => r.kind === 'item');
    const idCol = ws.getRow(4).values as unknown[];
    const idIndex = idCol.findIndex((v) => v === 'id');
    expect(idIndex).toBeGreaterThan(0);
    const ids: string[] = [];
    for (let r = FIRST_DATA_ROW; r < FIRST_DATA_ROW + rows.length; r++) {
      const t = cellText(ws.getRow(r).getCell(idIndex));
      if (t) ids.push(t);
    }
    expect(ids).toEqual(items.map((i) => i.itemId));
    // Every task with two items has its 任务 cell merged over both rows, wherever the pauses fell.
    const merges = new Set((ws.model as unknown as { merges: string[] }).merges);
    let r = FIRST_DATA_ROW;
    let pairs = 0;
    for (let i = 0; i < rows.length; i++, r++) {
      const row = rows[i];
      const next = rows[i + 1];
      if (
        row.kind === 'item' &&
        next?.kind === 'item' &&
        next.taskId === row.taskId &&
        (i === 0 || rows[i - 1].kind !== 'item' || (rows[i - 1] as ItemRow).taskId !== row.taskId)
      ) {
        expect(merges.has(`B${r}:B${r + 1}`)).toBe(true);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(100);
  });
});
