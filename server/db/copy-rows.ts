// A statement's rows as the bytes PostgreSQL holds, through COPY (…) TO STDOUT (FORMAT binary) (issue 13).
//
// pg decodes every field of every row into a JS string (UTF-8 into UTF-16: for Chinese text that is most
// of the work). A pull page only forwards each row's stored JSON, so it paid for that decoding and then
// paid again to encode the text for the response: 2 of its 3.8 ms at 1,000 rows, 14 of 32 ms at 10,000.
// COPY's binary format hands over each field as it is stored: a text column's UTF-8 bytes, a bigint's
// 8 bytes. pg-copy-streams reads COPY's messages off the connection; this file reads the format
// (PostgreSQL's documentation, "COPY", Binary Format).
//
// COPY takes no bind parameters, so the statement's values go in as literals (sqlLiteral: an escape
// string that the column's or cast's type reads, as it reads a text-format parameter).
import type { SQL } from 'drizzle-orm';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { inlineSql } from './prepared';

/** The 11 bytes every binary COPY answer starts with. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export class CopyFormatError extends Error {}

/**
 * A binary COPY answer: its bytes, and where each field of each row lies in them. Kept as offsets, not as
 * a Buffer view per field: 3,000 views for a 1,000-row page were 390 KB of garbage, more than the page.
 */
export class CopyRows {
  constructor(
    readonly bytes: Buffer,
    /** Rows in the answer. */
    readonly count: number,
    /** Fields per row. */
    readonly width: number,
    /** For field f of row r at 2 × (r × width + f): its start, and its length or -1 for null. */
    private readonly spans: Int32Array,
  ) {}

  /** The length of the field's bytes, -1 for null. */
  length(row: number, field: number): number {
    return this.spans[2 * (row * this.width + field) + 1];
  }

  /** The field's bytes (a view, not a copy), or null. */
  field(row: number, field: number): Buffer | null {
    const i = 2 * (row * this.width + field);
    return this.spans[i + 1] === -1 ? null : this.bytes.subarray(this.spans[i], this.spans[i] + this.spans[i + 1]);
  }

  /** A text field's value (its UTF-8 decoded), or null. */
  text(row: number, field: number): string | null {
    return this.field(row, field)?.toString('utf8') ?? null;
  }

  /** A bigint field's value (8 bytes, big-endian) as a number, or null: for ids that stay far below 2^53. */
  int8(row: number, field: number): number | null {
    const i = 2 * (row * this.width + field);
    if (this.spans[i + 1] === -1) return null;
    if (this.spans[i + 1] !== 8) throw new CopyFormatError('COPY 二进制数据中的 bigint 字段长度不是 8 字节');
    return Number(this.bytes.readBigInt64BE(this.spans[i]));
  }

  /** Copies the field's bytes into `target` at `at` (nothing for null); the bytes copied. */
  copyField(row: number, field: number, target: Buffer, at: number): number {
    const i = 2 * (row * this.width + field);
    return this.spans[i + 1] === -1 ? 0 : this.bytes.copy(target, at, this.spans[i], this.spans[i] + this.spans[i + 1]);
  }
}

/**
 * The rows of a whole binary COPY answer: header, then per row a field count and each field's length and
 * bytes, then -1. Two walks over the lengths: the first counts and checks, the second notes the spans.
 */
export function parseBinaryCopy(bytes: Buffer): CopyRows {
  if (bytes.length < 19 || !bytes.subarray(0, 11).equals(SIGNATURE)) throw new CopyFormatError('COPY 二进制格式的文件头不正确');
  const first = 15 + 4 + bytes.readUInt32BE(15); // flags, then the header extension's length and the extension
  let count = 0;
  let width = 0;
  for (let at = first; ;) {
    if (at + 2 > bytes.length) throw new CopyFormatError('COPY 二进制数据提前结束');
    const fields = bytes.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    if (count && fields !== width) throw new CopyFormatError('COPY 二进制数据的各行字段数不同');
    width = fields;
    count++;
    for (let f = 0; f < fields; f++) {
      if (at + 4 > bytes.length) throw new CopyFormatError('COPY 二进制数据提前结束');
      const length = bytes.readInt32BE(at);
      at += 4 + Math.max(length, 0);
      if (at > bytes.length) throw new CopyFormatError('COPY 二进制数据提前结束');
    }
  }
  const spans = new Int32Array(2 * count * width);
  for (let at = first, i = 0; i < spans.length;) {
    at += 2; // the field count, checked above
    for (let f = 0; f < width; f++) {
      const length = bytes.readInt32BE(at);
      spans[i++] = at + 4;
      spans[i++] = length;
      at += 4 + Math.max(length, 0);
    }
  }
  return new CopyRows(bytes, count, width, spans);
}

/** The rows of `statement` (a query: COPY wraps it), on a connection of `pool`. */
export async function copyRows(pool: pg.Pool, statement: SQL): Promise<CopyRows> {
  const client = await pool.connect();
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of client.query(copyTo(`copy (${inlineSql(statement)}) to stdout (format binary)`))) chunks.push(chunk as Buffer);
  } catch (err) {
    // Whatever state the connection is left in, it is not handed to the next query.
    client.release(err as Error);
    throw err;
  }
  client.release();
  return parseBinaryCopy(Buffer.concat(chunks));
}
