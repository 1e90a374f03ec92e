import { type ConnectorError } from '../../plugins/sdk/connector-error';
import { type DeliveryPolicy } from './delivery-policies';

type RetrySettings = Pick<DeliveryPolicy, 'retrySchedule' | 'baseDelay' | 'maxDelay' | 'maxAttempts' | 'maxTotalAttempts' | 'authPause'>;

export type RetryDecision = { retry: true; delayMs: number; countsAsFailure: boolean } | { retry: false; reason: string };

/**
 * What to do after a failed attempt. Failures wait as the retry schedule says (by default
 * Svix's, from 5 s to 10 h), or back off exponentially when `baseDelay` is set; jitter in both
 * spreads retries of many deliveries that failed together. A peer's
 * retry-after is a floor, never shortened. Rate-limit waits do not use up the failure budget
 * (a 429 storm delays notifications, it must not dead-letter them), but a separate cap on all
 * attempts keeps anything from retrying forever.
 */
export function decideRetry(
  error: ConnectorError,
  state: { attempts: number; failures: number },
  settings: RetrySettings,
  random: () => number,
): RetryDecision {
  if (error.code === 'AUTH_FAILED') {
    // Refused credentials pause the connector (or target) and wait for an operator: the
    // delivery is held, not dead-lettered, and its failure budget is kept for the peer itself.
    if (state.attempts >= settings.maxTotalAttempts) return { retry: false, reason: `credentials still refused after ${state.attempts} attempts` };
    return { retry: true, delayMs: settings.authPause, countsAsFailure: false };
  }
  if (!error.retryable) return { retry: false, reason: `${error.code} is not retryable` };
  const countsAsFailure = error.code !== 'RATE_LIMITED';
  const failures = state.failures + (countsAsFailure ? 1 : 0);
  if (failures >= settings.maxAttempts) return { retry: false, reason: `gave up after ${failures} failed attempts` };
  if (state.attempts >= settings.maxTotalAttempts) return { retry: false, reason: `gave up after ${state.attempts} attempts` };

  const backoff = countsAsFailure && settings.baseDelay === undefined ? scheduled(settings.retrySchedule, failures, random) : exponential(settings, countsAsFailure ? failures : state.attempts, random);
  if (error.retryAfterMs === undefined) return { retry: true, delayMs: Math.round(backoff), countsAsFailure };
  // Spread the herd a little past the peer's deadline, never before it.
  const afterPeer = error.retryAfterMs + random() * Math.min(1000, error.retryAfterMs * 0.1);
  const delayMs = error.code === 'RATE_LIMITED' ? afterPeer : Math.max(afterPeer, backoff);
  return { retry: true, delayMs: Math.round(delayMs), countsAsFailure };
}

/** The schedule's wait after the `failures`-th failure, ±20 % so deliveries that failed together spread out. */
function scheduled(schedule: readonly number[], failures: number, random: () => number): number {
  const wait = schedule[Math.min(failures, schedule.length) - 1] ?? 0;
  return wait * (0.8 + 0.4 * random());
}

/**
 * Doubling from `baseDelay` (1 s when only the schedule is set) with "equal jitter". Rate
 * limits without a retry-after always back off this way: they do not add failures, so they
 * step by attempts instead.
 */
function exponential(settings: RetrySettings, steps: number, random: () => number): number {
  const delay = Math.min(settings.maxDelay, (settings.baseDelay ?? 1000) * 2 ** Math.max(0, steps - 1));
  return delay / 2 + random() * (delay / 2);
}
