// Word's automatic numbering: a paragraph styled as a list item holds no "一、" or "1." in its text;
// Word draws the label from word/numbering.xml. mammoth's raw text drops those labels, so a .docx
// whose headings and tasks are list items would lose its structure. This renders each paragraph with
// its label (lvlText with the level's numFmt and the list counters), as a reader sees the document.
import JSZip from 'jszip';
import { DOMParser } from '@xmldom/xmldom';

type El = Element;

interface Level {
  start: number;
  suffix: string; // what Word puts between the label and the text (w:suff: tab, space, nothing)
  fmt: string; // numFmt: decimal, chineseCounting, decimalEnclosedCircle, bullet, …
  text: string; // lvlText: "%1、", "（%2）", "%1.%2"
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function kids(el: El | Document, name: string): El[] {
  return Array.from(el.getElementsByTagNameNS(W, name)) as El[];
}
function child(el: El, name: string): El | undefined {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as El).localName === name && (n as El).namespaceURI === W) return n as El;
  return undefined;
}
function ancestor(el: El, name: string): El | undefined {
  for (let n = el.parentNode; n; n = n.parentNode) if (n.nodeType === 1 && (n as El).localName === name && (n as El).namespaceURI === W) return n as El;
  return undefined;
}
const val = (el: El | undefined) => el?.getAttributeNS(W, 'val') ?? el?.getAttribute('w:val') ?? undefined;

const CN = '〇一二三四五六七八九';
/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (list counters stay small). */
function chinese(n: number): string {
  if (n < 10) return CN[n];
  if (n < 100) return `${n >= 20 ? CN[Math.floor(n / 10)] : ''}十${n % 10 ? CN[n % 10] : ''}`;
  if (n < 1000)
    return `${CN[Math.floor(n / 100)]}百${n % 100 === 0 ? '' : n % 100 < 10 ? `零${CN[n % 100]}` : n % 100 < 20 ? `一${chinese(n % 100)}` : chinese(n % 100)}`;
  return String(n);
}
function roman(n: number): string {
  const parts: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [v, s] of parts) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

/** One counter value in a level's number format. */
export function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'chineseLegalSimplified':
    case 'japaneseCounting':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
    case 'ideographTraditional':
      return chinese(n);
    case 'ideographDigital':
    case 'taiwaneseDigital':
      return [...String(n)].map((d) => CN[Number(d)]).join('');
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n);
    case 'decimalEnclosedParen':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2474 + n - 1) : `(${n})`;
    case 'decimalEnclosedFullstop':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2488 + n - 1) : `${n}.`;
    case 'ideographEnclosedCircle':
      return n >= 1 && n <= 10 ? String.fromCharCode(0x3220 + n - 1) : chinese(n);
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return [...String(n)].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
      return String.fromCharCode(64 + (((n - 1) % 26) + 1));
    case 'lowerLetter':
      return String.fromCharCode(96 + (((n - 1) % 26) + 1));
    case 'none':
      return '';
    default:
      return String(n); // decimal, decimalZero and anything unknown
  }
}

function readLevels(abs: El): Level[] {
  const levels: Level[] = [];
  for (const lvl of kids(abs, 'lvl')) {
    const i = Number(lvl.getAttributeNS(W, 'ilvl') ?? lvl.getAttribute('w:ilvl') ?? 0);
    const suff = val(child(lvl, 'suff')) ?? 'tab';
    levels[i] = {
      start: Number(val(child(lvl, 'start')) ?? 1),
      suffix: suff === 'nothing' ? '' : suff === 'space' ? ' ' : '\t',
      fmt: val(child(lvl, 'numFmt')) ?? 'decimal',
      text: val(child(lvl, 'lvlText')) ?? '',
    };
  }
  return levels;
}

