import { bodySnippet, ConnectorError, retryAfterMs, type HttpAnswer } from 'replywatch/sdk';

/** Tracker's error body: `{"errors":{field: message},"errorMessages":[…],"statusCode":N}`. */
interface TrackerErrorBody {
  errors?: unknown;
  errorMessages?: unknown;
}

/**
 * What a Tracker answer that is not the expected success means, as a ConnectorError:
 * - 429 RATE_LIMITED, waiting as Retry-After asks (Tracker's limits are not documented);
 * - 401 and 403 AUTH_FAILED for the whole connector: the token was refused, or the
 *   organization header names an organization the token may not act in;
 * - 404 NOT_FOUND (no such queue, issue or transition), in Tracker's words;
 * - 400, 422 and other 4xx INVALID_PAYLOAD in Tracker's words (a required field of the queue
 *   missing, a value it does not know): another attempt would be refused the same way;
 * - 408, 5xx TEMPORARY;
 * - 3xx NOT_FOUND: redirects are not followed, baseUrl must be the API's final address.
 * `what` names the request ("creating an issue in SUPPORT"); `scrub` removes the token from
 * anything taken from the body (a proxy may echo the request's headers).
 */
export function failureOf(answer: HttpAnswer, what: string, now: number, scrub: (text: string) => string): ConnectorError {
  const { status } = answer;
  const said = scrub(trackerWords(answer));
  const wait = retryAfterMs(answer.headers['retry-after'], now);
  const waitOption = wait === undefined ? {} : { retryAfterMs: wait };
  if (status === 429) return new ConnectorError('RATE_LIMITED', `Tracker is rate limiting ${what} (HTTP 429${said})`, waitOption);
  if (status === 401 || status === 403) {
    return new ConnectorError('AUTH_FAILED', `Tracker refused ${what} (HTTP ${status}${said}): check connectors.tracker.token and tokenType (an IAM token expires after 12 h), and that orgId or cloudOrgId is the organization the token belongs to`);
  }
  if (status === 404) return new ConnectorError('NOT_FOUND', `Tracker does not know what ${what} needs (HTTP 404${said})`);
  if (status >= 300 && status < 400) return new ConnectorError('NOT_FOUND', `Tracker answered ${what} with a redirect (HTTP ${status}); redirects are not followed: set connectors.tracker.baseUrl to the API's final address`);
  if (status === 408 || status >= 500) return new ConnectorError('TEMPORARY', `Tracker failed ${what} (HTTP ${status}${said})`, waitOption);
  if (status >= 400) return new ConnectorError('INVALID_PAYLOAD', `Tracker rejected ${what} (HTTP ${status}${said})`);
  return new ConnectorError('TEMPORARY', `Tracker answered ${what} with HTTP ${status}${said}, not the expected answer`);
}

/**
 * A 2xx whose body is not the JSON Tracker sends: a proxy's or a login portal's page, or a
 * body cut off. TEMPORARY on purpose: nothing can be recorded from it, and trying again is
 * safe — a create is deduplicated by `unique`, a comment by its delivery marker — while a
 * passing page (maintenance, a proxy's hiccup) goes away; if it does not, the outbox's retry
 * budget ends the delivery as a dead letter with this text.
 */
export function notTracker(answer: HttpAnswer, what: string, scrub: (text: string) => string): ConnectorError {
  const type = answer.headers['content-type'];
  const typeText = typeof type === 'string' && type !== '' ? `, ${type.split(';')[0]?.trim() ?? type}` : '';
  const snippet = scrub(bodySnippet(answer.body, 120));
  return new ConnectorError('TEMPORARY', `Tracker answered ${what} with HTTP ${answer.status}${typeText} but not with Tracker's JSON${snippet === '' ? '' : `: ${snippet}`}; a proxy's page, or connectors.tracker.baseUrl is not the API`);
}

/** The body as JSON, or undefined. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tracker's own words from an error body (`errorMessages`, then `errors` by field), as
 * `: …`; the start of any other body, so a proxy's answer is recognisable; '' for none.
 */
function trackerWords(answer: HttpAnswer): string {
  const body = jsonOf(answer);
  if (isObject(body) && ('errorMessages' in body || 'errors' in body)) {
    const { errors, errorMessages } = body as TrackerErrorBody;
    const messages = Array.isArray(errorMessages) ? errorMessages.filter((m): m is string => typeof m === 'string') : [];
    const fields = isObject(errors) ? Object.entries(errors).map(([field, message]) => `${field}: ${typeof message === 'string' ? message : JSON.stringify(message)}`) : [];
    const words = [...messages, ...fields].join('; ');
    return words === '' ? '' : `: ${bodySnippet(words, 300)}`;
  }
  const snippet = bodySnippet(answer.body, 120);
  return snippet === '' ? '' : `: ${snippet}`;
}
