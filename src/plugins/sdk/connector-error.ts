import { CONNECTOR_ERROR_BRAND, hasBrand } from './brand';

/**
 * What a connector throws when one attempt fails. The hub reads `code` to decide:
 * TEMPORARY / RATE_LIMITED / UNKNOWN are tried again (RATE_LIMITED after `retryAfterMs`);
 * AUTH_FAILED / NOT_FOUND / INVALID_PAYLOAD are not, since another attempt cannot help.
 */
export const CONNECTOR_ERROR_CODES = ['TEMPORARY', 'RATE_LIMITED', 'AUTH_FAILED', 'NOT_FOUND', 'INVALID_PAYLOAD', 'UNKNOWN'] as const;

export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface ConnectorErrorOptions {
  /** How long the peer asked to wait (Retry-After, retry_after), in ms. */
  retryAfterMs?: number;
  /**
   * For AUTH_FAILED: whose credentials were refused. `connector` (the default: a bot token, an
   * API key) pauses every delivery through the connector; `target` (one endpoint's own secret
   * or URL token) pauses only that duty target's. Since contract 2.5.
   */
  scope?: ConnectorErrorScope;
  cause?: unknown;
}

export type ConnectorErrorScope = 'connector' | 'target';

export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly scope: ConnectorErrorScope | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.scope = options.scope;
    Object.defineProperty(this, CONNECTOR_ERROR_BRAND, { value: true });
  }

  /** Whether another attempt can succeed without someone changing configuration or data. */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }

  /** True for a ConnectorError from any copy of the SDK. */
  static is(value: unknown): value is ConnectorError {
    if (!hasBrand(value, CONNECTOR_ERROR_BRAND)) return false;
    return (CONNECTOR_ERROR_CODES as readonly unknown[]).includes((value as { code?: unknown }).code);
  }
}

export function isRetryableCode(code: ConnectorErrorCode): boolean {
  switch (code) {
    case 'TEMPORARY':
    case 'RATE_LIMITED':
    case 'UNKNOWN':
      return true;
    case 'AUTH_FAILED':
    case 'NOT_FOUND':
    case 'INVALID_PAYLOAD':
      return false;
  }
}

/**
 * Anything thrown, as a ConnectorError of this copy of the SDK: one from another copy keeps
 * its code, wait and scope; anything else counts as UNKNOWN (tried again).
 */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (ConnectorError.is(error)) {
    const foreign = error as { code: ConnectorErrorCode; message: string; retryAfterMs?: unknown; scope?: unknown };
    const retryAfterMs = typeof foreign.retryAfterMs === 'number' ? foreign.retryAfterMs : undefined;
    const scope = foreign.scope === 'connector' || foreign.scope === 'target' ? foreign.scope : undefined;
    return new ConnectorError(foreign.code, foreign.message, { cause: error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), ...(scope === undefined ? {} : { scope }) });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('UNKNOWN', message, { cause: error });
}
