/**
 * The public SDK for connector plugins: everything a third-party connector needs, and nothing
 * of the hub's internals. Breaking changes here bump CONTRACT_VERSION.
 */
export {
  CONTRACT_VERSION,
  type AnyConnector,
  type ConnectorDirection,
  type ConnectorManifest,
  type DuplexConnector,
  type Health,
  type HealthStatus,
  type InboundConnector,
  type OutboundConnector,
  type Stoppable,
} from './contract/connector';
export { CONNECTOR_ERROR_CODES, ConnectorError, type ConnectorErrorCode, type ConnectorErrorOptions } from './contract/connector-error';
export { type Delivery, type DeliveryResult } from './contract/delivery';
export {
  AUTHOR_ROLES,
  type AcceptEffect,
  type AcceptResult,
  type AuthorHints,
  type AuthorRole,
  type InboundAuthor,
  type InboundConversation,
  type InboundMessage,
  type MessageSink,
} from './contract/message';
export { problem, ProblemException, type ProblemDetails } from './contract/problem';
export { redactSecrets, secret } from './contract/secret';
export { type ReplywatchPlugin } from './host/external-plugins';
export { ReplywatchConnector } from './registry/connector.decorator';
