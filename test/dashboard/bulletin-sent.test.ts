// The 通报 as sent (issue 11): 期号, 版记 (抄送/印发), the 固定资产投资 section, and tables whose rows
// never split across pages and whose header repeats — checked on LibreOffice Writer's PDF, page by page
// (pdftotext), with the pages kept as PNG artifacts in test-artifacts/.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { buildBulletin, bulletinText } from '../../model/bulletin';
import { investmentLines, investmentTotals, yoyGrowth } from '../../model/investment';
import { EMPTY_PROGRESS, type ProgressValues } from '../../model/progress';
import { buildRows } from '../../model/sheet';
import { computeStats } from '../../model/stats';
import { renderBulletinDocx } from '../../server/bulletin';
import { entriesFor, samplePlan } from '../helpers/plan';

const PERIOD = '2026-06';
const plan = samplePlan({ tasks: 36, sections: 3, year: 2026 });
// Every item lags, with problems and next steps long enough that table rows are several lines high;
// P### opens a row's 存在问题 and Q### closes its 下步计划, so a split row shows them on different pages.
const reports: Record<string, ProgressValues> = {};
let n = 0;
for (const r of buildRows(plan, { period: PERIOD })) {
  if (r.kind !== 'item') continue;
  const k = String(++n).padStart(3, '0');
  reports[r.itemId] = {
    ...EMPTY_PROGRESS,
    status: '滞后',
    cumulative: r.target ? 10 + n : null,
    monthDone: r.target ? 2 : null,
    problems: `P${k} 征地拆迁和资金到位进度偏慢，${'部分标段施工组织不到位，'.repeat(1 + (n % 3))}影响总体进度`,
    nextSteps: `${'协调地方政府加快征拆，督促施工单位增加投入，'.repeat(1 + (n % 2))}确保按期完成 Q${k}`,
  };
}
const rows = buildRows(plan, { period: PERIOD, entries: entriesFor(PERIOD, reports) });
const stats = computeStats(rows, { period: PERIOD, year: 2026, deadline: '2026-06-28' });
const ctx = {
  planTitle: plan.title,
  issuer: '测试厅规划处',
  issuedOn: '2026-07-02',
  issueNumber: 12,
  copyTo: '厅领导，厅机关各处室',
  printedBy: '测试厅办公室',
  rows,
  lastYear: new Map([['t1-m1', 20]]),
};
const bulletin = buildBulletin(stats, ctx);

