import { type DeliverOptions, type Delivery, type DeliveryResult } from './delivery';
import { type MessageSink } from './message';
import {
  type Clock,
  type ConnectorDatabase,
  type ConnectorLogger,
  type ConnectorMigration,
  type Health,
  type HealthReporter,
  type HubInfo,
  type InquiryService,
  type NoticeService,
  type ReportService,
  type RouteService,
  type RulesView,
  type SchedulerService,
  type ServiceName,
  type SingletonService,
  type StaffService,
  type TicketService,
  type StateStore,
} from './services';

/**
 * `inbound` reads a channel, `outbound` performs deliveries, `duplex` does both through one
 * set of settings (one Telegram bot reads customer groups and speaks in duty chats).
 */
export type ConnectorDirection = 'inbound' | 'outbound' | 'duplex';

/** A zod 4 schema, or anything with the same `safeParse` (the hub calls nothing else). */
export interface ConfigSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };
}

export interface SchemaIssue {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  /** For `unrecognized_keys`. */
  keys?: readonly string[];
}

/** An environment variable that sets one key of the connector's section in hub.yaml. */
export interface EnvironmentSetting {
  /** The key it sets, a dotted path inside the section (e.g. `token`, `webhook.secretToken`). */
  key: string;
  /** Without a hub.yaml, setting this variable enables the connector. */
  enables?: boolean;
}

export interface ConnectorManifest<C> {
  /** Stable kebab-case id; also the key of the connector's section in hub.yaml. */
  id: string;
  direction: ConnectorDirection;
  /** Inbound and duplex: the channel name stored with every message (e.g. `telegram`). */
  channel?: string;
  displayName?: string;
  /** Validated at start with errors located in hub.yaml; mark secrets with `secret()`. */
  configSchema: ConfigSchema<C>;
  /** Environment variables the connector reads, e.g. `{ TELEGRAM_BOT_TOKEN: { key: 'token' } }`. */
  environment?: Readonly<Record<string, EnvironmentSetting>>;
  /** Enabled without a section in hub.yaml when there is no hub.yaml at all (first start). */
  enabledByDefault?: boolean;
  /** Optional services used; see ServiceName. Using an undeclared one throws. */
  services?: readonly ServiceName[];
  /**
   * Outbound: the shape of a duty target's `to:` in the rules, so that a typo is a located
   * error at start and on reload rather than a dead letter later.
   */
  targetSchema?: ConfigSchema<unknown>;
  /**
   * Outbound: `target` (the default) sends deliveries to one duty target one at a time, in the
   * order written, as a chat needs. `none` lets them go side by side and arrive in any order,
   * for peers that order events themselves (a webhook receiver by the event's timestamp and id):
   * one slow answer then holds up nothing else. Since contract 2.6.
   */
  deliveryOrder?: DeliveryOrder;
  /** Tables of the connector's own (needs the `database` service), applied at start in order. */
  migrations?: readonly ConnectorMigration[];
}

export type DeliveryOrder = 'target' | 'none';

/** What the hub hands a connector when it builds it: its settings and its services. */
export interface ConnectorContext<C> {
  readonly id: string;
  /** The channel of an inbound or duplex connector. */
  readonly channel: string | undefined;
  readonly config: C;
  readonly logger: ConnectorLogger;
  readonly clock: Clock;
  readonly health: HealthReporter;
  readonly hub: HubInfo;
  readonly rules: RulesView;
  readonly state: StateStore;
  readonly database: ConnectorDatabase;
  readonly singleton: SingletonService;
  readonly scheduler: SchedulerService;
  readonly routes: RouteService;
  readonly inquiries: InquiryService;
  readonly staff: StaffService;
  readonly reports: ReportService;
  readonly notices: NoticeService;
  /** Since 2.9. */
  readonly tickets: TicketService;
}

export interface Stoppable {
  /** Stop taking input and finish (and acknowledge) what is in flight. */
  stop(): Promise<void>;
}

export interface ConnectorInstance {
  /** A cheap check of settings and reachability: at start and every minute, for /health/ready. */
  verify(): Promise<Health>;
  /**
   * Inbound and duplex: begin reading and hand messages to `sink`. Throw a ConnectorError to
   * fail: the hub retries retryable codes with backoff (and shows it on /health), and leaves
   * the connector down on AUTH_FAILED, NOT_FOUND and INVALID_PAYLOAD.
   */
  start?(sink: MessageSink): Promise<Stoppable>;
  /**
   * Outbound and duplex: one attempt, no retries or sleeps inside; throw ConnectorError and the
   * outbox decides what happens next.
   */
  deliver?(delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult>;
  /** Release what `create` took (clients, sockets); called once, after stop. */
  close?(): Promise<void>;
}

export interface ConnectorDefinition<C = unknown> {
  readonly manifest: ConnectorManifest<C>;
  /** Builds the connector for one hub. Keep it free of I/O: start() and verify() do that. */
  create(context: ConnectorContext<C>): ConnectorInstance | Promise<ConnectorInstance>;
}

/** Types a connector definition; returns it unchanged. */
export function defineConnector<C>(definition: ConnectorDefinition<C>): ConnectorDefinition<C> {
  return definition;
}

/** What a plugin package exports as `replywatchPlugin`. */
export interface ReplywatchPlugin {
  /** The connector contract the plugin was written for, as a literal: `'2.0'`. */
  contractVersion: string;
  /** For messages about the plugin; defaults to the module it was loaded from. */
  name?: string;
  // Each connector has its own config type; the hub validates it with the connector's schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connectors: ReadonlyArray<ConnectorDefinition<any>>;
}

/** Types a plugin; returns it unchanged. */
export function definePlugin(plugin: ReplywatchPlugin): ReplywatchPlugin {
  return plugin;
}

export function readsChannel(direction: ConnectorDirection): boolean {
  return direction === 'inbound' || direction === 'duplex';
}

export function performsDeliveries(direction: ConnectorDirection): boolean {
  return direction === 'outbound' || direction === 'duplex';
}
