/**
 * The Replywatch connector test kit (`replywatch/testing`): fakes of the hub's services and the
 * contract checks a connector must pass, for any test runner. Functions return results or
 * throw plain Errors; nothing here depends on jest, vitest or mocha.
 */
export { TestClock, DEFAULT_TEST_START, type TestClockOptions } from './test-clock';
export { MemoryStateStore } from './memory-state-store';
export { FakeSink, type AcceptCallListener, type RecordedRekey } from './fake-sink';
export { FakePeer, type PeerResponse, type PeerScript, type RecordedRequest } from './fake-peer';
export { RouteServer } from './route-server';
export { connectorSchema, createConnectorDatabase, type KitDatabase } from './kit-database';
export { createTestContext, type HealthLog, type LogLine, type TestContext, type TestContextOptions } from './test-context';
export { type RecordedCommand } from './hub-services';
export { TestTicketService, type RecordedTicketEvent } from './ticket-service';
export { assertKitPassed, formatKitReport, type CheckOutcome, type KitCheckResult, type KitReport } from './kit-report';
export { checkOutboundConnector } from './outbound-checks';
export { DEFAULT_EXPECT, DEFAULT_RESPONSES, OUTBOUND_CHECKS, defaultPayload, type FailureCase, type OutboundCheck, type OutboundKitOptions } from './outbound-options';
export { checkInboundConnector } from './inbound-checks';
export { INBOUND_CHECKS, type InboundCheck, type InboundKitOptions, type InboundSource } from './inbound-harness';
