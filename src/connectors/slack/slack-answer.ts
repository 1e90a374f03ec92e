import { bodySnippet, ConnectorError, retryAfterMs, type HttpAnswer } from 'replywatch/sdk';

/** Web API `error` codes that only a person can fix. */
const AUTH = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope', 'ekm_access_denied', 'not_allowed_token_type']);
const GONE = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'thread_not_found', 'user_not_found']);
const BAD_MESSAGE = new Set(['msg_too_long', 'no_text', 'invalid_blocks', 'invalid_blocks_format', 'too_many_attachments', 'invalid_arguments', 'invalid_arg_name', 'invalid_array_arg', 'invalid_charset', 'invalid_form_data', 'invalid_post_type', 'missing_post_type', 'invalid_json', 'json_not_object', 'restricted_action', 'cannot_reply_to_message', 'duplicate_channel_not_found']);
const TRY_AGAIN = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org', 'ratelimited']);

const HINT: Record<string, string> = {
  not_in_channel: 'invite the bot to the channel (/invite @your-bot)',
  channel_not_found: 'check the channel id in rules.yaml, and that the bot can see the channel',
  is_archived: 'the channel is archived: unarchive it or pick another',
  invalid_auth: 'the bot token is wrong or was revoked',
  token_revoked: 'the bot token was revoked: install the app again',
  missing_scope: 'the app needs the chat:write scope',
};

/**
 * A `chat.postMessage` answer: HTTP 429 waits as Retry-After asks; `ok: false` maps by its
 * error code (a revoked token or a missing scope is AUTH_FAILED, a channel the bot cannot use
 * NOT_FOUND, a message Slack will never take INVALID_PAYLOAD, Slack's own trouble TEMPORARY).
 */
export function webApiOutcome(answer: HttpAnswer, now: number): { ts: string; channel: string } | ConnectorError {
  const rateLimited = rateLimit(answer, now);
  if (rateLimited) return rateLimited;
  if (answer.status >= 500) return new ConnectorError('TEMPORARY', `Slack failed (HTTP ${answer.status})`);
  let body: { ok?: unknown; error?: unknown; ts?: unknown; channel?: unknown };
  try {
    body = JSON.parse(answer.body) as typeof body;
  } catch {
    return new ConnectorError('TEMPORARY', `Slack answered HTTP ${answer.status} with something that is not JSON: ${bodySnippet(answer.body, 120)}`);
  }
  if (body.ok === true && typeof body.ts === 'string') return { ts: body.ts, channel: typeof body.channel === 'string' ? body.channel : '' };
  const code = typeof body.error === 'string' ? body.error : `HTTP ${answer.status}`;
  return byCode(code);
}

/**
 * An incoming webhook's answer: `ok` in plain text on success, else a plain-text code —
 * 400 invalid_payload, 403 action_prohibited, 404 channel_not_found / no_service, 410
 * channel_is_archived, 500 rollup_error.
 */
export function incomingWebhookOutcome(answer: HttpAnswer, now: number): 'ok' | ConnectorError {
  const rateLimited = rateLimit(answer, now);
  if (rateLimited) return rateLimited;
  if (answer.status >= 200 && answer.status < 300) return 'ok';
  const code = bodySnippet(answer.body, 80) || `HTTP ${answer.status}`;
  if (answer.status >= 500) return new ConnectorError('TEMPORARY', `Slack failed (HTTP ${answer.status}: ${code})`);
  if (answer.status === 403 || answer.status === 401) return new ConnectorError('AUTH_FAILED', `the incoming webhook was refused (HTTP ${answer.status}: ${code})`);
  if (answer.status === 404 || answer.status === 410) return new ConnectorError('NOT_FOUND', `the incoming webhook's channel is gone (HTTP ${answer.status}: ${code}); make a new webhook`);
  if (answer.status >= 300 && answer.status < 400) return new ConnectorError('NOT_FOUND', `the incoming webhook URL redirects (HTTP ${answer.status}); use the URL Slack gave you`);
  return new ConnectorError('INVALID_PAYLOAD', `Slack rejected the message (HTTP ${answer.status}: ${code})`);
}

function rateLimit(answer: HttpAnswer, now: number): ConnectorError | undefined {
  if (answer.status !== 429) return undefined;
  const wait = retryAfterMs(answer.headers['retry-after'], now);
  return new ConnectorError('RATE_LIMITED', 'Slack is rate limiting this app (HTTP 429)', wait === undefined ? {} : { retryAfterMs: wait });
}

function byCode(code: string): ConnectorError {
  const hint = HINT[code] === undefined ? '' : `: ${HINT[code]}`;
  if (AUTH.has(code)) return new ConnectorError('AUTH_FAILED', `Slack refused the bot (${code})${hint}`);
  if (GONE.has(code)) return new ConnectorError('NOT_FOUND', `Slack cannot post there (${code})${hint}`);
  if (BAD_MESSAGE.has(code)) return new ConnectorError('INVALID_PAYLOAD', `Slack rejected the message (${code})`);
  if (TRY_AGAIN.has(code)) return new ConnectorError(code === 'ratelimited' ? 'RATE_LIMITED' : 'TEMPORARY', `Slack could not take it now (${code})`);
  return new ConnectorError('UNKNOWN', `Slack answered ${code}`);
}
