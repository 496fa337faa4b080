// The few start tags the zip check counts in a worksheet's XML (server/workbook/zipcheck.ts): <c>, <row>,
// <mergeCell> and <dimension>, found by one regular expression over the inflated bytes, not by a full XML
// parse. The upload then reads the sheet with a SAX parser anyway (sheet-stream.ts), which also refuses
// XML that is not well formed. Parsing it twice was a third of a 50,000-row upload (issue 13).
//
// Why this finds every tag the reader will see: in well-formed XML a "<" outside a comment, CDATA section
// or processing instruction starts markup, and a start tag is "<", a name, attributes whose values are
// quoted (and may hold ">"), then ">" or "/>". Inside a comment or CDATA a tag-like text is counted too:
// more counted than there are, which can only refuse a file sooner. The bytes are read as latin1: every
// byte of a multi-byte UTF-8 character is ≥ 0x80, so none is taken for "<", ">" or a quote (an attribute
// value read is decoded back from UTF-8).
import { WorkbookError } from './errors';
import { decodeXml } from './xml-text';

/** A counted start tag: its local name (any namespace prefix dropped) and its raw attribute text. */
export interface ScannedTag {
  name: 'c' | 'row' | 'mergeCell' | 'dimension';
  attributes: string;
}

const TAG = /<(?:[A-Za-z_][\w.-]*:)?(c|row|mergeCell|dimension)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
/** Markup left open at a chunk's end is carried into the next; longer than this, the file is refused. */
const MAX_CARRY = 1024 * 1024;

const attributePatterns = new Map<string, RegExp>();

/** The value of attribute `name` in a tag's attribute text (entities decoded), or undefined. */
export function attribute(attributes: string, name: string): string | undefined {
  let pattern = attributePatterns.get(name);
  if (!pattern) attributePatterns.set(name, (pattern = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = pattern.exec(attributes);
  if (!m) return undefined;
  const raw = m[1] ?? m[2];
  // The scan read bytes as latin1: a value with other characters is decoded as the UTF-8 it was.
  return decodeXml(/[\x80-\xff]/.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw);
}

/**
 * Calls `onTag` for every counted start tag of the sheet, in order; `onTag` returning false stops the
 * scan (a limit passed). A tag split between two chunks is found whole.
 */
export async function scanSheet(chunks: AsyncIterable<Buffer>, sheet: string, onTag: (tag: ScannedTag) => boolean): Promise<void> {
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk.toString('latin1');
    TAG.lastIndex = 0;
    let end = 0;
    for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
      end = TAG.lastIndex;
      if (!onTag({ name: m[1] as ScannedTag['name'], attributes: m[2] })) return;
    }
    // The last "<" after the last tag found may open a tag this chunk cuts off: read it again with the next.
    const open = text.lastIndexOf('<');
    carry = open >= end ? text.slice(open) : '';
    if (carry.length > MAX_CARRY) throw new WorkbookError('NOT_XLSX', `工作表“${sheet}”的内容不是有效的 XML（标记过长）`, 422);
  }
}
