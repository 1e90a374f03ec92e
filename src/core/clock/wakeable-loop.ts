import { type Clock } from './clock';

/**
 * A background loop that runs a pass, then sleeps on the (possibly virtual) clock for as long
 * as the pass says, unless woken early. The outbox worker and the SLA scheduler both use it:
 * one loop per process, no timer per item, and a stop that waits for the pass in hand.
 */
export class WakeableLoop {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp = new AbortController();

  constructor(
    private readonly clock: Clock,
    /** One pass; resolves to how long to sleep before the next (0: go again at once). */
    private readonly pass: () => Promise<number>,
    /** A failed pass is reported here and retried after `retryMs`. */
    private readonly onError: (error: unknown) => void,
    private readonly retryMs: number,
  ) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp.abort();
    await this.running;
    this.running = undefined;
  }

  wake(): void {
    this.wakeUp.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      // A wake-up during the pass is kept: what it announced (a commit, a finished attempt)
      // may have come too late for the pass to see, so the loop goes round again at once.
      this.wakeUp = new AbortController();
      let idleMs: number;
      try {
        idleMs = await this.pass();
      } catch (error) {
        this.onError(error);
        idleMs = this.retryMs;
      }
      if (this.stopping) break;
      if (idleMs > 0 && !this.wakeUp.signal.aborted) await this.clock.sleep(idleMs, this.wakeUp.signal);
    }
  }
}
