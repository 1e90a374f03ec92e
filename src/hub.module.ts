import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { CLOCK, type Clock, SystemClock } from './core/clock/clock';
import { type LoadedConfig } from './core/config/load-config';
import { HUB_CONFIG, INTAKE_SETTINGS, OUTBOX_SETTINGS } from './core/config/settings.tokens';
import { consoleParts } from './core/console/console.parts';
import { ConversationDirectory } from './core/conversations/conversation-directory';
import { OUTBOX_DELIVERY_CHANGED, OUTBOX_ENQUEUED } from './core/events/domain-events';
import { DeliveryReplayController } from './core/http/delivery-replay.controller';
import { AdminController } from './core/http/admin.controller';
import { AdminGuard } from './core/http/admin.guard';
import { HealthController } from './core/http/health.controller';
import { InquiryCommandsController } from './core/http/inquiry-commands.controller';
import { MetricsController } from './core/http/metrics.controller';
import { ReportsController } from './core/http/reports.controller';
import { InquiryCommands } from './core/inquiries/inquiry-commands';
import { InquiryQueries } from './core/inquiries/inquiry-queries';
import { IntakeService } from './core/intake/intake.service';
import { Metrics } from './core/observability/metrics';
import { type OutboxSettings } from './core/config/hub-config.schema';
import { DeliveryPolicies } from './core/outbox/delivery-policies';
import { OUTBOUND_DISPATCHER, type OutboundDispatcher } from './core/outbox/outbound-dispatcher';
import { pauseNotices } from './core/outbox/pause-notices';
import { DeliveryReplay } from './core/outbox/delivery-replay';
import { OutboxStore } from './core/outbox/outbox-store';
import { OutboxWorker } from './core/outbox/outbox-worker';
import { TicketAwareDispatcher } from './core/tickets/ticket-dispatcher';
import { TicketFollower } from './core/tickets/ticket-follower';
import { TicketLinks } from './core/tickets/ticket-links';
import { Database, DATABASE } from './core/persistence/database';
import { ReportScheduler } from './core/reporting/report-scheduler';
import { RulesStore } from './core/rules/rules-store';
import { HealthState } from './core/runtime/health-state';
import { HolidayFeeds } from './core/sla/holiday-feeds';
import { SlaScheduler } from './core/sla/sla-scheduler';
import { StaffRoster } from './core/staff/staff-roster';
import { HubRuntime } from './hub-runtime';
import { type ReplywatchPlugin } from './plugins/sdk/connector';
import { ConnectorCatalog } from './plugins/host/connector-catalog';
import { ConnectorHost } from './plugins/host/connector-host';
import { buildCatalog } from './plugins/host/build-catalog';
import { ContextFactory } from './plugins/host/services/context-factory';
import { RequestQuiesce } from './core/http/request-quiesce';
import { RouteTable } from './plugins/host/services/route-table';

export interface HubModuleOptions {
  config: LoadedConfig;
  clock?: Clock;
  /** Plugins handed over as objects (an embedding program, tests), besides hub.yaml's `plugins:`. */
  plugins?: readonly ReplywatchPlugin[];
  /** Run migrations on start (the default); `replywatch migrate` does it explicitly. */
  migrate?: boolean;
}

/**
 * The whole hub: core services, the plugin host and the HTTP API. It names no connector:
 * they are loaded by the plugin host, first-party and third-party alike.
 */
