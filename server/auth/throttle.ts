// Slows guessing of tokens: after `failures` bad tokens from one address within `windowMs`, every
// authenticated request from that address gets 429 with Retry-After until the window ends. Kept in this
// process's memory on purpose: it is a brake, not a record (a restart forgets it, nothing is lost).
export interface ThrottleOptions {
  failures: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { failures: 100, windowMs: 10 * 60_000 };

export class AuthThrottle {
  private byAddress = new Map<string, { start: number; count: number }>();
  constructor(
    private opts: ThrottleOptions = DEFAULT_THROTTLE,
    private now: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0. */
  retryAfter(address: string): number {
    const w = this.byAddress.get(address);
    if (!w) return 0;
    const left = w.start + this.opts.windowMs - this.now();
    if (left <= 0) {
      this.byAddress.delete(address);
      return 0;
    }
    return w.count >= this.opts.failures ? Math.ceil(left / 1000) : 0;
  }

  fail(address: string): void {
    const t = this.now();
    const w = this.byAddress.get(address);
    if (!w || t - w.start >= this.opts.windowMs) this.byAddress.set(address, { start: t, count: 1 });
    else w.count++;
    if (this.byAddress.size > 50_000) this.sweep(t);
  }

  private sweep(t: number): void {
    for (const [a, w] of this.byAddress) if (t - w.start >= this.opts.windowMs) this.byAddress.delete(a);
  }
}
