import { setTimeout as realTimeout, clearTimeout as clearRealTimeout } from 'node:timers';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Clock } from '../sdk';

export interface TestClockOptions {
  /** Epoch ms the clock starts at; default 2026-03-02T09:00:00Z (a Monday morning). */
  start?: number;
  /**
   * Let sleepers wake after ~1 ms of real time, moving the clock to their due time, so
   * polling loops and backoffs run at full speed without a test driving the clock.
   */
  autoAdvance?: boolean;
}

interface Sleeper {
  due: number;
  seq: number;
  wake(): void;
}

export const DEFAULT_TEST_START = Date.parse('2026-03-02T09:00:00Z');

/** The clock the kit hands connectors: virtual time, driven by the test or advancing itself. */
export class TestClock implements Clock {
  private current: number;
  private readonly autoAdvance: boolean;
  private readonly sleepers = new Set<Sleeper>();
  private seq = 0;

  constructor(options: TestClockOptions = {}) {
    this.current = options.start ?? DEFAULT_TEST_START;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  /** How many sleeps are waiting; lets a test see that a loop has gone idle. */
  get pendingSleepers(): number {
    return this.sleepers.size;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof realTimeout> | undefined;
      // Every way of waking removes the other two, so a long-lived signal gathers no listeners.
      const finish = (): void => {
        this.sleepers.delete(sleeper);
        signal?.removeEventListener('abort', finish);
        if (timer !== undefined) clearRealTimeout(timer);
        resolve();
      };
      const sleeper: Sleeper = { due: this.current + Math.max(0, ms), seq: this.seq++, wake: finish };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', finish, { once: true });
      if (this.autoAdvance) {
        timer = realTimeout(() => {
          this.current = Math.max(this.current, sleeper.due);
          finish();
        }, 1);
      }
    });
  }

  /** Moves time forward by `ms`, waking due sleepers in order; see advanceTo. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /**
   * Moves time to `target`, waking sleepers in due order and letting the work each one starts
   * run before the next wakes, so a loop that sleeps again inside the window wakes again too.
   */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await settle();
      const next = this.nextDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.due);
      next.wake();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  private nextDue(limit: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.due > limit) continue;
      if (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/**
 * Lets the work a wake-up started reach its next sleep: promise callbacks, then a few turns of
 * the event loop for code that yields with setImmediate (the kit's own singleton loop does).
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await nextTurn();
}
