import { type ConnectorError } from '../../plugins/sdk/connector-error';
import { type OutboxSettings } from '../config/hub-config.schema';

export type RetryDecision = { retry: true; delayMs: number; countsAsFailure: boolean } | { retry: false; reason: string };

/**
 * What to do after a failed attempt. Exponential backoff with "equal jitter" (half fixed,
 * half random) spreads retries of many deliveries that failed together. A peer's
 * retry-after is a floor, never shortened. Rate-limit waits do not use up the failure budget
 * (a 429 storm delays notifications, it must not dead-letter them), but a separate cap on all
 * attempts keeps anything from retrying forever.
 */
export function decideRetry(
  error: ConnectorError,
  state: { attempts: number; failures: number },
  settings: OutboxSettings,
  random: () => number,
): RetryDecision {
  if (!error.retryable) return { retry: false, reason: `${error.code} is not retryable` };
  const countsAsFailure = error.code !== 'RATE_LIMITED';
  const failures = state.failures + (countsAsFailure ? 1 : 0);
  if (failures >= settings.maxAttempts) return { retry: false, reason: `gave up after ${failures} failed attempts` };
  if (state.attempts >= settings.maxTotalAttempts) return { retry: false, reason: `gave up after ${state.attempts} attempts` };

  // Rate limits do not add failures, so they grow the backoff by attempts instead.
  const steps = countsAsFailure ? failures : state.attempts;
  const exponential = Math.min(settings.maxDelay, settings.baseDelay * 2 ** Math.max(0, steps - 1));
  const backoff = exponential / 2 + random() * (exponential / 2);
  if (error.retryAfterMs === undefined) return { retry: true, delayMs: Math.round(backoff), countsAsFailure };
  // Spread the herd a little past the peer's deadline, never before it.
  const afterPeer = error.retryAfterMs + random() * Math.min(1000, error.retryAfterMs * 0.1);
  const delayMs = error.code === 'RATE_LIMITED' ? afterPeer : Math.max(afterPeer, backoff);
  return { retry: true, delayMs: Math.round(delayMs), countsAsFailure };
}
