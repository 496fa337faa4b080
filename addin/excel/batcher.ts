// Packs queued Excel operations into requests of at most REQUEST_BUDGET bytes (Excel on the web
// refuses requests over 5 MB; CJK text is 3 bytes a character in UTF-8, so we count bytes, not rows).
import type { ExcelContext } from './types';

export const REQUEST_BUDGET = 2 * 1024 * 1024;
/** Fixed cost we assume per queued operation (object path, action name, JSON framing). */
export const OP_OVERHEAD = 160;

const utf8 = new TextEncoder();
export function jsonBytes(value: unknown): number {
  return utf8.encode(JSON.stringify(value)).length;
}

export class Batcher {
  private used = 0;
  syncs = 0;
  bytes = 0;
  constructor(
    private ctx: ExcelContext,
    // Our byte estimate leaves out object paths, so aim 3% under the budget.
    private budget = Math.floor(REQUEST_BUDGET * 0.97),
    private onSync?: (syncs: number, bytes: number) => void,
    /** Queued first and last in every request (e.g. unprotect … protect): once per request, not per write. */
    private frame?: { open: () => void; close: () => void },
  ) {}

  /** Bytes still free in the current request (a fresh request's budget when nothing is queued). */
  get remaining(): number {
    return this.budget - Math.max(this.used, 2 * OP_OVERHEAD) - OP_OVERHEAD;
  }

  private begin(): void {
    // Our own writes should not recalc or repaint on every batch.
    this.ctx.application.suspendApiCalculationUntilNextSync();
    this.ctx.application.suspendScreenUpdatingUntilNextSync();
    this.used = 2 * OP_OVERHEAD + (this.frame ? 2 * OP_OVERHEAD : 0);
    this.frame?.open();
  }

  /** Queues `enqueue` (which must queue operations of about `bytes`), syncing first if it would not fit. */
  async add(bytes: number, enqueue: () => void): Promise<void> {
    if (this.used === 0) this.begin();
    if (this.used + bytes + OP_OVERHEAD > this.budget && this.used > 2 * OP_OVERHEAD) {
      await this.flush();
      this.begin();
    }
    enqueue();
    this.used += bytes + OP_OVERHEAD;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    this.frame?.close();
    this.bytes += this.used;
    this.used = 0;
    await this.ctx.sync();
    this.syncs++;
    this.onSync?.(this.syncs, this.bytes);
  }
}
