import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { buildRows } from '../../model/sheet';
import { EMPTY_PROGRESS } from '../../model/progress';
import { computeStats } from '../../model/stats';
import { buildBulletin, bulletinText, type Bulletin } from '../../model/bulletin';
import { FONTS, renderBulletinDocx } from '../../server/bulletin';
import { PLAN, PERIOD, entriesFor } from '../helpers/plan';

const stats = computeStats(buildRows(PLAN, { period: PERIOD, entries: entriesFor(PERIOD) }), { period: PERIOD, year: 2026, deadline: '2026-06-28' });
const may = computeStats(
  buildRows(PLAN, { period: '2026-05', entries: entriesFor('2026-05', { 't-invest': { ...EMPTY_PROGRESS, cumulative: 95, status: '推进中' } }) }),
  { period: '2026-05', year: 2026 },
);
const ctx = { planTitle: PLAN.title, issuer: '省交通运输厅规划办公室', issuedOn: '2026-07-03', previous: may, nextDeadline: '2026-07-28' };

describe('buildBulletin', () => {
  const b = buildBulletin(stats, ctx);
  const text = bulletinText(b);

  it('has the banner, issue, title, issuer and date of an official 通报', () => {
    expect(b).toMatchObject({
      banner: '重点任务推进情况通报',
      issue: '2026年第6期',
      title: '关于2026年6月重点任务推进情况的通报',
      issuer: '省交通运输厅规划办公室',
      date: '2026年7月3日',
    });
    expect(b.blocks.filter((x) => x.kind === 'heading' && x.level === 1).map((x) => (x as { text: string }).text)).toEqual([
      '一、总体情况',
      '二、各单位报送情况',
      '三、滞后任务',
      '四、下步工作',
    ]);
  });

  it('states the figures of the month and the change from last month', () => {
    expect(text).toContain('共明确重点任务7项、填报事项8项');
    expect(text).toContain('已报送5项，报送率62.5%，报送率较上月提高50个百分点');
    expect(text).toContain('已完成2项，推进中2项，滞后1项，未开始0项，另有3项未填报进展');
    expect(text).toContain('平均完成率为66.7%');
    expect(text).toContain('序时进度为50%，快于序时进度16.7个百分点');
    expect(text).toContain('平均完成率较上月提高32.5个百分点'); // 34.2 → 66.7
  });

  it('names the units that have not reported, in the text and the table', () => {
    expect(text).toContain(
      '本月应报送牵头单位5个（报送截止日期为2026年6月28日），其中3个单位已全部报送，1个单位部分报送，1个单位未报送。未报送单位：运输处。部分报送单位：建设管理处。',
    );
    expect(text).toContain('另有1项事项尚未明确牵头单位');
    const units = b.blocks.find((x) => x.kind === 'table' && x.caption.includes('各牵头单位')) as Extract<Bulletin['blocks'][number], { kind: 'table' }>;
    expect(units.rows).toEqual([
      ['1', '运输处', '1', '0', '0', '0', '未报送'],
      ['2', '建设管理处', '2', '1', '0', '0', '部分报送'],
      ['3', '公路局', '2', '2', '1', '1', '已报送'],
      ['4', '安监处', '1', '1', '1', '0', '已报送'],
      ['5', '规划处', '1', '1', '0', '0', '已报送'],
    ]);
  });

  it('lists lagging items with their problems and asks their owners to catch up', () => {
    const lag = b.blocks.find((x) => x.kind === 'table' && x.caption.includes('滞后事项')) as Extract<Bulletin['blocks'][number], { kind: 'table' }>;
    expect(lag.rows).toEqual([['1', '2.推进普通国省道改造（普通国省道改造 500公里）', '公路局', '60.2%', '征地拆迁进度慢', '协调地方政府加快征拆']]);
    expect(text).toContain('交通建设投资（规划处）完成120亿元，完成率43.2%，低于序时进度50%');
    expect(text).toContain('请运输处、建设管理处高度重视');
    expect(text).toContain('请公路局、规划处对照年度目标');
    expect(text).toContain('于2026年7月28日前报送2026年7月重点任务进展情况');
  });

  it('says so when nothing lags and everyone reported', () => {
    const allDone = Object.fromEntries(
      buildRows(PLAN, { period: PERIOD }).flatMap((r) =>
        r.kind === 'item' && r.lead.length ? [[r.itemId, { ...EMPTY_PROGRESS, status: '已完成' as const }]] : [],
      ),
    );
    const clean = bulletinText(
      buildBulletin(computeStats(buildRows(PLAN, { period: PERIOD, entries: entriesFor(PERIOD, allDone) }), { period: PERIOD, year: 2026 }), ctx),
    );
    expect(clean).toContain('本月无滞后任务');
    expect(clean).not.toContain('未报送单位');
    expect(clean).not.toContain('补报');
  });
});

