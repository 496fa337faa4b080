// The three seed documents through the real importer (model/importer) → rows → export → upload: each
// plan's 清单 reads back with no changes, and its every item row is found by id.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../model/importer';
import { buildRows, type ItemRow } from '../../model/sheet';
import { workbookBuffer } from '../../server/workbook/export';
import { parseUpload } from '../../server/workbook/upload';

const dir = new URL('../../seeds/', import.meta.url).pathname;
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('seed plans through export and upload', () => {
  it.each(seeds)('%s', async (file) => {
    const plan = parsePlanText(readFileSync(dir + file, 'utf8'), file);
    const period = `${plan.year ?? 2024}-03`;
    const rows = buildRows(plan, { period });
    const items = rows.filter((r): r is ItemRow => r.kind === 'item');
    expect(items.length).toBeGreaterThan(5);
    const buffer = await workbookBuffer({ plan, period, rows });
    const parsed = await parseUpload({ buffer, planId: plan.id, period, rows });
    expect(parsed).toMatchObject({ changes: [], unchanged: items.length, matchedBy: 'id' });
  });
});
