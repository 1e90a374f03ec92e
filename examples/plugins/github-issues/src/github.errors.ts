import { ConnectorError } from 'replywatch/sdk';

export type Headers = Readonly<Record<string, string | undefined>>;

/** GitHub asks for at least a minute when it gives no header (a secondary rate limit). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const MIN_WAIT_MS = 1000;

/**
 * How long GitHub asked to wait, or undefined when the answer is no rate limit. From GitHub's
 * "Troubleshooting the REST API": a primary or secondary limit is a 403 or a 429; wait
 * `retry-after` seconds if present; else, when `x-ratelimit-remaining` is 0, until
 * `x-ratelimit-reset` (UTC epoch seconds); else at least one minute.
 */
export function rateLimitWaitMs(status: number, headers: Headers, message: string, nowMs: number): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return Math.max(MIN_WAIT_MS, retryAfter * 1000);
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(MIN_WAIT_MS, reset * 1000 - nowMs);
  // A 403 can also mean "no access"; only GitHub's own wording makes it a rate limit.
  if (status === 429 || /rate limit/i.test(message)) return DEFAULT_RATE_LIMIT_WAIT_MS;
  return undefined;
}

/**
 * A non-2xx answer as the code the hub acts on. `what` names the request for people
 * (`listing issues of acme/widgets`); `message` is GitHub's own `message`, already scrubbed.
 */
export function answerError(what: string, status: number, headers: Headers, message: string, nowMs: number): ConnectorError {
  const said = message ? `: ${message}` : '';
  const wait = rateLimitWaitMs(status, headers, message, nowMs);
  if (wait !== undefined) return new ConnectorError('RATE_LIMITED', `GitHub rate limit reached while ${what} (${status}); waiting ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  if (status === 401) return new ConnectorError('AUTH_FAILED', `GitHub rejected the token while ${what} (401)${said}`);
  if (status === 403) return new ConnectorError('AUTH_FAILED', `GitHub refused access while ${what} (403)${said}`);
  // GitHub answers 404 for a private repository the token cannot see, not 403.
  if (status === 404) return new ConnectorError('NOT_FOUND', `not found while ${what} (404): check owner and repo, and that the token can read the repository`);
  // 410 Gone: the repository has issues switched off.
  if (status === 410) return new ConnectorError('NOT_FOUND', `issues are disabled for the repository (410) while ${what}`);
  if (status === 422 || status === 400) return new ConnectorError('INVALID_PAYLOAD', `GitHub refused the request while ${what} (${status})${said}`);
  if (status >= 500) return new ConnectorError('TEMPORARY', `GitHub failed while ${what} (${status})`);
  return new ConnectorError('UNKNOWN', `unexpected answer ${status} while ${what}`);
}

/** Network failures and timeouts: worth another pass later. */
export function transportError(what: string, code: string | undefined, host: string): ConnectorError {
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new ConnectorError('TEMPORARY', `GitHub at ${host} did not answer in time while ${what}`);
  return new ConnectorError('TEMPORARY', `cannot reach GitHub at ${host} while ${what}${code ? ` (${code})` : ''}`);
}

/** GitHub's error body is `{ "message": …, "documentation_url": … }`; anything else is ignored. */
export function githubMessage(body: string, scrub: (text: string) => string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const message = typeof parsed === 'object' && parsed !== null ? (parsed as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? scrub(message).slice(0, 200) : '';
  } catch {
    return '';
  }
}
