/**
 * Failed sign-ins per client address within a window; past the limit further attempts are
 * refused until the window has passed. In memory: each replica counts its own, which still
 * turns guessing a 16+ character token from hopeless into more hopeless.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
    /** Addresses tracked at most, so a flood of sources cannot grow memory without bound. */
    private readonly maxTracked = 10_000,
  ) {}

  /** Ms until this address may try again; 0 when it may now. */
  retryAfter(address: string, now: number): number {
    const recent = this.recent(address, now);
    if (recent.length < this.limit) return 0;
    return (recent[0] ?? now) + this.windowMs - now;
  }

  /** Counts a failure; true when it is the one that reached the limit. */
  fail(address: string, now: number): boolean {
    if (!this.failures.has(address) && this.failures.size >= this.maxTracked) this.prune(now);
    const recent = [...this.recent(address, now), now];
    this.failures.set(address, recent);
    return recent.length === this.limit;
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [address] of this.failures) if (this.recent(address, now).length === 0) this.failures.delete(address);
    // Still full of live entries: forget the oldest address rather than refuse to count.
    if (this.failures.size >= this.maxTracked) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }
}
