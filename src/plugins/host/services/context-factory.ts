import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { type ConnectorContext, type ConnectorManifest } from '../../sdk/connector';
import { type Health, type ServiceName } from '../../sdk/services';
import { CLOCK, type Clock } from '../../../core/clock/clock';
import { HUB_CONFIG } from '../../../core/config/settings.tokens';
import { type LoadedConfig } from '../../../core/config/load-config';
import { ConversationDirectory } from '../../../core/conversations/conversation-directory';
import { InquiryCommands } from '../../../core/inquiries/inquiry-commands';
import { InquiryQueries } from '../../../core/inquiries/inquiry-queries';
import { DATABASE, type Database } from '../../../core/persistence/database';
import { RulesStore } from '../../../core/rules/rules-store';
import { HealthState } from '../../../core/runtime/health-state';
import { StaffRoster } from '../../../core/staff/staff-roster';
import { TicketLinks } from '../../../core/tickets/ticket-links';
import { connectorLogger } from './connector-logger';
import { connectorPath } from './connector-paths';
import { ScopedDatabase } from './connector-database';
import { ConnectorInquiries } from './inquiry-service';
import { JobRunner } from './job-runner';
import { ConnectorNotices } from './notice-service';
import { ConnectorReports } from './report-service';
import { RouteTable } from './route-table';
import { SingletonRunner } from './singleton-runner';
import { ConnectorStaff } from './staff-service';
import { ConnectorTickets } from './ticket-service';
import { DatabaseStateStore } from './state-store';
import { keptHealth } from './health-report';

/** What the host keeps of a built context, to stop its background work. */
export interface ContextHandle<C> {
  context: ConnectorContext<C>;
  /** Stops the connector's singletons and jobs and waits for them. */
  stopBackground(): Promise<void>;
}

/**
 * Builds the context a connector is created with: its settings, always-present services
 * (logger, clock, health, hub, rules), and the optional services it declared — each scoped to
 * the connector. Touching an undeclared service throws, naming the missing declaration.
 */
@Injectable()
export class ContextFactory {
  /** Names this process in leases, so operators can see which replica holds what. */
  readonly replica = `replica-${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: LoadedConfig,
    private readonly rules: RulesStore,
    private readonly health: HealthState,
    private readonly routes: RouteTable,
    private readonly queries: InquiryQueries,
    private readonly commands: InquiryCommands,
    private readonly directory: ConversationDirectory,
    private readonly roster: StaffRoster,
    private readonly events: EventEmitter2,
    private readonly tickets: TicketLinks,
  ) {}

  build<C>(manifest: ConnectorManifest<C>, config: C, scrub: (text: string) => string): ContextHandle<C> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's getters below have their own `this`
    const factory = this;
    const id = manifest.id;
    const channel = manifest.channel;
    const logger = connectorLogger(id, scrub);
    const background: Array<{ stop(): Promise<void> }> = [];
    const declared = new Set<ServiceName>(manifest.services ?? []);
    const lazy = new Map<ServiceName, unknown>();
    const service = <T>(name: ServiceName, make: () => T): T => {
      if (!declared.has(name)) throw new Error(`connector ${id} uses ctx.${name} but does not declare "${name}" in manifest.services`);
      if (!lazy.has(name)) lazy.set(name, make());
      return lazy.get(name) as T;
    };
    const requireChannel = (name: ServiceName): string => {
      if (channel === undefined) throw new Error(`connector ${id} uses ctx.${name}, which needs an inbound or duplex connector with a channel`);
      return channel;
    };
    const context: ConnectorContext<C> = {
      id,
      channel,
      config,
      logger,
      clock: this.clock,
      health: { report: (health: Health) => this.reportHealth(id, health, scrub) },
      hub: {
        dataDir: this.config.hub.database.dataDir,
        backend: this.db.backend === 'pglite' ? 'embedded' : 'server',
        resolvePath: (written: string) => connectorPath(this.config.hubFile, id, written, logger),
      },
      rules: {
        dutyTargets: () => this.rules.current.rules.duty.targets.filter((t) => t.connector === id).map((t) => ({ name: t.name, to: { ...t.to } })),
        ticketTargets: () => this.rules.current.rules.tickets.targets.filter((t) => t.connector === id).map((t) => ({ name: t.name, to: { ...t.to } })),
      },
      get state() {
        return service('state', () => new DatabaseStateStore(factory.db, factory.clock, id));
      },
      get database() {
        return service('database', () => new ScopedDatabase(factory.db, id));
      },
      get singleton() {
        return service('singleton', () => ({
          run: (name: string, work: (signal: AbortSignal) => Promise<void>, options?: { leaseMs?: number }) => {
            const runner = new SingletonRunner(factory.db, factory.clock, logger, `${id}/${name}`, factory.replica, work, options);
            background.push(runner);
            return runner;
          },
        }));
      },
      get scheduler() {
        return service('scheduler', () => ({
          every: (name: string, intervalMs: number, work: (signal: AbortSignal) => Promise<void>, options?: { initialDelayMs?: number }) => {
            const job = new JobRunner(factory.db, factory.clock, logger, `${id}/${name}`, intervalMs, work, options);
            background.push(job);
            return job;
          },
        }));
      },
      get routes() {
        return service('routes', () => ({
          post: (path: string, handler: Parameters<RouteTable['add']>[3], options = {}) => factory.routes.add(id, 'POST', path, handler, options, scrub),
          get: (path: string, handler: Parameters<RouteTable['add']>[3]) => factory.routes.add(id, 'GET', path, handler, {}, scrub),
        }));
      },
      get inquiries() {
        return service('inquiries', () => new ConnectorInquiries(channel, factory.db, factory.queries, factory.commands, factory.directory));
      },
      get staff() {
        return service('staff', () => new ConnectorStaff(requireChannel('staff'), factory.rules, factory.roster));
      },
      get reports() {
        return service('reports', () => new ConnectorReports(factory.db, factory.clock, factory.rules));
      },
      get notices() {
        return service('notices', () => new ConnectorNotices(id, channel, factory.db, factory.clock, factory.rules, factory.events));
      },
      get tickets() {
        return service('tickets', () => new ConnectorTickets(id, factory.tickets));
      },
    };
    return {
      context,
      stopBackground: async () => {
        await Promise.all(background.splice(0).map((b) => b.stop()));
      },
    };
  }

  private reportHealth(id: string, health: Health, scrub: (text: string) => string): void {
    this.health.connectors[id] = keptHealth(health, scrub);
  }
}