/** The text of each paragraph of word/document.xml. */
async function docxParagraphs(buf: Buffer): Promise<{ xml: string; paragraphs: string[] }> {
  const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
  return { xml, paragraphs };
}

describe('renderBulletinDocx', () => {
  const bulletin = buildBulletin(stats, ctx);

  it('writes an A4 document with the figures, unit names and tables in it', async () => {
    const buf = await renderBulletinDocx(bulletin);
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    const { xml, paragraphs } = await docxParagraphs(buf);
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(paragraphs).toContain('关于2026年6月重点任务推进情况的通报');
    expect(paragraphs.some((p) => p.includes('报送率62.5%'))).toBe(true);
    expect(paragraphs.some((p) => p.includes('未报送单位：运输处'))).toBe(true);
    // table cells are paragraphs too: the unit table's row for 公路局, the lagging row's problem
    expect(paragraphs).toEqual(expect.arrayContaining(['公路局', '征地拆迁进度慢', '60.2%', '部分报送']));
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(3);
    for (const font of [FONTS.title, FONTS.body, FONTS.heading1, FONTS.heading2]) expect(xml).toContain(`w:eastAsia="${font}"`);
    // A second reader (mammoth) gets the same text out of it.
    const { value } = await mammoth.extractRawText({ buffer: buf });
    expect(value).toContain('未报送单位：运输处');
  });

  // Writer (Debian libreoffice-writer-nogui) is what opens .docx; calc-nogui alone cannot.
  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
  const writer = existsSync('/usr/lib/libreoffice/program/libswlo.so');
  it.skipIf(!soffice || !writer || !existsSync('/usr/bin/pdftotext'))(
    'opens in LibreOffice Writer and prints the Chinese text (skipped without libreoffice-writer-nogui + poppler-utils)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qd-bulletin-'));
      try {
        writeFileSync(join(dir, 'tb.docx'), await renderBulletinDocx(bulletin));
        execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/lo`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'tb.docx')], {
          timeout: 120_000,
          stdio: 'pipe',
        });
        const text = execFileSync('/usr/bin/pdftotext', ['-layout', join(dir, 'tb.pdf'), '-'], { encoding: 'utf8' });
        expect(text).toContain('重点任务推进情况通报');
        expect(text).toContain('运输处');
        expect(text).toMatch(/—\s*1\s*—/);
        expect(readFileSync(join(dir, 'tb.pdf')).subarray(0, 4).toString()).toBe('%PDF');
        // The first page as a picture, kept as a test artifact for a person to look at.
        mkdirSync('test-artifacts', { recursive: true });
        execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(dir, 'tb.pdf'), 'test-artifacts/bulletin'], {
          timeout: 60_000,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('a large plan', () => {
  it('names only the furthest-behind targets in the text and tables overdue items', async () => {
    const { samplePlan } = await import('../helpers/plan');
    const big = samplePlan({ tasks: 60, year: 2026 });
    const rows = buildRows(big, { period: '2026-09' });
    const reports = Object.fromEntries(
      rows.flatMap((r, i) => (r.kind === 'item' && r.target ? [[r.itemId, { ...EMPTY_PROGRESS, cumulative: i, status: '推进中' as const }]] : [])),
    );
    const s = computeStats(buildRows(big, { period: '2026-09', entries: entriesFor('2026-09', reports) }), { period: '2026-09', year: 2026 });
    expect(s.behind.length).toBeGreaterThan(20);
    const text = bulletinText(buildBulletin(s, ctx));
    const para = text.split('\n').find((l) => l.includes('低于序时进度75%'))!;
    expect(para).toContain(`等${s.behind.length}项指标，均低于序时进度75%`);
    expect(para.split('；')).toHaveLength(10);
    // the lowest 完成率 is named first
    const lowest = [...s.behind].sort((a, b) => a.rate! - b.rate!)[0];
    expect(para.startsWith(`${lowest.metric}（`)).toBe(true);
  });

  it('puts overdue items in a table', () => {
    const s = computeStats(buildRows(PLAN, { period: '2026-10', entries: new Map() }), { period: '2026-10', year: 2026 });
    const b = buildBulletin(s, ctx);
    const t = b.blocks.find((x) => x.kind === 'table' && x.caption.includes('超过完成时限')) as Extract<Bulletin['blocks'][number], { kind: 'table' }>;
    expect(t.rows.map((r) => [r[1], r[3], r[4]])).toEqual([
      ['2.推进普通国省道改造（普通国省道改造 500公里）', '6月底前', '未报送'],
      ['3.推进城乡客运一体化', '9月底前', '未报送'],
      ['6.开展安全生产专项整治', '2026年3月底前', '未报送'],
    ]);
  });
});
