// A streamed download in fewer, bigger pieces. The zip writer (archiver) writes every field of a zip
// header as its own chunk of 2 or 4 bytes: a workbook's dozen entries make ~400 chunks, whatever the
// plan's size, and each became a read of the web stream, a chunked-encoding frame and a socket write
// (writev) of its own — a few milliseconds of every export (issue 13, at 1,000 rows).
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes gathered before they are passed on (the rows of a big export arrive in deflate's 16 KB pieces). */
export const COALESCE_BYTES = 64 * 1024;

/**
 * A pass-through that hands on what is written to it in pieces of at least `bytes` (the last one
 * smaller), in order, byte for byte. Backpressure passes through as with a PassThrough: a piece that
 * fills the readable side holds the writer until it is read.
 */
export class Coalesce extends Transform {
  private pending: Buffer[] = [];
  private size = 0;

  constructor(private readonly bytes = COALESCE_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.bytes) this.pass();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.pass();
    callback();
  }

  private pass(): void {
    if (this.size === 0) return;
    const piece = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.size);
    this.pending = [];
    this.size = 0;
    this.push(piece);
  }
}
