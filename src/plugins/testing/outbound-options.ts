import { type ConnectorErrorCode, type DeliveryPayload, type DeliveryTarget, type DutyTarget, type SlaMarkPayload } from '../sdk';
import { type PeerResponse, type RecordedRequest } from './fake-peer';
import { type KitDatabase } from './kit-database';

export const OUTBOUND_CHECKS = [
  'manifest',
  'verify-rejected-credentials',
  'delivers',
  'idempotency-key',
  'rate-limited',
  'server-error',
  'unauthorized',
  'forbidden',
  'not-found',
  'invalid-payload',
  'abort-signal',
  'no-secrets-in-errors',
  'only-connector-errors',
] as const;

export type OutboundCheck = (typeof OUTBOUND_CHECKS)[number];

/** The peer's failure answers the kit plays, each against a fresh instance. */
export type FailureCase = 'rateLimited' | 'serverError' | 'unauthorized' | 'forbidden' | 'notFound' | 'invalid';

export interface OutboundKitOptions {
  /** The connector's settings pointing at the fake peer; include a value for every secret() field. */
  config(peerUrl: string): unknown;
  /** The duty target deliveries go to (its `to:` fields plus `name`). */
  target: DeliveryTarget;
  /** Default: a realistic `sla.mark` payload. */
  payload?: DeliveryPayload;
  /** Override the peer's answers, e.g. when the API signals rate limits with a 200 and an error code. */
  responses?: Partial<Record<'success' | FailureCase, PeerResponse>>;
  /** The code each failure case must be thrown with. */
  expect?: Partial<Record<FailureCase, ConnectorErrorCode>>;
  /** retryAfterMs expected for rateLimited (±1000); default 7000, from `retry-after: 7`. */
  retryAfterMs?: number;
  /** Reads the idempotency key out of a request to the peer (header, body field…). */
  idempotencyKey?: (request: RecordedRequest) => string | undefined;
  /** Checks that do not apply, each with a written reason. */
  skip?: Partial<Record<OutboundCheck, string>>;
  dutyTargets?: DutyTarget[];
  /**
   * Needed when the connector declares the `database` service: a database of your tests. Each
   * check gets the schema `connector_<id>` afresh, with manifest.migrations applied.
   */
  database?: KitDatabase;
}

export const FAILURE_CASES: ReadonlyArray<{ key: FailureCase; check: OutboundCheck }> = [
  { key: 'rateLimited', check: 'rate-limited' },
  { key: 'serverError', check: 'server-error' },
  { key: 'unauthorized', check: 'unauthorized' },
  { key: 'forbidden', check: 'forbidden' },
  { key: 'notFound', check: 'not-found' },
  { key: 'invalid', check: 'invalid-payload' },
];

export const DEFAULT_RESPONSES: Record<'success' | FailureCase, PeerResponse> = {
  success: { status: 200, body: {} },
  rateLimited: { status: 429, headers: { 'retry-after': '7' }, body: {} },
  serverError: { status: 503 },
  unauthorized: { status: 401 },
  forbidden: { status: 403 },
  notFound: { status: 404 },
  invalid: { status: 400 },
};

export const DEFAULT_EXPECT: Record<FailureCase, ConnectorErrorCode> = {
  rateLimited: 'RATE_LIMITED',
  serverError: 'TEMPORARY',
  unauthorized: 'AUTH_FAILED',
  forbidden: 'AUTH_FAILED',
  notFound: 'NOT_FOUND',
  invalid: 'INVALID_PAYLOAD',
};

export const DEFAULT_RETRY_AFTER_MS = 7000;

/** A warning mark as the hub builds it: what most deliveries look like. */
export function defaultPayload(now: number): SlaMarkPayload {
  const opened = now - 45 * 60_000;
  return {
    event: 'sla.mark',
    text: '⚡ 45 min without an answer in “Acme Corp · support” (standard, due 10:00)',
    inquiryId: 'inq_01HZX3K8Q4',
    conversation: { channel: 'telegram', id: '-1001234567890:7', title: 'Acme Corp · support', openingMessageId: '4711', link: 'https://t.me/c/1234567890/7/4711' },
    policy: 'standard',
    dueAt: new Date(opened + 60 * 60_000).toISOString(),
    level: 'warning',
    emoji: '⚡',
    markDueAt: new Date(now).toISOString(),
    late: false,
    mentions: ['@oncall'],
  };
}
