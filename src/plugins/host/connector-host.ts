import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ConnectorInstance, type DeliveryOrder, performsDeliveries } from '../sdk/connector';
import { asConnectorError, ConnectorError } from '../sdk/connector-error';
import { type DeliverOptions, type Delivery, type DeliveryResult } from '../sdk/delivery';
import { type Health } from '../sdk/services';
import { CLOCK, type Clock } from '../../core/clock/clock';
import { ConversationDirectory } from '../../core/conversations/conversation-directory';
import { InquiryCommands } from '../../core/inquiries/inquiry-commands';
import { IntakeService } from '../../core/intake/intake.service';
import { type OutboundDispatcher } from '../../core/outbox/outbound-dispatcher';
import { DATABASE, type Database } from '../../core/persistence/database';
import { HealthState } from '../../core/runtime/health-state';
import { ConnectorCatalog, type EnabledConnector } from './connector-catalog';
import { InboundStarter } from './inbound-starter';
import { instanceProblems } from './manifest-check';
import { PluginError } from './plugin-loader';
import { migrateConnector } from './services/connector-database';
import { ContextFactory, type ContextHandle } from './services/context-factory';
import { connectorLogger } from './services/connector-logger';
import { ChannelSink } from './services/message-sink';
import { keptHealth } from './services/health-report';

const VERIFY_TIMEOUT_MS = 10_000;

/**
 * Tells the outbox whether this connector's deliveries keep an order, in the database so that
 * deliveries written by any replica (or by the CLI) follow the connector's manifest.
 */
async function recordDeliveryOrder(db: Database, connector: string, order: DeliveryOrder): Promise<void> {
  if (order === 'none') await db.query(`INSERT INTO outbox_unordered_connectors (connector) VALUES ($1) ON CONFLICT DO NOTHING`, [connector]);
  else await db.query(`DELETE FROM outbox_unordered_connectors WHERE connector = $1`, [connector]);
}

interface Built {
  entry: EnabledConnector;
  instance: ConnectorInstance;
  context: ContextHandle<unknown>;
  starter?: InboundStarter;
}

/**
 * Runs the enabled connectors: builds each with its context (after running its own
 * migrations), starts the inbound ones, hands deliveries to the outbound ones with the attempt's
 * abort signal, verifies them for /health, and stops everything in reverse. Every error that
 * leaves a connector is scrubbed of that connector's secrets.
 */
@Injectable()
export class ConnectorHost implements OutboundDispatcher {
  private readonly logger = new Logger('plugins');
  private readonly built = new Map<string, Built>();

  constructor(
    private readonly catalog: ConnectorCatalog,
    private readonly contexts: ContextFactory,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly health: HealthState,
    private readonly intake: IntakeService,
    private readonly directory: ConversationDirectory,
    private readonly commands: InquiryCommands,
  ) {}

  /** Applies connector migrations and calls every enabled connector's create(). */
  async build(): Promise<void> {
    for (const entry of this.catalog.enabled.values()) {
      const { manifest } = entry.definition;
      const applied = await migrateConnector(this.db, this.clock, manifest.id, manifest.migrations ?? []);
      if (applied.length > 0) this.logger.log(`connector ${manifest.id}: applied migrations ${applied.join(', ')}`);
      const context = this.contexts.build(manifest, entry.config, entry.scrub);
      let instance: ConnectorInstance;
      try {
        instance = await entry.definition.create(context.context);
      } catch (error) {
        await context.stopBackground();
        throw new PluginError([`connector ${manifest.id} (${entry.origin}): create() failed: ${entry.scrub(describe(error))}`]);
      }
      const problems = instanceProblems(instance, entry.definition);
      if (problems.length > 0) throw new PluginError(problems);
      this.built.set(manifest.id, { entry, instance, context });
      if (performsDeliveries(manifest.direction)) await recordDeliveryOrder(this.db, manifest.id, manifest.deliveryOrder ?? 'target');
      const services = manifest.services?.length ? `; services: ${manifest.services.join(', ')}` : '';
      this.logger.log(`connector ${manifest.id} (${manifest.direction}, ${entry.origin}) enabled${services}`);
    }
  }

  /** Starts the inbound connectors; one that cannot start leaves the others running. */
  async startInbound(): Promise<void> {
    for (const built of this.built.values()) {
      const { manifest } = built.entry.definition;
      if (!built.instance.start || manifest.channel === undefined) continue;
      const sink = new ChannelSink(manifest.id, manifest.channel, this.intake, this.directory, this.commands);
      const logger = connectorLogger(manifest.id, built.entry.scrub);
      built.starter = new InboundStarter(manifest.id, built.instance, sink, this.clock, logger, built.entry.scrub, (health) => this.report(manifest.id, health));
      await built.starter.start();
    }
  }

  /** Stops inbound connectors (newest first), then background work, then closes everything. */
  async stop(): Promise<void> {
    const all = [...this.built.values()].reverse();
    for (const built of all) {
      await built.starter?.stop().catch((error: unknown) => this.logger.error(`stopping ${built.entry.definition.manifest.id} failed: ${built.entry.scrub(describe(error))}`));
    }
  }

  /** After the outbox has stopped: background work and the connectors' own resources. */
  async close(): Promise<void> {
    for (const built of [...this.built.values()].reverse()) {
      const id = built.entry.definition.manifest.id;
      await built.context.stopBackground().catch((error: unknown) => this.logger.error(`stopping ${id}'s background work failed: ${built.entry.scrub(describe(error))}`));
      await built.instance.close?.().catch((error: unknown) => this.logger.error(`closing ${id} failed: ${built.entry.scrub(describe(error))}`));
    }
    this.built.clear();
  }

  async deliver(connectorId: string, delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    const built = this.built.get(connectorId);
    if (!built?.instance.deliver) throw new ConnectorError('NOT_FOUND', `outbound connector "${connectorId}" is not enabled on this hub`);
    try {
      return await built.instance.deliver(delivery, options);
    } catch (error) {
      throw scrubbed(asConnectorError(error), built.entry.scrub);
    }
  }

  /** verify() of every connector, bounded in time; a connector not (yet) started keeps its start state. */
  async verifyAll(): Promise<void> {
    await Promise.all(
      [...this.built.values()].map(async (built) => {
        const state = built.starter?.state;
        if (state && (state.phase === 'retrying' || state.phase === 'failed')) return this.report(built.entry.definition.manifest.id, state.health);
        this.report(built.entry.definition.manifest.id, await this.verifyOne(built));
      }),
    );
  }

  private async verifyOne(built: Built): Promise<Health> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Health>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'down', detail: `verify() took longer than ${VERIFY_TIMEOUT_MS / 1000}s` }), VERIFY_TIMEOUT_MS);
    });
    try {
      return await Promise.race([built.instance.verify(), timeout]);
    } catch (error) {
      return { status: 'down', detail: describe(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private report(id: string, health: Health): void {
    const scrub = this.built.get(id)?.entry.scrub ?? ((text: string) => text);
    this.health.connectors[id] = keptHealth(health, scrub);
  }
}

function scrubbed(error: ConnectorError, scrub: (text: string) => string): ConnectorError {
  const message = scrub(error.message);
  if (message === error.message) return error;
  return new ConnectorError(error.code, message, error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
