// Renders the monthly 通报 (model/bulletin.ts) to .docx in the layout of GB/T 9704 党政机关公文格式:
// A4, margins 37/35/28/26 mm, red 版头 and rule, title in 方正小标宋简体 二号, body 仿宋_GB2312 三号 at a
// fixed 28 pt line, headings 黑体 / 楷体_GB2312, page numbers "— 1 —" in 宋体 四号. Latin digits in
// Times New Roman. Machines without these fonts substitute (LibreOffice here uses WenQuanYi).
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlign,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { Bulletin, BulletinBlock } from '../model/bulletin';

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
  latin: 'Times New Roman',
} as const;

const MM = 56.7; // twips per millimetre
const PAGE = { width: 11906, height: 16838 }; // A4 in twips
const MARGIN = { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const PT = 2; // docx sizes are half-points
const SIZE = { title: 22 * PT, banner: 26 * PT, body: 16 * PT, table: 12 * PT, caption: 14 * PT, pageNumber: 14 * PT };
const LINE = { line: 560, lineRule: LineRuleType.EXACT }; // 28 pt: 22 lines of 三号 on the page
const RED = 'E60012';

function run(text: string, eastAsia: string, size: number, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, size, font: { ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia, cs: FONTS.latin }, ...extra });
}

const body = (text: string) =>
  new Paragraph({ children: [run(text, FONTS.body, SIZE.body)], spacing: LINE, indent: { firstLine: 2 * SIZE.body * 10 }, alignment: AlignmentType.JUSTIFIED });

function heading(block: Extract<BulletinBlock, { kind: 'heading' }>): Paragraph {
  const font = block.level === 1 ? FONTS.heading1 : FONTS.heading2;
  return new Paragraph({ children: [run(block.text, font, SIZE.body)], spacing: LINE, indent: { firstLine: 2 * SIZE.body * 10 }, keepNext: true });
}

function table(block: Extract<BulletinBlock, { kind: 'table' }>): (Paragraph | Table)[] {
  const total = block.widths.reduce((a, b) => a + b, 0);
  const columnWidths = block.widths.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const cell = (text: string, col: number, header: boolean) =>
    new TableCell({
      width: { size: columnWidths[col], type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 60, right: 60, top: 30, bottom: 30 },
      children: [
        new Paragraph({
          alignment: header || text.length <= 6 ? AlignmentType.CENTER : AlignmentType.LEFT,
          spacing: { line: 320, lineRule: LineRuleType.AT_LEAST },
          children: [run(text, header ? FONTS.heading1 : FONTS.body, SIZE.table)],
        }),
      ],
    });
  return [
    new Paragraph({
      children: [run(block.caption, FONTS.heading1, SIZE.caption)],
      alignment: AlignmentType.CENTER,
      spacing: { before: 120, after: 120 },
      keepNext: true,
    }),
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths,
      layout: TableLayoutType.FIXED,
      rows: [
        new TableRow({ tableHeader: true, cantSplit: true, children: block.headers.map((h, i) => cell(h, i, true)) }),
        ...block.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
      ],
    }),
    new Paragraph({ children: [], spacing: { after: 120 } }),
  ];
}

/**
 * 版记 (GB/T 9704 §7.4): after the text, 抄送 and 印发机关 + 印发日期 in 四号 仿宋, between a thick
 * first and last rule with a thin rule between the lines; kept together on one page.
 */
function colophon(c: NonNullable<Bulletin['colophon']>): Paragraph[] {
  const size = 14 * PT;
  const thick = { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 1 };
  const thinRule = { style: BorderStyle.SINGLE, size: 4, color: '000000', space: 1 };
  const lines: Paragraph[] = [new Paragraph({ spacing: { before: 560 }, keepNext: true, keepLines: true, children: [] })];
  if (c.copyTo) {
    lines.push(
      new Paragraph({
        // Rules run the full text width, so the line is indented by a full-width space, not a paragraph indent.
        spacing: LINE,
        keepNext: true,
        keepLines: true,
        border: { top: thick, bottom: thinRule },
        children: [run(`\u3000抄送：${c.copyTo}。`, FONTS.body, size)],
      }),
    );
  }
  lines.push(
    new Paragraph({
      spacing: LINE,
      keepLines: true,
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - size * 10 }],
      border: { ...(c.copyTo ? {} : { top: thick }), bottom: thick },
      children: [run(`\u3000${c.printedBy}`, FONTS.body, size), run(`\t${c.printedOn}印发`, FONTS.body, size)],
    }),
  );
  return lines;
}

/** The 通报 as a .docx file. */
export async function renderBulletinDocx(b: Bulletin): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    // 版头: red banner, issue number, and a red rule under the issuer and date.
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [run(b.banner, FONTS.title, SIZE.banner, { color: RED })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: LINE, children: [run(b.issue, FONTS.body, SIZE.body)] }),
    new Paragraph({
      spacing: LINE,
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 4 } },
      children: [run(b.issuer, FONTS.body, SIZE.body), run(`\t${b.date}`, FONTS.body, SIZE.body)],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 560, after: 560, line: 700, lineRule: LineRuleType.EXACT },
      children: [run(b.title, FONTS.title, SIZE.title)],
    }),
  ];
  for (const block of b.blocks) {
    if (block.kind === 'heading') children.push(heading(block));
    else if (block.kind === 'paragraph') children.push(body(block.text));
    else children.push(...table(block));
  }
  // 落款: issuer and date, right-aligned, a blank line after the text.
  children.push(
    new Paragraph({ spacing: LINE, children: [] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: LINE, indent: { right: 4 * SIZE.body * 10 }, children: [run(b.issuer, FONTS.body, SIZE.body)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: LINE, indent: { right: 4 * SIZE.body * 10 }, children: [run(b.date, FONTS.body, SIZE.body)] }),
  );
  if (b.colophon) children.push(...colophon(b.colophon));

  const doc = new Document({
    creator: b.issuer,
    title: b.title,
    styles: {
      default: {
        document: { run: { font: { ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia: FONTS.body }, size: SIZE.body, language: { eastAsia: 'zh-CN' } } },
      },
    },
    sections: [
      {
        properties: { page: { size: PAGE, margin: { ...MARGIN, header: 851, footer: 992 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  run('— ', FONTS.pageNumber, SIZE.pageNumber),
                  new TextRun({ children: [PageNumber.CURRENT], size: SIZE.pageNumber, font: FONTS.pageNumber }),
                  run(' —', FONTS.pageNumber, SIZE.pageNumber),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
