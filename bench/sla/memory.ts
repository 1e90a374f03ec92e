const MIB = 2 ** 20;
const SAMPLE_MS = 100;

export interface MemoryFigures {
  /** Highest process.memoryUsage().rss seen, sampled every 100 ms, in MiB. */
  rssMaxMiB: number;
  heapUsedMaxMiB: number;
  samples: number;
}

/** Samples the process's memory in the background; one maximum per named phase. */
export class MemoryWatch {
  private readonly phases = new Map<string, { rss: number; heap: number; samples: number }>();
  private current: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Starts (or switches) the phase the following samples count towards. */
  phase(name: string): void {
    this.current = name;
    this.sample();
    this.timer ??= setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    this.sample();
    this.current = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  figures(name: string): MemoryFigures {
    const p = this.phases.get(name);
    return { rssMaxMiB: (p?.rss ?? 0) / MIB, heapUsedMaxMiB: (p?.heap ?? 0) / MIB, samples: p?.samples ?? 0 };
  }

  private sample(): void {
    if (this.current === undefined) return;
    const { rss, heapUsed } = process.memoryUsage();
    const p = this.phases.get(this.current) ?? { rss: 0, heap: 0, samples: 0 };
    p.rss = Math.max(p.rss, rss);
    p.heap = Math.max(p.heap, heapUsed);
    p.samples++;
    this.phases.set(this.current, p);
  }
}

/** The process's peak resident set since it started (getrusage), in MiB. */
export function peakRssMiB(): number {
  return (process.resourceUsage().maxRSS * 1024) / MIB;
}
