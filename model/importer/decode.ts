// Bytes → text. Encodings are detected, not assumed: BOMs first, then strict UTF-8, then GB18030.
// .docx (a zip: PK\x03\x04) goes through mammoth's extractRawText.

export type ImportErrorCode = 'EMPTY_DOCUMENT' | 'NOT_TEXT' | 'NO_STRUCTURE';

export const IMPORT_ERROR_MESSAGES: Record<ImportErrorCode, string> = {
  EMPTY_DOCUMENT: '文件为空，没有可解析的内容',
  NOT_TEXT: '无法识别文件内容：不是文本文件或 Word（.docx）文档，或编码无法识别',
  NO_STRUCTURE: '未识别出任务结构：文档中没有“一、”“（一）”“1.”等编号的任务',
};

export class ImportError extends Error {
  constructor(
    public code: ImportErrorCode,
    message: string = IMPORT_ERROR_MESSAGES[code],
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Share of characters that never occur in a text document (C0 controls other than tab/newlines, U+FFFD). */
function junkRatio(text: string): number {
  if (!text.length) return 0;
  let junk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd || c === 0x7f) junk++;
  }
  return junk / text.length;
}

async function docxText(bytes: Uint8Array): Promise<string> {
  const mammoth = await import('mammoth');
  const lib = (mammoth as unknown as { default?: typeof mammoth }).default ?? mammoth;
  // Node's mammoth wants {buffer}; browsers pass {arrayBuffer}.
  const input =
    typeof Buffer !== 'undefined'
      ? { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
      : { arrayBuffer: bytes.slice().buffer as ArrayBuffer };
  let raw: string;
  try {
    raw = (await lib.extractRawText(input as Parameters<typeof lib.extractRawText>[0])).value;
  } catch {
    throw new ImportError('NOT_TEXT');
  }
  // Labels from Word's automatic numbering are not in the raw text: render them when there are any.
  try {
    const { docxTextWithNumbering } = await import('./docx-numbering'); // lazy, like mammoth
    return (await docxTextWithNumbering(bytes)) ?? raw;
  } catch {
    return raw;
  }
}

/** Decode a plan document's bytes to text (throws ImportError EMPTY_DOCUMENT / NOT_TEXT). */
export async function decodeDocument(bytes: Uint8Array): Promise<string> {
  if (bytes.length === 0) throw new ImportError('EMPTY_DOCUMENT');
  let text: string;
  if (isZip(bytes)) text = await docxText(bytes);
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = strict('utf-8', bytes.subarray(3));
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) text = strict('utf-16le', bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = strict('utf-16be', bytes.subarray(2));
  else if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0]))
    throw new ImportError('NOT_TEXT', '不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 或 .txt 后再导入');
  else if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) throw new ImportError('NOT_TEXT', '不支持 PDF 文件，请导入 .docx 或 .txt 格式的文档');
  else if (bytes.includes(0)) {
    // UTF-16 without a BOM: every other byte of CJK/ASCII text is mostly zero only for ASCII, so
    // look at which half holds the zeros and require the result to read as text.
    const utf16 = utf16WithoutBom(bytes);
    if (!utf16) throw new ImportError('NOT_TEXT');
    text = utf16;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = strict('gb18030', bytes);
    }
  }
  if (!text.trim()) throw new ImportError('EMPTY_DOCUMENT');
  if (junkRatio(text) > 0.01) throw new ImportError('NOT_TEXT');
  return text;
}

function startsWith(b: Uint8Array, magic: number[]): boolean {
  return magic.every((m, i) => b[i] === m);
}

function utf16WithoutBom(b: Uint8Array): string | undefined {
  if (b.length % 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < b.length; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const pairs = b.length / 2;
  const encoding =
    oddZeros > pairs * 0.2 && evenZeros < pairs * 0.05 ? 'utf-16le' : evenZeros > pairs * 0.2 && oddZeros < pairs * 0.05 ? 'utf-16be' : undefined;
  if (!encoding) return undefined;
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(b);
    return junkRatio(text) <= 0.01 ? text : undefined;
  } catch {
    return undefined;
  }
}

function strict(encoding: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('NOT_TEXT');
  }
}
