import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { HttpIngestController } from './connectors/http/http-ingest.controller';
import { HttpConnector } from './connectors/http/http.connector';
import { LogConnector } from './connectors/log/log.connector';
import { TelegramConnector } from './connectors/telegram/telegram.connector';
import { telegramWiring } from './connectors/telegram/telegram.providers';
import { TelegramWebhookController } from './connectors/telegram/telegram-webhook.controller';
import { CLOCK, type Clock, SystemClock } from './core/clock/clock';
import { type LoadedConfig } from './core/config/load-config';
import { HUB_CONFIG, INTAKE_SETTINGS, OUTBOX_SETTINGS } from './core/config/settings.tokens';
import { AdminController } from './core/http/admin.controller';
import { AdminGuard } from './core/http/admin.guard';
import { OUTBOX_ENQUEUED } from './core/events/domain-events';
import { HealthController } from './core/http/health.controller';
import { ReportScheduler } from './core/reporting/report-scheduler';
import { InquiryCommandsController } from './core/http/inquiry-commands.controller';
import { MetricsController } from './core/http/metrics.controller';
import { ReportsController } from './core/http/reports.controller';
import { InquiryCommands } from './core/inquiries/inquiry-commands';
import { InquiryQueries } from './core/inquiries/inquiry-queries';
import { IntakeService } from './core/intake/intake.service';
import { Metrics } from './core/observability/metrics';
import { OUTBOUND_DISPATCHER } from './core/outbox/outbound-dispatcher';
import { OutboxStore } from './core/outbox/outbox-store';
import { OutboxWorker } from './core/outbox/outbox-worker';
import { Database, DATABASE } from './core/persistence/database';
import { RulesStore } from './core/rules/rules-store';
import { HolidayFeeds } from './core/sla/holiday-feeds';
import { SlaScheduler } from './core/sla/sla-scheduler';
import { HealthState } from './core/runtime/health-state';
import { HubRuntime } from './plugins/host/hub-runtime';
import { ConnectorRegistry } from './plugins/registry/connector-registry';
import { checkRulesTargets } from './plugins/registry/rules-check';

/** First-party connectors; each is written against the same contract a plugin uses. */
export const FIRST_PARTY_CONNECTORS: Array<Type<unknown>> = [HttpConnector, LogConnector, TelegramConnector];

export interface HubModuleOptions {
  config: LoadedConfig;
  clock?: Clock;
  /** Connector classes from external plugins (or tests). */
  connectors?: Array<Type<unknown>>;
  /** Run migrations on start (the default); `replywatch migrate` does it explicitly. */
  migrate?: boolean;
}

@Module({})
export class HubModule {
  static forRoot(options: HubModuleOptions): DynamicModule {
    const connectors = [...FIRST_PARTY_CONNECTORS, ...(options.connectors ?? [])];
    const rules = new RulesStore(options.config.rules);
    const telegram = telegramWiring(options.config, rules);
    const providers: Provider[] = [
      { provide: HUB_CONFIG, useValue: options.config },
      { provide: INTAKE_SETTINGS, useValue: options.config.hub.intake },
      { provide: OUTBOX_SETTINGS, useValue: options.config.hub.outbox },
      { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
      { provide: RulesStore, useValue: rules },
      ...connectors,
      ConnectorRegistry,
      { provide: OUTBOUND_DISPATCHER, useExisting: ConnectorRegistry },
      {
        // Every connector is built and every setting checked before the database is opened,
        // so a configuration error exits without touching data.
        provide: DATABASE,
        inject: [ConnectorRegistry, ...connectors],
        useFactory: async (registry: ConnectorRegistry) => {
          registry.load();
          const outbound = registry.enabledOutbound().map((e) => e.connector.manifest.id);
          checkRulesTargets(options.config.rules, options.config.rulesSource, (id) => registry.isEnabledOutbound(id), outbound);
          const db = await Database.open(options.config.hub.database);
          if (options.migrate !== false) await db.migrate();
          return db;
        },
      },
      Metrics,
      HealthState,
      IntakeService,
      InquiryQueries,
      InquiryCommands,
      AdminGuard,
      { provide: OutboxStore, inject: [DATABASE], useFactory: (db: Database) => new OutboxStore(db) },
      {
        provide: OutboxWorker,
        inject: [OutboxStore, OUTBOUND_DISPATCHER, CLOCK, OUTBOX_SETTINGS, Metrics],
        useFactory: (...args: ConstructorParameters<typeof OutboxWorker>) => new OutboxWorker(...args),
      },
      {
        provide: SlaScheduler,
        inject: [DATABASE, CLOCK, RulesStore],
        useFactory: (db: Database, clock: Clock, rules: RulesStore) =>
          new SlaScheduler(db, clock, () => rules.current, { batchSize: 100, pollInterval: options.config.hub.outbox.pollInterval }),
      },
      {
        provide: HolidayFeeds,
        inject: [DATABASE, CLOCK, RulesStore, HealthState],
        useFactory: (db: Database, clock: Clock, rules: RulesStore, health: HealthState) => new HolidayFeeds(db, clock, rules, health),
      },
      {
        provide: ReportScheduler,
        inject: [DATABASE, CLOCK, RulesStore, EventEmitter2],
        useFactory: (db: Database, clock: Clock, rulesStore: RulesStore, events: EventEmitter2) =>
          new ReportScheduler(db, clock, () => rulesStore.current.rules, () => events.emit(OUTBOX_ENQUEUED, 1)),
      },
      HubRuntime,
      ...telegram.connectorProviders,
      ...telegram.providers,
    ];
    return {
      module: HubModule,
      imports: [DiscoveryModule, EventEmitterModule.forRoot(), ...telegram.imports],
      controllers: [
        HealthController,
        MetricsController,
        AdminController,
        InquiryCommandsController,
        ReportsController,
        HttpIngestController,
        TelegramWebhookController,
      ],
      providers,
    };
  }
}
