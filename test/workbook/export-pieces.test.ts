// A workbook download goes out in a few pieces, not one per zip field (server/routes/coalesce.ts): the
// zip writer writes every header field as a chunk of 2 or 4 bytes, and each was a chunked-encoding frame
// and a socket write of its own (~400 for any workbook, issue 13). The bytes are the same either way.
import { connect } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COALESCE_BYTES, Coalesce } from '../../server/routes/coalesce';
import { MAIN_SHEET } from '../../server/workbook/export';
import { loadWorkbook } from '../../server/workbook/xlsx';
import { seedPlan } from '../helpers/plan';
import { startTestServer, type TestServer } from '../helpers/server';

/** The raw HTTP response of a GET: its head and the chunked body's frames (sizes and bytes). */
function rawGet(url: string, path: string, token: string): Promise<{ head: string; frames: Buffer[] }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`),
    );
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(parts);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split).toString('latin1');
      const frames: Buffer[] = [];
      let at = split + 4;
      for (;;) {
        const eol = raw.indexOf('\r\n', at);
        const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
        if (!size) break;
        frames.push(raw.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      resolve({ head, frames });
    });
  });
}

describe('a workbook download, in pieces', () => {
  let server: TestServer;
  const plan = seedPlan('pieces');
  beforeAll(async () => {
    server = await startTestServer({ plans: [plan] });
  });
  afterAll(() => server?.close());

  it('is sent in a few chunked frames, each but the last at least COALESCE_BYTES, and is the whole workbook', async () => {
    const { head, frames } = await rawGet(server.url, `/api/v1/plans/${plan.id}/periods/2023-05/workbook.xlsx`, server.adminToken);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head.toLowerCase()).toContain('transfer-encoding: chunked');
    const file = Buffer.concat(frames);
    // One frame per zip field would be hundreds (a frame per 2- or 4-byte header field).
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(file.length / COALESCE_BYTES) + 1);
    for (const f of frames.slice(0, -1)) expect(f.length).toBeGreaterThanOrEqual(COALESCE_BYTES);
    const wb = await loadWorkbook(file);
    expect(wb.getWorksheet(MAIN_SHEET)).toBeDefined();
  });
});

describe('Coalesce', () => {
  const collect = (s: NodeJS.ReadableStream) =>
    new Promise<Buffer[]>((resolve, reject) => {
      const out: Buffer[] = [];
      s.on('data', (c: Buffer) => out.push(c));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });

  it('passes every byte on in order, in pieces of at least its size (the last one smaller)', async () => {
    const c = new Coalesce(100);
    const got = collect(c);
    const sent: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const b = Buffer.from([i & 0xff, (i >> 8) & 0xff, i % 7]);
      sent.push(b);
      c.write(b);
    }
    c.end(Buffer.from('end'));
    sent.push(Buffer.from('end'));
    const pieces = await got;
    expect(Buffer.concat(pieces).equals(Buffer.concat(sent))).toBe(true);
    expect(pieces.length).toBe(Math.ceil(3003 / 102)); // 34 writes of 3 bytes make each piece of 102
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(100);
  });

  it('holds the writer while what it passed on is not read (backpressure), and lets it on when read', async () => {
    const c = new Coalesce(1024);
    const big = Buffer.alloc(64 * 1024, 1);
    let accepted = 0;
    while (c.write(big) && accepted < 100) accepted++;
    // Nothing reads: it asks the writer to wait after a few pieces instead of taking everything.
    expect(accepted).toBeLessThan(4);
    expect(c.writableNeedDrain).toBe(true);
    const drained = new Promise((resolve) => c.once('drain', resolve));
    const sink = new Writable({ write: (_ch, _e, cb) => cb() });
    c.pipe(sink);
    await drained;
    c.end();
    await new Promise((resolve) => sink.once('finish', resolve));
  });

  it('ends a stream that was given nothing with nothing, and a destroyed one with its error', async () => {
    const empty = new Coalesce();
    const got = collect(empty);
    empty.end();
    expect(await got).toEqual([]);

    const broken = new Coalesce();
    const into = new PassThrough();
    broken.pipe(into);
    const failed = new Promise<Error>((resolve) => broken.once('error', resolve));
    broken.write(Buffer.from('partial'));
    broken.destroy(new Error('export failed'));
    expect((await failed).message).toBe('export failed');
  });
});
