import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MIB = 2 ** 20;
const SAMPLE_MS = 100;
/** Timer ticks per live sample: a full GC every 500 ms costs little against a multi-second export. */
const LIVE_EVERY = 5;

export interface MemoryFigures {
  /** Right before the export (after a full GC when one could be forced). */
  rssBeforeMiB: number;
  heapBeforeMiB: number;
  /** Highest sample minus the value before. */
  rssPeakDeltaMiB: number;
  /** Garbage included, so it grows with the garbage an export makes, not with what it keeps. */
  heapPeakDeltaMiB: number;
  /**
   * Highest heapUsed right after a forced full GC, minus the value before: what the export
   * keeps alive. null when GC cannot be forced.
   */
  liveHeapPeakDeltaMiB: number | null;
  samples: number;
  /** Live samples taken: every 5th tick and one at the end. */
  liveSamples: number;
}

/** A full GC, if V8 lets us expose it at run time (the npm script passes no --expose-gc). */
const collect: (() => void) | null = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
})();

export const canForceGc = collect !== null;

/**
 * Samples process.memoryUsage() every 100 ms (the export awaits the database between pages, so
 * the timer gets its turn) and whenever `sample()` is called (the sink calls it on every write).
 * Every 5th tick it also forces a full GC first, so that heap is what is still reachable.
 */
export class MemoryWatch {
  private readonly before: NodeJS.MemoryUsage;
  private rss: number;
  private heap: number;
  private live: number | null = null;
  private samples = 0;
  private liveSamples = 0;
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor() {
    this.before = process.memoryUsage();
    this.rss = this.before.rss;
    this.heap = this.before.heapUsed;
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
  }

  /** Settles the heap (GC twice, a short pause), then starts watching. */
  static async start(): Promise<MemoryWatch> {
    collect?.();
    collect?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return new MemoryWatch();
  }

  sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.rss = Math.max(this.rss, rss);
    this.heap = Math.max(this.heap, heapUsed);
    this.samples++;
  }

  /** Ends the watch; the last live sample shows what the export left behind, which counts too. */
  stop(): MemoryFigures {
    this.sample();
    clearInterval(this.timer);
    this.sampleLive();
    return {
      rssBeforeMiB: this.before.rss / MIB,
      heapBeforeMiB: this.before.heapUsed / MIB,
      rssPeakDeltaMiB: (this.rss - this.before.rss) / MIB,
      heapPeakDeltaMiB: (this.heap - this.before.heapUsed) / MIB,
      liveHeapPeakDeltaMiB: this.live === null ? null : (this.live - this.before.heapUsed) / MIB,
      samples: this.samples,
      liveSamples: this.liveSamples,
    };
  }

  private tick(): void {
    this.sample();
    if (++this.ticks % LIVE_EVERY === 0) this.sampleLive();
  }

  private sampleLive(): void {
    if (!collect) return;
    collect();
    // Floored at the value before, like the other peaks: a GC that frees more than the export holds reads as 0.
    this.live = Math.max(this.live ?? this.before.heapUsed, process.memoryUsage().heapUsed);
    this.liveSamples++;
  }
}
