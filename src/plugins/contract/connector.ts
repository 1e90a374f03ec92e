import { type ZodType } from 'zod';
import { type Delivery, type DeliveryResult } from './delivery';
import { type MessageSink } from './message';

/** Bumped only on a breaking change of this file's types; the host refuses other versions. */
export const CONTRACT_VERSION = 1;

/**
 * `duplex` (added in v1, backwards compatible): one connector that both reads a channel and
 * delivers to it, e.g. one Telegram bot that watches customer groups and speaks in duty chats.
 */
export type ConnectorDirection = 'inbound' | 'outbound' | 'duplex';

export interface ConnectorManifest<C> {
  /** Stable kebab-case id; also the key of the connector's section in hub.yaml. */
  id: string;
  contractVersion: typeof CONTRACT_VERSION;
  direction: ConnectorDirection;
  /** Inbound and duplex: the channel name stored with every message (e.g. `telegram`). */
  channel?: string;
  displayName?: string;
  /** Validated at boot; mark secrets with `secret()` so they are never logged. */
  configSchema: ZodType<C>;
}

export type HealthStatus = 'up' | 'degraded' | 'down';

export interface Health {
  status: HealthStatus;
  /** Short human-readable reason; never contains a secret. */
  detail?: string;
}

export interface Stoppable {
  /** Stop taking input and finish what is in flight. */
  stop(): Promise<void>;
}

export interface InboundConnector<C = unknown> {
  readonly manifest: ConnectorManifest<C>;
  verify(config: C): Promise<Health>;
  start(config: C, sink: MessageSink): Promise<Stoppable>;
}

export interface OutboundConnector<C = unknown> {
  readonly manifest: ConnectorManifest<C>;
  verify(config: C): Promise<Health>;
  /** One attempt, no retries or sleeps inside: throw ConnectorError and the outbox decides. */
  deliver(config: C, delivery: Delivery): Promise<DeliveryResult>;
}

/** Reads a channel and delivers to it through one set of settings. */
export interface DuplexConnector<C = unknown> extends InboundConnector<C>, OutboundConnector<C> {
  readonly manifest: ConnectorManifest<C>;
}

export type AnyConnector = InboundConnector<unknown> | OutboundConnector<unknown> | DuplexConnector<unknown>;

export function isInbound(connector: AnyConnector): connector is InboundConnector<unknown> {
  return connector.manifest.direction === 'inbound' || connector.manifest.direction === 'duplex';
}

export function isOutbound(connector: AnyConnector): connector is OutboundConnector<unknown> {
  return connector.manifest.direction === 'outbound' || connector.manifest.direction === 'duplex';
}
