import { Controller, Get, Header, Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { InquiryQueries } from '../inquiries/inquiry-queries';
import { Metrics } from '../observability/metrics';
import { processMetrics } from '../observability/process-metrics';
import { OutboxStore } from '../outbox/outbox-store';
import { HealthState } from '../runtime/health-state';

const HEALTH_VALUE = { up: 1, degraded: 0.5, down: 0 } as const;

@Controller('metrics')
export class MetricsController {
  private readonly logger = new Logger(MetricsController.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly outbox: OutboxStore,
    private readonly state: HealthState,
    private readonly queries: InquiryQueries,
  ) {}

  /** Prometheus text format; gauges that live in the database are refreshed per scrape. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    try {
      const counts = await this.outbox.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.metrics.outboxDepth.set({ status }, n);
      // Reset first: a policy with nothing waiting any more must show 0, not its last count.
      this.metrics.inquiriesWaiting.reset();
      for (const row of await this.queries.waitingByPolicy()) this.metrics.inquiriesWaiting.set({ policy: row.policy, status: row.status }, row.count);
      this.metrics.outboxBreaker.reset();
      for (const b of await this.outbox.circuits.list()) {
        this.metrics.outboxBreaker.set({ connector: b.connector, target: b.target, reason: b.reason ?? '' }, b.state === 'open' ? 2 : 1);
      }
    } catch (error) {
      this.logger.warn(`database gauges not refreshed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const [id, health] of Object.entries(this.state.connectors)) this.metrics.connectorUp.set({ connector: id }, HEALTH_VALUE[health.status]);
    this.exportParts();
    return Registry.merge([processMetrics(), this.metrics.registry]).metrics();
  }

  /** Per-part gauges, rebuilt each scrape so a part that went away disappears. */
  private exportParts(): void {
    const { connectorPartUp, connectorPartBacklog, connectorPartLastSync } = this.metrics;
    for (const gauge of [connectorPartUp, connectorPartBacklog, connectorPartLastSync]) gauge.reset();
    for (const [connector, health] of Object.entries(this.state.connectors)) {
      for (const part of Array.isArray(health.parts) ? health.parts : []) {
        const labels = { connector, part: part.name };
        connectorPartUp.set(labels, HEALTH_VALUE[part.status] ?? 0);
        if (typeof part.backlog === 'number') connectorPartBacklog.set(labels, part.backlog);
        const synced = part.lastSyncAt === undefined ? NaN : Date.parse(part.lastSyncAt);
        if (!Number.isNaN(synced)) connectorPartLastSync.set(labels, synced / 1000);
      }
    }
  }
}
