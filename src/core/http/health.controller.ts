import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { type Response } from 'express';
import { DATABASE, type Database } from '../persistence/database';
import { OutboxStore } from '../outbox/outbox-store';
import { breakerViews } from '../outbox/outbox-summary';
import { HealthState } from '../runtime/health-state';

const DB_CHECK_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly state: HealthState,
    private readonly outbox: OutboxStore,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 503 when the database is unreachable or the hub is stopping (take it out of
   * rotation); 200 "degraded" when only a connector is unwell or a breaker holds deliveries,
   * since intake still works. Every breaker that is not closed is listed under `outbox`.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const database = await this.checkDatabase();
    const connectorsOk = Object.values(this.state.connectors).every((h) => h.status === 'up');
    const breakers = database.status === 'up' ? await this.outbox.circuits.list().then(breakerViews, () => []) : [];
    const ready = database.status === 'up' && !this.state.shuttingDown;
    const status = !ready ? 'down' : connectorsOk && this.state.warnings.length === 0 && breakers.length === 0 ? 'up' : 'degraded';
    res.status(ready ? 200 : 503);
    return { status, database, connectors: this.state.connectors, outbox: { breakers }, warnings: this.state.warnings, shuttingDown: this.state.shuttingDown };
  }

  private async checkDatabase(): Promise<{ status: 'up' | 'down'; backend: string; detail?: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${DB_CHECK_TIMEOUT_MS} ms`)), DB_CHECK_TIMEOUT_MS);
        }),
      ]);
      return { status: 'up', backend: this.db.backend };
    } catch (error) {
      return { status: 'down', backend: this.db.backend, detail: error instanceof Error ? error.message : 'unreachable' };
    } finally {
      clearTimeout(timer);
    }
  }
}
