/**
 * The only error a connector should throw from `deliver()`. The outbox reads `code` to decide:
 * TEMPORARY / RATE_LIMITED / UNKNOWN are retried (RATE_LIMITED waits `retryAfterMs`),
 * AUTH_FAILED / NOT_FOUND / INVALID_PAYLOAD dead-letter at once, since retrying cannot help.
 */
export const CONNECTOR_ERROR_CODES = [
  'TEMPORARY',
  'RATE_LIMITED',
  'AUTH_FAILED',
  'NOT_FOUND',
  'INVALID_PAYLOAD',
  'UNKNOWN',
] as const;

export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface ConnectorErrorOptions {
  retryAfterMs?: number;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether another attempt can succeed without someone changing configuration or data. */
  get retryable(): boolean {
    switch (this.code) {
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
}

/** Anything a connector throws that is not a ConnectorError counts as UNKNOWN (retryable). */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('UNKNOWN', message, { cause: error });
}
