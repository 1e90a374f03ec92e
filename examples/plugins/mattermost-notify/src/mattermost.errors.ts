import { ConnectorError } from 'replywatch/sdk';

/** Mattermost's error body (model.AppError): `id` names the case, `message` is for people. */
interface AppError {
  id?: string;
  message?: string;
}

/** What the connector knows of an answer, without the request (whose URL is the secret). */
export interface HookAnswer {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** Removes the hook URL and its key from text taken from a response. */
export type Redact = (text: string) => string;

/**
 * Maps a non-2xx answer of `POST /hooks/<key>` to the code the outbox acts on. The cases follow
 * Mattermost's webhook handler (server/channels/app/webhook.go) and its rate limiter:
 * - 400 `web.incoming_webhook.invalid.app_error` ("Invalid webhook"): no such hook — the URL,
 *   which is the credential, is wrong or was deleted → AUTH_FAILED. Any other 400 (no text,
 *   unknown @user, bad props) → INVALID_PAYLOAD with Mattermost's message.
 * - 404: the channel the post goes to does not exist (the hook's own, or the `channel`
 *   override) → NOT_FOUND: the rules name a place that is not there.
 * - 403: the hook may not post there (locked to its channel, private channel) → AUTH_FAILED.
 * - 501 `web.incoming_webhook.disabled.app_error`: incoming webhooks are switched off on the
 *   server; retrying cannot help until an admin enables them → AUTH_FAILED.
 * - 429: `Retry-After` (seconds), else `X-RateLimit-Reset` (seconds until the limit resets).
 */
export function answerError(answer: HookAnswer, redact: Redact): ConnectorError {
  const { status } = answer;
  const error = appError(answer.body);
  const said = error?.message ? `: ${redact(error.message).slice(0, 300)}` : '';
  if (status === 429) return new ConnectorError('RATE_LIMITED', 'Mattermost rate-limited the webhook (429)', { retryAfterMs: retryAfterMs(answer.headers) });
  if (status === 400 && error?.id === 'web.incoming_webhook.invalid.app_error') {
    return new ConnectorError('AUTH_FAILED', 'Mattermost does not know this incoming webhook (400 Invalid webhook): it was deleted or the URL is mistyped');
  }
  if (status === 400 || status === 413 || status === 422) return new ConnectorError('INVALID_PAYLOAD', `Mattermost refused the post (${status})${said}`);
  if (status === 401) return new ConnectorError('AUTH_FAILED', 'Mattermost, or a proxy in front of it, refused the request (401)');
  if (status === 403) return new ConnectorError('AUTH_FAILED', `the webhook may not post there (403)${said}`);
  if (status === 404) return new ConnectorError('NOT_FOUND', `Mattermost found no channel to post to (404)${said}`);
  if (status === 501 && error?.id === 'web.incoming_webhook.disabled.app_error') {
    return new ConnectorError('AUTH_FAILED', 'incoming webhooks are disabled on this Mattermost server (System Console › Integrations)');
  }
  if (status >= 300 && status < 400) {
    // Following a redirect would turn the POST into a GET; the configured URL needs fixing.
    return new ConnectorError('NOT_FOUND', `the webhook URL answers with a redirect (${status}); configure the final URL`);
  }
  if (status >= 500) return new ConnectorError('TEMPORARY', `Mattermost failed (${status})${said}`);
  return new ConnectorError('UNKNOWN', `unexpected answer from Mattermost (${status})`);
}

/** Network failures, timeouts and aborts: all worth another attempt later. */
export function transportError(code: string | undefined, aborted: boolean, host: string, timeoutMs: number): ConnectorError {
  if (aborted) return new ConnectorError('TEMPORARY', 'the delivery attempt was aborted');
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new ConnectorError('TEMPORARY', `Mattermost at ${host} did not answer within ${timeoutMs} ms`);
  return new ConnectorError('TEMPORARY', `cannot reach Mattermost at ${host}${code ? ` (${code})` : ''}`);
}

/** Mattermost's rate limiter sends both in seconds; default to a second, its usual window. */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>): number {
  for (const name of ['retry-after', 'x-ratelimit-reset']) {
    const seconds = Number(headers[name]);
    if (headers[name] !== undefined && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  }
  return 1000;
}

/** Only a JSON AppError is read: a proxy's HTML page may quote the request URL. */
function appError(body: string): AppError | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { id, message } = parsed as Record<string, unknown>;
    return { ...(typeof id === 'string' ? { id } : {}), ...(typeof message === 'string' ? { message } : {}) };
  } catch {
    return undefined;
  }
}

/** Builds the redaction for one hook URL: the URL itself (raw and encoded) and its key. */
export function redactor(webhookUrl: string, key: string): Redact {
  const forms = [webhookUrl, encodeURIComponent(webhookUrl), ...(key.length >= 4 ? [key] : [])];
  return (text) => forms.reduce((out, form) => out.split(form).join('[redacted]'), text);
}
