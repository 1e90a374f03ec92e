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
      let idleMs: number;
      try {
        idleMs = await this.pass();
      } catch (error) {
        this.onError(error);
        idleMs = this.retryMs;
      }
      if (this.stopping) break;
      // A wake-up that arrived during the pass has been served by it.
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
      if (idleMs > 0) await this.clock.sleep(idleMs, this.wakeUp.signal);
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    }
  }
}
