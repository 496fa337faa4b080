// The zip check's tag scan (server/workbook/sheet-scan.ts) finds what a SAX parser finds: the same <c>,
// <row r>, <mergeCell ref> and <dimension ref> tags of any well-formed sheet XML, cut into chunks
// anywhere (a tag split between two chunks), with namespace prefixes, either quote, ">" and entities
// inside attribute values, self-closing tags and text that looks like markup once unescaped.
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { attribute, scanSheet, type ScannedTag } from '../../server/workbook/sheet-scan';

type Found = [string, string | undefined];

/** What a SAX parser sees: each counted tag's local name and its r / ref. */
function bySax(xml: string): Found[] {
  const out: Found[] = [];
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    const name = tag.name.slice(tag.name.indexOf(':') + 1);
    if (name === 'c' || name === 'row' || name === 'mergeCell' || name === 'dimension')
      out.push([name, (name === 'row' ? tag.attributes.r : name === 'c' ? tag.attributes.r : tag.attributes.ref) as string | undefined]);
  });
  parser.write(xml).close();
  return out;
}

async function byScan(xml: string, cuts: number[]): Promise<Found[]> {
  const bytes = Buffer.from(xml, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks = [0, ...at, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
  const out: Found[] = [];
  await scanSheet(
    (async function* () {
      yield* chunks;
    })(),
    'test',
    (tag: ScannedTag) => {
      out.push([tag.name, attribute(tag.attributes, tag.name === 'row' || tag.name === 'c' ? 'r' : 'ref')]);
      return true;
    },
  );
  return out;
}

const value = fc.constantFrom('A1', 'B2:C3', '7', 'a>b', "it's", 'say "hi"', '&amp;&lt;&gt;', '中文', '');
const quote = (v: string, q: string) => (q === '"' ? `"${v.replace(/"/g, '&quot;')}"` : `'${v.replace(/'/g, '&apos;')}'`);
const attrs = fc
  .array(fc.tuple(fc.constantFrom('r', 'ref', 's', 't', 'spans', 'x14ac:dyDescent', 'rr'), value, fc.constantFrom('"', "'"), fc.constantFrom('', ' ', '\n')), {
    maxLength: 3,
  })
  .map((list) => {
    const seen = new Set<string>();
    return list
      .filter(([n]) => !seen.has(n) && seen.add(n))
      .map(([n, v, q, ws]) => ` ${n}${ws}=${ws}${quote(v, q)}`)
      .join('');
  });
const leaf = fc.constantFrom('text', '&lt;c r="A9"&gt;', '中文&amp;', '<![CDATA[ plain ]]>', '');
const tagged = (kids: fc.Arbitrary<string[]>) =>
  fc
    .tuple(fc.constantFrom('', 'x:', 'main:'), fc.constantFrom('c', 'row', 'mergeCell', 'dimension', 'col', 'cols', 'v', 'is', 'cfRule'), attrs, kids)
    .map(([p, n, a, inner]) => (inner.length ? `<${p}${n}${a}>${inner.join('')}</${p}${n}>` : `<${p}${n}${a}/>`));
/** Elements three deep at most (a row of cells of values), with text between them. */
const element = tagged(
  fc.array(fc.oneof(leaf, tagged(fc.array(fc.oneof(leaf, tagged(fc.array(leaf, { maxLength: 2 }))), { maxLength: 3 }))), { maxLength: 3 }),
);

describe('sheet tag scan', () => {
  it('finds the tags a SAX parser finds, however the XML is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), async (els, cuts) => {
        const xml = `<?xml version="1.0"?><worksheet xmlns="x" xmlns:x="x" xmlns:main="x"><sheetData>${els.join('')}</sheetData></worksheet>`;
        expect(await byScan(xml, cuts)).toEqual(bySax(xml));
      }),
      { numRuns: 400 },
    );
  });

  it('a tag-like text inside a comment counts too (more, never fewer, than there are)', async () => {
    const xml = '<worksheet><!-- <c r="A1"/> --><c r="B1"/></worksheet>';
    expect(await byScan(xml, [])).toEqual([
      ['c', 'A1'],
      ['c', 'B1'],
    ]);
  });

  it('stops when told to, and refuses markup that never closes', async () => {
    const many = `<sheetData>${'<row r="1"><c r="A1"/></row>'.repeat(100)}</sheetData>`;
    let seen = 0;
    await scanSheet(
      (async function* () {
        yield Buffer.from(many);
      })(),
      't',
      () => ++seen < 5,
    );
    expect(seen).toBe(5);
    const endless = (async function* () {
      yield Buffer.from('<sheetData><row r="');
      for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, 'a');
    })();
    await expect(scanSheet(endless, '重点任务清单', () => true)).rejects.toMatchObject({ code: 'NOT_XLSX' });
  });
});