describe('the 通报 as sent', () => {
  it('has the 期号, the 固定资产投资 section with 同比 where last year is known, and the 版记', () => {
    expect(bulletin.issue).toBe('2026年第12期');
    const text = bulletinText(bulletin);
    expect(bulletin.blocks.filter((b) => b.kind === 'heading' && b.level === 1).map((b) => (b as { text: string }).text)).toEqual([
      '一、总体情况',
      '二、固定资产投资完成情况',
      '三、各单位报送情况',
      '四、滞后任务',
      '五、下步工作',
    ]);
    const lines = investmentLines(rows, stats.timeProgress, ctx.lastYear);
    expect(lines.map((l) => l.itemId)).toEqual(
      plan.nodes.flatMap((s) => s.children.flatMap((t) => t.targets.filter((x) => x.unit === '亿元').map((x) => x.id))),
    );
    expect(lines[0]).toMatchObject({ plan: 101, cumulative: 11, rate: 10.9, timeProgress: 50, lastYear: 20, yoy: -45 });
    const totals = investmentTotals(lines);
    expect(text).toContain(`年度计划合计${totals.plan}亿元`);
    const table = bulletin.blocks.find((b) => b.kind === 'table' && b.caption.includes('固定资产投资')) as Extract<
      (typeof bulletin.blocks)[number],
      { kind: 'table' }
    >;
    expect(table.headers).toEqual(['序号', '项目', '年度计划', '本月完成', '累计完成', '完成率', '序时进度', '同比']);
    expect(table.rows[0]).toEqual(['1', '重点任务1：任务1投资', '101亿元', '2', '11', '10.9%', '50%', '-45%']);
    expect(table.rows[1][7]).toBe('—');
    expect(text.endsWith('抄送：厅领导，厅机关各处室。\n测试厅办公室\t2026年7月2日印发')).toBe(true);
    expect(yoyGrowth(12, 10)).toBe(20);
    expect(yoyGrowth(12, 0)).toBeNull();
  });

  it('marks every table row cantSplit and every table header as repeating', async () => {
    const xml = await (await JSZip.loadAsync(await renderBulletinDocx(bulletin))).file('word/document.xml')!.async('string');
    const rowXml = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((m) => m[0]);
    const tables = [...xml.matchAll(/<w:tbl>/g)].length;
    expect(rowXml.length).toBeGreaterThan(40);
    expect(rowXml.every((r) => r.includes('<w:cantSplit/>'))).toBe(true);
    expect(rowXml.filter((r) => r.includes('<w:tblHeader/>'))).toHaveLength(tables);
  });

  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
  const writer = existsSync('/usr/lib/libreoffice/program/libswlo.so');
  it.skipIf(!soffice || !writer || !existsSync('/usr/bin/pdftotext'))(
    'LibreOffice Writer: no table row split across a page break, the header repeats on every page of a table',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qd-sent-'));
      /** The document rendered by Writer → the text of each PDF page. */
      const pagesOf = (name: string, docx: Buffer) => {
        writeFileSync(join(dir, `${name}.docx`), docx);
        execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/lo`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, `${name}.docx`)], {
          timeout: 180_000,
          stdio: 'pipe',
        });
        const text = execFileSync('/usr/bin/pdftotext', ['-layout', join(dir, `${name}.pdf`), '-'], { encoding: 'utf8' });
        return text.split('\f').filter((p) => p.trim());
      };
      /** Rows whose opening marker and closing marker are on different pages. */
      const splitRows = (pages: string[]) =>
        Object.keys(reports)
          .map((_, i) => String(i + 1).padStart(3, '0'))
          .filter((k) => {
            const start = pages.findIndex((p) => p.includes(`P${k}`));
            const end = pages.findIndex((p) => p.includes(`Q${k}`));
            return start < 0 || end < 0 || start !== end;
          });
      try {
        const docx = await renderBulletinDocx(bulletin);
        const pages = pagesOf('sent', docx);
        const lagPages = pages.filter((p) => /P\d{3}/.test(p));
        expect(lagPages.length).toBeGreaterThan(2); // the lagging table runs over several pages
        expect(splitRows(pages)).toEqual([]);
        // the header row on every page the lagging table is on
        for (const p of lagPages) expect(p).toMatch(/序号\s+任务\s+牵头单位\s+完成率\s+存在问题\s+下步计划/);
        const flat = (p: string) => p.replace(/\s+/g, '');
        expect(flat(pages.at(-1)!)).toContain('抄送：厅领导，厅机关各处室。');
        expect(flat(pages.at(-1)!)).toContain('测试厅办公室2026年7月2日印发');
        expect(flat(pages[0])).toContain('2026年第12期');

        // The check can fail: the same document with rows allowed to split has rows cut across pages.
        const zip = await JSZip.loadAsync(docx);
        const xml = await zip.file('word/document.xml')!.async('string');
        zip.file('word/document.xml', xml.replaceAll('<w:cantSplit/>', ''));
        const splittable = pagesOf('splittable', await zip.generateAsync({ type: 'nodebuffer' }));
        expect(splitRows(splittable).length).toBeGreaterThan(0);

        // Every page as a picture, for a person to look at.
        mkdirSync('test-artifacts', { recursive: true });
        execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '50', join(dir, 'sent.pdf'), 'test-artifacts/bulletin-sent'], { timeout: 120_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    400_000,
  );
});
