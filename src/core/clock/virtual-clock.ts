import { type Clock } from './clock';

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

type Resolver = () => void;

/**
 * A clock that only moves when told to. `advance` wakes sleepers in deadline order and
 * lets the promise chains they start run before moving on, so time-based behaviour can be
 * tested in milliseconds of real time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start: number | Date | string) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort: Resolver = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      // Waking by time removes the abort listener, so a long-lived signal does not pile them up.
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of pending sleepers; lets tests wait until a worker has gone idle. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number | Date | string): Promise<void> {
    const until = typeof target === 'number' ? target : new Date(target).getTime();
    for (;;) {
      await settle();
      const next = this.nextSleeper(until);
      if (!next) break;
      this.current = Math.max(this.current, next.wakeAt);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.current = Math.max(this.current, until);
    await settle();
  }

  private nextSleeper(until: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.wakeAt > until) continue;
      if (!best || s.wakeAt < best.wakeAt || (s.wakeAt === best.wakeAt && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/** Lets already-queued promise callbacks and I/O callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
