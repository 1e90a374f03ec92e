import { bodySnippet, ConnectorError, retryAfterMs, type HttpAnswer } from 'replywatch/sdk';

/**
 * What a receiver's answer means (Standard Webhooks): 2xx delivered; 410 the endpoint is gone;
 * 429 and 502/503 with Retry-After wait as asked; 401/403 a refused signature; 404 a wrong
 * URL; a redirect is not followed; other 4xx a payload the receiver will never take (dead
 * letter at once, in the receiver's own words); 5xx and 408 try again.
 */
export function outcomeOf(answer: HttpAnswer, now: number): 'delivered' | 'gone' | ConnectorError {
  const { status } = answer;
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  const said = `HTTP ${status}${snippet(answer.body)}`;
  const waitMs = retryAfterMs(answer.headers['retry-after'], now);
  const wait = waitMs === undefined ? {} : { retryAfterMs: waitMs };
  if (status === 429) return new ConnectorError('RATE_LIMITED', `the receiver is rate limiting (${said})`, wait);
  if (status >= 300 && status < 400) return new ConnectorError('NOT_FOUND', `the receiver redirected to ${String(answer.headers.location ?? 'another place')} (${said}); redirects are not followed: configure the final URL`);
  // The signing secret is this endpoint's own: a refusal holds its duty target, not every endpoint.
  if (status === 401 || status === 403) return new ConnectorError('AUTH_FAILED', `the receiver refused the request (${said}); check that it has this endpoint's signing secret`, { scope: 'target' });
  if (status === 404) return new ConnectorError('NOT_FOUND', `no receiver at this URL (${said})`);
  if (status === 408 || status >= 500) return new ConnectorError('TEMPORARY', `the receiver failed (${said})`, wait);
  return new ConnectorError('INVALID_PAYLOAD', `the receiver rejected the event (${said})`);
}

function snippet(body: string): string {
  const text = bodySnippet(body);
  return text === '' ? '' : `: ${text}`;
}
