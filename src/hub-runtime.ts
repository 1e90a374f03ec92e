import { existsSync } from 'node:fs';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, type Clock } from './core/clock/clock';
import { HUB_CONFIG } from './core/config/settings.tokens';
import { type LoadedConfig } from './core/config/load-config';
import { OUTBOX_ENQUEUED, SLA_ATTENTION_PLANNED, SLA_MARK_FIRED } from './core/events/domain-events';
import { Metrics } from './core/observability/metrics';
import { SlaScheduler } from './core/sla/sla-scheduler';
import { IntakeService } from './core/intake/intake.service';
import { OutboxWorker } from './core/outbox/outbox-worker';
import { DATABASE, type Database } from './core/persistence/database';
import { HealthState } from './core/runtime/health-state';
import { RulesReloader } from './core/rules/rules-reloader';
import { RulesStore } from './core/rules/rules-store';
import { HolidayFeeds } from './core/sla/holiday-feeds';
import { ReportScheduler } from './core/reporting/report-scheduler';
import { TicketFollower } from './core/tickets/ticket-follower';
import { recomputeWaiting } from './core/sla/recompute';
import { INQUIRY_COMMAND_EVENT } from './core/inquiries/inquiry-commands';
import { ConnectorCatalog } from './plugins/host/connector-catalog';
import { ConnectorHost } from './plugins/host/connector-host';
import { purgeExpiredState } from './plugins/host/services/state-store';
import { RequestQuiesce } from './core/http/request-quiesce';

const VERIFY_EVERY_MS = 60_000;
/** On stop: the listener closes once no request came for this long (or after the cap). */
const QUIET_MS = 250;
const MAX_QUIET_WAIT_MS = 5000;

/**
 * Owns the order of start and stop for the whole hub. Start: build the connectors (their
 * settings and the rules were checked before the database opened), start the outbox and the
 * schedulers, then open the inbound channels. Stop (SIGTERM): close the inbound channels, let
 * intake commit what it holds, finish deliveries in hand, close the connectors and the database.
 */
@Injectable()
export class HubRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('hub');
  private verifyTimer: NodeJS.Timeout | undefined;
  private reloader: RulesReloader | undefined;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: LoadedConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly catalog: ConnectorCatalog,
    private readonly host: ConnectorHost,
    private readonly intake: IntakeService,
    private readonly worker: OutboxWorker,
    private readonly events: EventEmitter2,
    private readonly health: HealthState,
    private readonly scheduler: SlaScheduler,
    private readonly metrics: Metrics,
    private readonly rules: RulesStore,
    private readonly holidays: HolidayFeeds,
    private readonly reports: ReportScheduler,
    private readonly tickets: TicketFollower,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly quiesce: RequestQuiesce,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Connectors first: the outbox must find them when it claims its first delivery.
    await this.host.build();
    this.events.on(OUTBOX_ENQUEUED, () => this.worker.wake());
    // A new or moved inquiry may be due before the scheduler's current sleep ends.
    this.events.on(SLA_ATTENTION_PLANNED, (at: number) => this.scheduler.wakeIfBefore(at));
    this.events.on(INQUIRY_COMMAND_EVENT, () => this.scheduler.wake());
    this.scheduler.onFired = (mark) => {
      this.metrics.marksFired.inc({ level: mark.level, late: String(mark.late) });
      if (mark.deliveries > 0) this.worker.wake();
      // In-process listeners (the console's live queue) hear of it after the commit.
      this.events.emit(SLA_MARK_FIRED, mark);
    };
    this.worker.start();
    // Holidays first: deadlines computed before them would ignore the feed's days off.
    await this.holidays.start();
    this.scheduler.start();
    this.reports.start();
    this.tickets.start();
    await this.host.startInbound();
    this.startRulesReloader();
    await this.refreshHealth();
    this.verifyTimer = setInterval(() => void this.refreshHealth(), VERIFY_EVERY_MS);
    this.verifyTimer.unref();
    this.logger.log(`hub ready (${this.db.backend} database)`);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.health.shuttingDown = true;
    this.quiesce.drain();
    clearInterval(this.verifyTimer);
    this.reloader?.stop();
    this.logger.log(`stopping${signal ? ` on ${signal}` : ''}: closing inbound channels`);
    await this.host.stop();
    await this.intake.close();
    await this.holidays.stop();
    await this.scheduler.stop();
    await this.reports.stop();
    await this.tickets.stop();
    await this.worker.stop();
    await this.host.close();
    // Nest closes the listener right after this hook. Until senders go quiet, requests still
    // arriving are answered (503: intake is closed) rather than reset with the listener.
    await this.quiesce.quiet(QUIET_MS, MAX_QUIET_WAIT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
    this.logger.log('stopped');
  }

  /** Only a runbook that came from a file can change; the built-in and demo ones have nothing to watch. */
  private startRulesReloader(): void {
    const file = this.config.rulesSource.file;
    if (this.config.runbook !== 'file' || !existsSync(file)) return;
    this.reloader = new RulesReloader(
      file,
      this.rules,
      this.health,
      this.clock,
      (rules, source) => this.catalog.checkRules(rules, source),
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
    await this.host.verifyAll();
    // Expired connector state (parts of a message already sent, old cursors) is swept here.
    await purgeExpiredState(this.db, new Date(this.clock.now())).catch((error: unknown) => this.logger.warn(`purging expired connector state failed: ${String(error)}`));
  }
}
