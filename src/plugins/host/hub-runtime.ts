import { existsSync } from 'node:fs';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, type Clock } from '../../core/clock/clock';
import { HUB_CONFIG } from '../../core/config/settings.tokens';
import { type LoadedConfig } from '../../core/config/load-config';
import { INQUIRY_EVENT, OUTBOX_ENQUEUED } from '../../core/events/domain-events';
import { Metrics } from '../../core/observability/metrics';
import { SlaScheduler } from '../../core/sla/sla-scheduler';
import { IntakeService } from '../../core/intake/intake.service';
import { OutboxWorker } from '../../core/outbox/outbox-worker';
import { DATABASE, type Database } from '../../core/persistence/database';
import { HealthState } from '../../core/runtime/health-state';
import { RulesReloader } from '../../core/rules/rules-reloader';
import { RulesStore } from '../../core/rules/rules-store';
import { HolidayFeeds } from '../../core/sla/holiday-feeds';
import { ReportScheduler } from '../../core/reporting/report-scheduler';
import { recomputeWaiting } from '../../core/sla/recompute';
import { INQUIRY_COMMAND_EVENT } from '../../core/inquiries/inquiry-commands';
import { type Stoppable } from '../contract/connector';
import { ConnectorRegistry } from '../registry/connector-registry';
import { checkRulesTargets } from '../registry/rules-check';

const VERIFY_EVERY_MS = 60_000;

/**
 * Owns the order of start and stop. Start: check the rules against the enabled connectors,
 * start the outbox, then open the inbound channels. Stop (SIGTERM): close the inbound
 * channels, let intake commit what it holds, finish deliveries in hand, close the database.
 */
@Injectable()
export class HubRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('hub');
  private readonly running: Array<{ id: string; handle: Stoppable }> = [];
  private readonly failedToStart = new Set<string>();
  private verifyTimer: NodeJS.Timeout | undefined;
  private reloader: RulesReloader | undefined;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: LoadedConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly registry: ConnectorRegistry,
    private readonly intake: IntakeService,
    private readonly worker: OutboxWorker,
    private readonly events: EventEmitter2,
    private readonly health: HealthState,
    private readonly scheduler: SlaScheduler,
    private readonly metrics: Metrics,
    private readonly rules: RulesStore,
    private readonly holidays: HolidayFeeds,
    private readonly reports: ReportScheduler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry.load();
    const outbound = this.registry.enabledOutbound().map((e) => e.connector.manifest.id);
    checkRulesTargets(this.config.rules, this.config.rulesSource, (id) => this.registry.isEnabledOutbound(id), outbound);
    this.events.on(OUTBOX_ENQUEUED, () => this.worker.wake());
    // A new or moved inquiry may be due before the scheduler's current sleep ends.
    this.events.on(INQUIRY_EVENT.opened, () => this.scheduler.wake());
    this.events.on(INQUIRY_EVENT.extended, () => this.scheduler.wake());
    this.events.on(INQUIRY_COMMAND_EVENT, () => this.scheduler.wake());
    this.scheduler.onFired = (mark) => {
      this.metrics.marksFired.inc({ level: mark.level, late: String(mark.late) });
      if (mark.deliveries > 0) this.worker.wake();
    };
    this.worker.start();
    // Holidays first: deadlines computed before them would ignore the feed's days off.
    await this.holidays.start();
    this.scheduler.start();
    this.reports.start();
    for (const { connector, config } of this.registry.enabledInbound()) {
      const id = connector.manifest.id;
      try {
        const handle = await connector.start(config, this.intake.sinkFor(connector.manifest.channel ?? id));
        this.running.push({ id, handle });
        this.logger.log(`inbound connector ${id} started`);
      } catch (error) {
        // One broken channel must not take the others down; /health shows it.
        const detail = this.registry.scrubError(id, error).message;
        this.failedToStart.add(id);
        this.health.connectors[id] = { status: 'down', detail: `failed to start: ${detail}` };
        this.logger.error(`inbound connector ${id} failed to start: ${detail}`);
      }
    }
    this.startRulesReloader();
    await this.refreshHealth();
    this.verifyTimer = setInterval(() => void this.refreshHealth(), VERIFY_EVERY_MS);
    this.verifyTimer.unref();
    this.logger.log(`hub ready (${this.db.backend} database)`);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.health.shuttingDown = true;
    clearInterval(this.verifyTimer);
    this.reloader?.stop();
    this.logger.log(`stopping${signal ? ` on ${signal}` : ''}: closing inbound channels`);
    for (const { id, handle } of this.running.splice(0).reverse()) {
      await handle.stop().catch((error: unknown) => this.logger.error(`stopping ${id} failed: ${String(error)}`));
    }
    await this.intake.close();
    await this.holidays.stop();
    await this.scheduler.stop();
    await this.reports.stop();
    await this.worker.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
    this.logger.log('stopped');
  }

  /** Only a runbook that came from a file can change; built-in rules have nothing to watch. */
  private startRulesReloader(): void {
    const file = this.config.rulesSource.file;
    if (!existsSync(file)) return;
    const outbound = () => this.registry.enabledOutbound().map((e) => e.connector.manifest.id);
    this.reloader = new RulesReloader(
      file,
      this.rules,
      this.health,
      (rules, source) => checkRulesTargets(rules, source, (id) => this.registry.isEnabledOutbound(id), outbound()),
      process.env,
      () => void this.afterReload(),
    );
    this.reloader.start();
  }

  private async afterReload(): Promise<void> {
    this.reports.wake();
    try {
      await this.holidays.restart();
      const { rules, sla } = this.rules.current;
      if (!rules.recomputeOpenInquiriesOnReload) return;
      const count = await recomputeWaiting(this.db, sla, this.clock.now());
      this.logger.log(`recomputed the policy and deadline of ${count} waiting inquiries under the new rules`);
      this.scheduler.wake();
    } catch (error) {
      this.logger.error(`after the rules reload: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async refreshHealth(): Promise<void> {
    const results = await this.registry.verifyAll();
    for (const [id, health] of Object.entries(results)) {
      // A connector that failed to start stays down even if its settings verify.
      if (this.failedToStart.has(id)) continue;
      this.health.connectors[id] = health;
    }
  }
}
