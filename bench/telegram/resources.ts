const MIB = 2 ** 20;
const SAMPLE_MS = 250;

export interface ResourceFigures {
  wallSeconds: number;
  /** process.cpuUsage() (user + system) over the wall time, in % of one core. */
  cpuPercent: number;
  /** Highest process.memoryUsage().rss seen, sampled every 250 ms. */
  peakRssMiB: number;
}

/**
 * CPU and memory of this process over one phase. The fake Bot API, the load generator and
 * the hub (and, on the embedded backend, the database) share the process, so both figures are
 * upper bounds for the hub; a PostgreSQL server's own CPU is not included.
 */
export class ResourceWatch {
  private readonly cpu = process.cpuUsage();
  private readonly started = performance.now();
  private peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), SAMPLE_MS);
  private result: ResourceFigures | undefined;

  constructor() {
    this.timer.unref();
  }

  stop(): ResourceFigures {
    if (this.result) return this.result;
    this.sample();
    clearInterval(this.timer);
    const used = process.cpuUsage(this.cpu);
    const wallMs = performance.now() - this.started;
    this.result = { wallSeconds: wallMs / 1000, cpuPercent: wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0, peakRssMiB: this.peak / MIB };
    return this.result;
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
}