/** The paragraph's own text: w:t runs, tabs and breaks; deleted text and field codes left out. */
function paragraphText(p: El): string {
  let out = '';
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as El;
      if (e.namespaceURI !== W) continue;
      if (e.localName === 'p' || e.localName === 'del' || e.localName === 'instrText' || e.localName === 'delText') continue;
      if (e.localName === 't') out += e.textContent ?? '';
      else if (e.localName === 'tab') out += '\t';
      else if (e.localName === 'br' || e.localName === 'cr') out += '\n';
      else walk(e);
    }
  };
  walk(p);
  return out;
}

/** A w:num: its abstract list, "restart numbering" start overrides and level overrides, by level. */
interface NumDef {
  abs: string;
  overrides: Map<number, number>;
  levels: Map<number, Level>;
}

interface Numbering {
  abstracts: Map<string, Level[]>;
  nums: Map<string, NumDef>;
}

function readNumbering(numbering: Document): Numbering {
  const abstracts = new Map<string, Level[]>();
  for (const a of kids(numbering, 'abstractNum')) abstracts.set(a.getAttributeNS(W, 'abstractNumId') ?? a.getAttribute('w:abstractNumId') ?? '', readLevels(a));
  const nums = new Map<string, NumDef>();
  for (const n of kids(numbering, 'num')) {
    const overrides = new Map<number, number>();
    const levels = new Map<number, Level>();
    for (const o of kids(n, 'lvlOverride')) {
      const i = Number(o.getAttributeNS(W, 'ilvl') ?? o.getAttribute('w:ilvl') ?? 0);
      const so = val(child(o, 'startOverride'));
      if (so !== undefined) overrides.set(i, Number(so));
      const lvl = child(o, 'lvl');
      if (lvl) levels.set(i, readLevels(o)[i] ?? readLevels(o).find(Boolean)!);
    }
    nums.set(n.getAttributeNS(W, 'numId') ?? n.getAttribute('w:numId') ?? '', { abs: val(child(n, 'abstractNumId')) ?? '', overrides, levels });
  }
  return { abstracts, nums };
}

type ListRef = { numId?: string; ilvl?: number };

/** Paragraph styles that carry a list (heading styles linked to a multilevel list), through basedOn. */
function styleLists(styles: Document | undefined): (styleId: string | undefined) => ListRef {
  const styleNum = new Map<string, ListRef & { basedOn?: string }>();
  for (const s of styles ? kids(styles, 'style') : []) {
    const pPr = child(s, 'pPr');
    const numPr = pPr && child(pPr, 'numPr');
    styleNum.set(s.getAttributeNS(W, 'styleId') ?? s.getAttribute('w:styleId') ?? '', {
      numId: numPr && val(child(numPr, 'numId')),
      ilvl: numPr && val(child(numPr, 'ilvl')) !== undefined ? Number(val(child(numPr, 'ilvl'))) : undefined,
      basedOn: val(child(s, 'basedOn')),
    });
  }
  const fromStyle = (id: string | undefined, depth = 0): ListRef => {
    const s = id ? styleNum.get(id) : undefined;
    if (!s || depth > 5) return {};
    if (s.numId !== undefined) return { numId: s.numId, ilvl: s.ilvl };
    return fromStyle(s.basedOn, depth + 1);
  };
  return fromStyle;
}

/** Word's list counters, advanced paragraph by paragraph in document order. */
class ListCounters {
  private readonly counters = new Map<string, (number | undefined)[]>(); // per abstract list: current value per level
  private readonly started = new Set<string>(); // nums whose startOverride has been applied

  constructor(
    private readonly numbering: Numbering,
    private readonly fromStyle: (styleId: string | undefined) => ListRef,
  ) {}

