import { asConnectorError } from '../../sdk/connector-error';

const FIRST_MS = 1000;
const MAX_MS = 60_000;
/** Credentials do not fix themselves quickly; asking again every minute only fills logs. */
const AUTH_MS = 5 * 60_000;

/**
 * How long the host waits before running a connector's failed work again: what the peer
 * asked for (a ConnectorError's retryAfterMs), else doubling from 1 s to 60 s.
 */
export function retryDelay(error: unknown, failures: number): number {
  const failure = asConnectorError(error);
  if (failure.retryAfterMs !== undefined) return Math.max(0, failure.retryAfterMs);
  if (failure.code === 'AUTH_FAILED') return AUTH_MS;
  return Math.min(MAX_MS, FIRST_MS * 2 ** Math.max(0, Math.min(failures - 1, 10)));
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
