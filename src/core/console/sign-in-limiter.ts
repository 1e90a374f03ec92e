/** Failed sign-ins allowed per client (an IPv4 address or an IPv6 /64) within the window. */
export const ADDRESS_LIMIT = 10;
/** Failed sign-ins allowed from all clients together within the window: guessing spread over many addresses. */
export const GLOBAL_LIMIT = 100;
export const WINDOW_MS = 5 * 60_000;

/** Which limit a failure reached, for one log line per lock-out. */
export type LimitReached = 'address' | 'global' | undefined;

/**
 * Failed sign-ins within a sliding window, per client and in all; past either limit further
 * attempts are refused until enough failures have aged out. A success clears nothing: a
 * holder of one valid token could otherwise reset the count between guesses at the others.
 * In memory: each replica counts its own, which still turns guessing a 16+ character token
 * from hopeless into more hopeless.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  /** The newest failures of all clients, at most `globalLimit` of them. */
  private all: number[] = [];

  constructor(
    private readonly limit = ADDRESS_LIMIT,
    private readonly windowMs = WINDOW_MS,
    /** Addresses tracked at most, so a flood of sources cannot grow memory without bound. */
    private readonly maxTracked = 10_000,
    private readonly globalLimit = GLOBAL_LIMIT,
  ) {}

  /** Ms until this client may try again; 0 when it may now. */
  retryAfter(address: string, now: number): number {
    return Math.max(this.wait(this.recent(address, now), this.limit, now), this.wait(this.recentAll(now), this.globalLimit, now));
  }

  /** Counts a failure; says which limit it was the one to reach, if any. */
  fail(address: string, now: number): LimitReached {
    if (!this.failures.has(address) && this.failures.size >= this.maxTracked) this.prune(now);
    const recent = [...this.recent(address, now), now];
    this.failures.set(address, recent);
    this.all = [...this.recentAll(now), now].slice(-this.globalLimit);
    if (this.all.length === this.globalLimit) return 'global';
    return recent.length === this.limit ? 'address' : undefined;
  }

  /** Until the oldest of the last `limit` failures leaves the window; 0 while fewer. */
  private wait(recent: number[], limit: number, now: number): number {
    if (recent.length < limit) return 0;
    return (recent[recent.length - limit] ?? now) + this.windowMs - now;
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.windowMs);
  }

  private recentAll(now: number): number[] {
    return this.all.filter((at) => at > now - this.windowMs);
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
