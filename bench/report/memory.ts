import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MIB = 2 ** 20;
const SAMPLE_MS = 100;

export interface MemoryFigures {
  /** Right before the export (after a full GC when one could be forced). */
  rssBeforeMiB: number;
  heapBeforeMiB: number;
  /** Highest sample minus the value before. */
  rssPeakDeltaMiB: number;
  heapPeakDeltaMiB: number;
  samples: number;
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
 */
export class MemoryWatch {
  private readonly before: NodeJS.MemoryUsage;
  private rss: number;
  private heap: number;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor() {
    this.before = process.memoryUsage();
    this.rss = this.before.rss;
    this.heap = this.before.heapUsed;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
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

  stop(): MemoryFigures {
    this.sample();
    clearInterval(this.timer);
    return {
      rssBeforeMiB: this.before.rss / MIB,
      heapBeforeMiB: this.before.heapUsed / MIB,
      rssPeakDeltaMiB: (this.rss - this.before.rss) / MIB,
      heapPeakDeltaMiB: (this.heap - this.before.heapUsed) / MIB,
      samples: this.samples,
    };
  }
}
