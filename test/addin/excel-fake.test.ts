// The fake Excel API must behave like Office.js where the adapter depends on it, or the adapter's
// tests prove nothing. These pin the behaviours.
import { describe, expect, it } from 'vitest';
import { createFakeExcel, REQUEST_LIMIT } from '../fakes/excel-fake';

describe('fake Excel API', () => {
  it('queues writes until sync and refuses reads of unloaded properties', async () => {
    const ex = createFakeExcel();
    await ex.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem('Sheet1').getRange('A1:B1');
      r.values = [[1, 'x']];
      expect(ex.state.read('Sheet1', 'A1')).toBe(''); // not applied yet
      const other = ctx.workbook.worksheets.getItem('Sheet1').getRange('A1');
      expect(() => other.values).toThrow(/PropertyNotLoaded/);
      other.load('values');
      expect(() => other.values).toThrow(/PropertyNotLoaded/); // loaded only after sync
      await ctx.sync();
      expect(ex.state.read('Sheet1', 'B1')).toBe('x');
      expect(other.values).toEqual([[1]]);
    });
    expect(ex.state.stats.syncs).toBe(1);
  });

  it('rejects a values array that does not match the range shape', async () => {
    const ex = createFakeExcel();
    await expect(
      ex.run(async (ctx) => {
        ctx.workbook.worksheets.getItem('Sheet1').getRangeByIndexes(0, 0, 2, 2).values = [[1, 2]];
        await ctx.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('throws RequestPayloadSizeLimitExceeded over 5 MB (UTF-8 bytes) and applies nothing', async () => {
    const ex = createFakeExcel();
    const cjk = '进'.repeat(20_000); // 60,000 bytes
    const rows = Array.from({ length: 90 }, () => [cjk]); // ~5.4 MB, only ~1.8M UTF-16 chars
    await expect(
      ex.run(async (ctx) => {
        ctx.workbook.worksheets.getItem('Sheet1').getRangeByIndexes(0, 0, 90, 1).values = rows;
        await ctx.sync();
      }),
    ).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
    expect(ex.state.read('Sheet1', 'A1')).toBe('');
    expect(ex.state.maxRequestBytes).toBeGreaterThan(REQUEST_LIMIT);
  });

  it('refuses writes to locked cells on a protected sheet, allows unlocked ones', async () => {
    const ex = createFakeExcel();
    await ex.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('B1').format.protection.locked = false;
      ws.protection.protect();
      ws.getRange('B1').values = [['ok']];
      await ctx.sync();
      ws.protection.load('protected');
      await ctx.sync();
      expect(ws.protection.protected).toBe(true);
      ws.getRange('A1').values = [['no']];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
    });
    expect(ex.state.read('Sheet1', 'B1')).toBe('ok');
    expect(() => ex.state.userEdit('Sheet1', 'A1', 'x')).toThrow(/AccessDenied/);
  });

  it('turns "=…" into a formula unless the cell is text-formatted', async () => {
    const ex = createFakeExcel();
    await ex.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('B1').numberFormat = [['@']];
      ws.getRange('A1:B1').values = [['=1+1', '=1+1']];
      await ctx.sync();
    });
    expect(ex.state.read('Sheet1', 'A1')).toBe(2);
    expect(ex.state.read('Sheet1', 'B1')).toBe('=1+1');
  });

  it('protect() on a protected sheet throws AccessDenied (load protection/protected first)', async () => {
    const ex = createFakeExcel();
    await expect(
      ex.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem('Sheet1');
        ws.protection.protect();
        ws.protection.protect();
        await ctx.sync();
      }),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});