@Module({})
export class HubModule {
  static forRoot(options: HubModuleOptions): DynamicModule {
    // Every connector is loaded and every setting checked before Nest builds anything, so a
    // configuration error exits without opening the database.
    const catalog = buildCatalog(options.config, options.plugins);
    const rules = new RulesStore(options.config.rules);
    const webConsole = consoleParts(options.config);
    const providers: Provider[] = [
      { provide: HUB_CONFIG, useValue: options.config },
      { provide: INTAKE_SETTINGS, useValue: options.config.hub.intake },
      { provide: OUTBOX_SETTINGS, useValue: options.config.hub.outbox },
      { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
      { provide: RulesStore, useValue: rules },
      { provide: ConnectorCatalog, useValue: catalog },
      {
        provide: DATABASE,
        useFactory: async () => {
          const db = await Database.open(options.config.hub.database);
          if (options.migrate !== false) await db.migrate();
          return db;
        },
      },
      ConnectorHost,
      TicketLinks,
      { provide: OUTBOUND_DISPATCHER, inject: [ConnectorHost, TicketLinks], useFactory: (host: ConnectorHost, links: TicketLinks) => new TicketAwareDispatcher(host, links) },
      ContextFactory,
      RouteTable,
      StaffRoster,
      ConversationDirectory,
      Metrics,
      HealthState,
      IntakeService,
      InquiryQueries,
      DeliveryReplay,
      InquiryCommands,
      AdminGuard,
      { provide: OutboxStore, inject: [DATABASE], useFactory: (db: Database) => new OutboxStore(db) },
      {
        provide: DeliveryPolicies,
        useValue: new DeliveryPolicies(options.config.hub.outbox, options.config.hub.connectors, (connector, target) =>
          [...rules.current.rules.duty.targets, ...rules.current.rules.tickets.targets].find((t) => t.name === target && t.connector === connector)?.delivery),
      },
      {
        provide: OutboxWorker,
        inject: [OutboxStore, OUTBOUND_DISPATCHER, CLOCK, OUTBOX_SETTINGS, Metrics, DeliveryPolicies, DATABASE, EventEmitter2],
        useFactory: (store: OutboxStore, dispatcher: OutboundDispatcher, clock: Clock, settings: OutboxSettings, metrics: Metrics, policies: DeliveryPolicies, db: Database, events: EventEmitter2) =>
          new OutboxWorker(store, dispatcher, clock, settings, metrics, Math.random, {
            policies,
            onCircuitChange: pauseNotices(db, rules, clock, events),
            // The console's live pages follow deliveries through this.
            onDeliveryChanged: (change) => events.emit(OUTBOX_DELIVERY_CHANGED, change),
          }),
      },
      {
        provide: SlaScheduler,
        inject: [DATABASE, CLOCK, RulesStore],
        useFactory: (db: Database, clock: Clock, store: RulesStore) =>
          new SlaScheduler(db, clock, () => store.current, { batchSize: 100, pollInterval: options.config.hub.outbox.pollInterval }),
      },
      {
        provide: HolidayFeeds,
        inject: [DATABASE, CLOCK, RulesStore, HealthState],
        useFactory: (db: Database, clock: Clock, store: RulesStore, health: HealthState) => new HolidayFeeds(db, clock, store, health),
      },
      {
        provide: ReportScheduler,
        inject: [DATABASE, CLOCK, RulesStore, EventEmitter2],
        useFactory: (db: Database, clock: Clock, store: RulesStore, events: EventEmitter2) =>
          new ReportScheduler(db, clock, () => store.current.rules, () => events.emit(OUTBOX_ENQUEUED, 1)),
      },
      {
        provide: TicketFollower,
        inject: [DATABASE, CLOCK, RulesStore, EventEmitter2],
        useFactory: (db: Database, clock: Clock, store: RulesStore, events: EventEmitter2) =>
          new TicketFollower(db, clock, () => store.current.rules, (count) => events.emit(OUTBOX_ENQUEUED, count), options.config.hub.outbox.pollInterval),
      },
      { provide: RequestQuiesce, useValue: new RequestQuiesce() },
      HubRuntime,
      ...webConsole.providers,
    ];
    return {
      module: HubModule,
      imports: [EventEmitterModule.forRoot()],
      controllers: [HealthController, MetricsController, AdminController, InquiryCommandsController, DeliveryReplayController, ReportsController, ...webConsole.controllers],
      providers,
    };
  }
}
