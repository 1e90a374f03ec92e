/**
 * Time source for all domain code. Domain code never reads Date.now() or sets raw timers:
 * tests and `simulate` drive a virtual clock through the same interface.
 */
export interface Clock {
  /** Current instant, epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time, or early (without error) when the signal aborts.
   * A virtual clock resolves it when the test advances time past the deadline.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const CLOCK = Symbol('Clock');

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