  /** The label Word draws before the paragraph and what follows it; undefined outside a numbered list. */
  next(p: El): { label: string; suffix: string } | undefined {
    const pPr = child(p, 'pPr');
    const numPr = pPr && child(pPr, 'numPr');
    const styled = this.fromStyle(pPr && val(child(pPr, 'pStyle')));
    const numId = (numPr && val(child(numPr, 'numId'))) ?? styled.numId;
    const ilvl = Number((numPr && val(child(numPr, 'ilvl'))) ?? styled.ilvl ?? 0);
    const num = numId && numId !== '0' ? this.numbering.nums.get(numId) : undefined;
    const levels = num && this.numbering.abstracts.get(num.abs);
    const level = num?.levels.get(ilvl) ?? levels?.[ilvl];
    if (!num || !levels || !level || level.fmt === 'bullet') return undefined;
    const c = this.counters.get(num.abs) ?? [];
    this.counters.set(num.abs, c);
    if (!this.started.has(numId!)) {
      this.started.add(numId!);
      // "Restart numbering" in Word is a new num with a startOverride.
      for (const [i, v] of num.overrides) {
        c[i] = v - 1;
        c.fill(undefined, i + 1);
      }
    }
    c[ilvl] = c[ilvl] === undefined ? level.start : c[ilvl]! + 1;
    c.fill(undefined, ilvl + 1); // deeper levels restart under a new item
    const label = level.text.replace(/%([1-9])/g, (_, k: string) => {
      const i = Number(k) - 1;
      const l = num.levels.get(i) ?? levels[i];
      return l ? formatNumber(c[i] ?? l.start, l.fmt) : '';
    });
    return { label, suffix: level.suffix };
  }
}

/**
 * The text's lines: a paragraph per line, and a table row (a 任务分解表) as one line, cells joined by
 * tabs, a cell's paragraphs by spaces, as the table would read when copied out of Word. mammoth's raw
 * text gives one line per cell.
 */
class LineWriter {
  readonly lines: string[] = [];
  rows = 0;
  private row: { tr: El; tc?: El; cells: string[] } | undefined;

  emit(p: El, line: string): void {
    const tr = ancestor(p, 'tr');
    if (!tr) {
      this.flush();
      this.lines.push(line);
      return;
    }
    if (this.row?.tr !== tr) {
      this.flush();
      this.row = { tr, cells: [] };
      this.rows++;
    }
    const row = this.row;
    const tc = ancestor(p, 'tc');
    if (row.tc !== tc || !row.cells.length) row.cells.push(line.trim());
    else row.cells[row.cells.length - 1] = [row.cells[row.cells.length - 1], line.trim()].filter(Boolean).join(' ');
    row.tc = tc;
  }

  flush(): void {
    if (this.row) this.lines.push(this.row.cells.join('\t'));
    this.row = undefined;
  }
}

/**
 * The document's paragraphs with Word's list labels written in, one per line, and each table row as
 * one tab-separated line; undefined when the document has no numbered (non-bullet) list paragraph and
 * no table, so the caller keeps mammoth's text.
 */
export async function docxTextWithNumbering(bytes: Uint8Array): Promise<string | undefined> {
  const zip = await JSZip.loadAsync(bytes);
  const [docXml, numXml, stylesXml] = await Promise.all(
    ['word/document.xml', 'word/numbering.xml', 'word/styles.xml'].map((f) => zip.file(f)?.async('string')),
  );
  if (!docXml) return undefined;
  // A document without lists is still rewritten when it holds tables (each row becomes one line).
  if (!numXml && !docXml.includes('<w:tbl>') && !docXml.includes('<w:tbl ')) return undefined;
  const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
  const numbering = readNumbering(parse(numXml ?? `<w:numbering xmlns:w="${W}"/>`));
  const counters = new ListCounters(numbering, styleLists(stylesXml ? parse(stylesXml) : undefined));
  const out = new LineWriter();
  let labelled = 0;
  for (const p of kids(parse(docXml), 'p')) {
    const text = paragraphText(p);
    const l = counters.next(p);
    if (l?.label) labelled++;
    out.emit(p, l?.label ? l.label + l.suffix + text : text);
  }
  out.flush();
  return labelled || out.rows ? out.lines.join('\n') : undefined;
}
