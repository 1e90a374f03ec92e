import { Controller, Get, Header, Logger } from '@nestjs/common';
import { Metrics } from '../observability/metrics';
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
  ) {}

  /** Prometheus text format; gauges that live in the database are refreshed per scrape. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    try {
      const counts = await this.outbox.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.metrics.outboxDepth.set({ status }, n);
    } catch (error) {
      this.logger.warn(`outbox depth not refreshed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const [id, health] of Object.entries(this.state.connectors)) this.metrics.connectorUp.set({ connector: id }, HEALTH_VALUE[health.status]);
    return this.metrics.registry.metrics();
  }
}
