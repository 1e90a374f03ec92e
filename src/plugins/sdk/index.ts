/**
 * The Replywatch connector SDK (`replywatch/sdk`): everything a connector needs and nothing of
 * the hub's internals. It imports no framework; first-party connectors use exactly this.
 * Versioned as CONTRACT_VERSION (major.minor); see docs/PLUGINS.md for the changelog.
 */
export { CONTRACT_VERSION, contractMismatch, parseContractVersion, type ContractVersion } from './version';
export {
  defineConnector,
  definePlugin,
  performsDeliveries,
  readsChannel,
  type ConfigSchema,
  type ConnectorContext,
  type ConnectorDefinition,
  type ConnectorDirection,
  type ConnectorInstance,
  type ConnectorManifest,
  type DeliveryOrder,
  type EnvironmentSetting,
  type ReplywatchPlugin,
  type SchemaIssue,
  type Stoppable,
} from './connector';
export { asConnectorError, CONNECTOR_ERROR_CODES, ConnectorError, isRetryableCode, type ConnectorErrorCode, type ConnectorErrorOptions, type ConnectorErrorScope } from './connector-error';
export { type DeliverOptions, type Delivery, type DeliveryResult, type DeliveryTarget } from './delivery';
export {
  DELIVERY_EVENTS,
  isInquiryPayload,
  type ConversationRef,
  type DeliveryEvent,
  type DeliveryPayload,
  type DigestItem,
  type EscalationPayload,
  type InquiryAnsweredPayload,
  type InquiryOpenedPayload,
  type InquiryPayload,
  type InquiryResolvedPayload,
  type MarkLevel,
  type OperatorNoticePayload,
  type ReportDigestPayload,
  type ReportExportPayload,
  type SlaBreachPayload,
  type SlaDigestPayload,
  type SlaMarkPayload,
} from './payloads';
export {
  AUTHOR_ROLES,
  type AcceptEffect,
  type AcceptResult,
  type AuthorHints,
  type AuthorRole,
  type EnvelopeOutcome,
  type EnvelopeReceipt,
  type InboundAuthor,
  type InboundConversation,
  type InboundMessage,
  type MessageSink,
  type RekeyOptions,
  type RekeyResult,
} from './message';
export { HttpProblem, problem, type ProblemDetails, type RouteHandler, type RouteOptions, type RouteRequest, type RouteResponse } from './http';
export {
  INQUIRY_COMMANDS,
  SERVICE_NAMES,
  STAFF_ROLES,
  type Clock,
  type CommandOutcome,
  type ConnectorDatabase,
  type ConnectorLogger,
  type ConnectorMigration,
  type DutyTarget,
  type Health,
  type HealthPart,
  type HealthReporter,
  type HealthStatus,
  type HotConversation,
  type HubInfo,
  type InquiryCommand,
  type InquiryService,
  type InquiryStatus,
  type Notice,
  type NoticeService,
  type OpenInquiry,
  type ReportPeriod,
  type ReportService,
  type RosterChange,
  type RouteService,
  type RulesView,
  type ScheduledJob,
  type ScheduleOptions,
  type SchedulerService,
  type ServiceName,
  type SingletonHandle,
  type SingletonOptions,
  type SingletonService,
  type SqlRunner,
  type StaffMember,
  type StaffRole,
  type StaffService,
  type StateStore,
  type StateWriteOptions,
  type StoredValue,
  type WaitingInquiry,
} from './services';
export { collectSecrets, isSecretSchema, redactSecrets, scrubSecrets, secret } from './secret';
export { durationAtLeast, durationSchema, parseDuration } from './config';
export { httpLink, MAX_LINK_LENGTH } from './links';
export { bodySnippet, outboundHttp, retryAfterMs, type HttpAnswer, type HttpRequestOptions, type OutboundHttp } from './outbound-http';
