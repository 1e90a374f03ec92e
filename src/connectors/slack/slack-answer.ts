import { bodySnippet, ConnectorError, retryAfterMs, type Health, type HttpAnswer } from 'replywatch/sdk';

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

interface WebApiBody {
  ok?: unknown;
  error?: unknown;
  ts?: unknown;
  channel?: unknown;
  team?: unknown;
  user?: unknown;
}

/**
 * A `chat.postMessage` answer: HTTP 429 waits as Retry-After asks; `ok: false` maps by its
 * error code (a revoked token or a missing scope is AUTH_FAILED, a channel the bot cannot use
 * NOT_FOUND, a message Slack will never take INVALID_PAYLOAD, Slack's own trouble TEMPORARY).
 * An answer not in Slack's words is judged by its status (see notSlack).
 */
export function webApiOutcome(answer: HttpAnswer, now: number): { ts: string; channel: string } | ConnectorError {
  const rateLimited = rateLimit(answer, now);
  if (rateLimited) return rateLimited;
  const redirect = redirected(answer);
  if (redirect) return redirect;
  if (answer.status >= 500) return new ConnectorError('TEMPORARY', `Slack failed (HTTP ${answer.status}${snippet(answer)})`);
  const body = slackJson(answer);
  if (body === undefined) return notSlack(answer);
  if (body.ok === true && typeof body.ts === 'string') return { ts: body.ts, channel: typeof body.channel === 'string' ? body.channel : '' };
  const code = typeof body.error === 'string' ? body.error : `HTTP ${answer.status}`;
  return byCode(code);
}

/**
 * What `auth.test` says about the bot, for /health/ready: `up` with the bot and workspace;
 * `down` when Slack refused the token or there is no Web API where apiUrl points (a person
 * must act); `degraded` when Slack, or something in between, cannot answer now.
 */
export function authTestHealth(answer: HttpAnswer, now: number): Health {
  const refused = rateLimit(answer, now) ?? redirected(answer) ?? (answer.status >= 500 ? new ConnectorError('TEMPORARY', `Slack failed (HTTP ${answer.status}${snippet(answer)})`) : undefined);
  const body = refused ? undefined : slackJson(answer);
  if (body?.ok === true) return { status: 'up', detail: `bot ${typeof body.user === 'string' ? body.user : '?'} in ${typeof body.team === 'string' ? body.team : '?'}` };
  const error = refused ?? (body === undefined ? notSlack(answer) : byCode(typeof body.error === 'string' ? body.error : `HTTP ${answer.status}`));
  return { status: error.retryable ? 'degraded' : 'down', detail: error.message };
}

/** The body as Slack's JSON object, or undefined when it is not one (a page, a proxy's text, a cut-off body). */
function slackJson(answer: HttpAnswer): WebApiBody | undefined {
  try {
    const body = JSON.parse(answer.body) as unknown;
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An answer that is not Slack's JSON — a proxy's or load balancer's page, a login portal, a
 * wrong apiUrl. 401/403 are AUTH_FAILED (something between refuses the hub: a person must
 * act), 404/410 NOT_FOUND (no Web API at apiUrl). Anything else, a 200 page included, is
 * TEMPORARY: it is often a passing page (maintenance, a proxy's hiccup), and if it is not, the
 * retry budget ends it as a dead letter with this text.
 */
function notSlack(answer: HttpAnswer): ConnectorError {
  const said = `HTTP ${answer.status}${contentType(answer)}${snippet(answer)}`;
  if (answer.status === 401 || answer.status === 403) return new ConnectorError('AUTH_FAILED', `the Web API at connectors.slack.apiUrl refused the request, not in Slack's words (${said}): a proxy in between, or a wrong apiUrl`);
  if (answer.status === 404 || answer.status === 410) return new ConnectorError('NOT_FOUND', `no Slack Web API at connectors.slack.apiUrl (${said}); check the URL`);
  return new ConnectorError('TEMPORARY', `Slack answered something that is not its JSON (${said}): a proxy's or a maintenance page, or a wrong connectors.slack.apiUrl`);
}

/** A 3xx is not followed (it could take the bot token to another host): apiUrl has to be the final URL. */
function redirected(answer: HttpAnswer): ConnectorError | undefined {
  if (answer.status < 300 || answer.status >= 400) return undefined;
  return new ConnectorError('NOT_FOUND', `the Web API at connectors.slack.apiUrl answered with a redirect (HTTP ${answer.status}${originOf(answer.headers.location)}); redirects are not followed: set apiUrl to the final URL`);
}

/**
 * An incoming webhook's answer: `ok` in plain text on success, else a plain-text code —
 * 400 invalid_payload, 403 action_prohibited, 404 channel_not_found / no_service, 410
 * channel_is_archived, 500 rollup_error.
 */
export function incomingWebhookOutcome(answer: HttpAnswer, now: number): 'ok' | ConnectorError {
  const rateLimited = rateLimit(answer, now);
  if (rateLimited) return rateLimited;
  if (answer.status >= 200 && answer.status < 300) {
    // Slack answers `ok`. A web page with a 2xx is not Slack (a login portal, a proxy, a wrong
    // URL): not delivered, and tried again until the retry budget ends it with this text.
    if (!bodySnippet(answer.body, 1).startsWith('<')) return 'ok';
    return new ConnectorError('TEMPORARY', `the incoming webhook answered with a web page, not Slack's "ok" (HTTP ${answer.status}${contentType(answer)}${snippet(answer)}); check the URL`);
  }
  const code = bodySnippet(answer.body, 80) || `HTTP ${answer.status}`;
  if (answer.status >= 500) return new ConnectorError('TEMPORARY', `Slack failed (HTTP ${answer.status}: ${code})`);
  // The webhook's URL is its own credential: a refusal holds this target only, not the bot.
  if (answer.status === 403 || answer.status === 401) return new ConnectorError('AUTH_FAILED', `the incoming webhook was refused (HTTP ${answer.status}: ${code})`, { scope: 'target' });
  if (answer.status === 404 || answer.status === 410) return new ConnectorError('NOT_FOUND', `the incoming webhook's channel is gone (HTTP ${answer.status}: ${code}); make a new webhook`);
  if (answer.status >= 300 && answer.status < 400) return new ConnectorError('NOT_FOUND', `the incoming webhook URL redirects (HTTP ${answer.status}); use the URL Slack gave you`);
  return new ConnectorError('INVALID_PAYLOAD', `Slack rejected the message (HTTP ${answer.status}: ${code})`);
}

function rateLimit(answer: HttpAnswer, now: number): ConnectorError | undefined {
  if (answer.status !== 429) return undefined;
  const wait = retryAfterMs(answer.headers['retry-after'], now);
  return new ConnectorError('RATE_LIMITED', 'Slack is rate limiting this app (HTTP 429)', wait === undefined ? {} : { retryAfterMs: wait });
}

function snippet(answer: HttpAnswer): string {
  const text = bodySnippet(answer.body, 120);
  return text === '' ? '' : `: ${text}`;
}

function contentType(answer: HttpAnswer): string {
  const type = answer.headers['content-type'];
  return typeof type === 'string' && type !== '' ? `, ${type.split(';')[0]?.trim() ?? type}` : '';
}

/** Where a redirect pointed, as scheme, host and port only: a path or query may carry a token. */
function originOf(location: string | undefined): string {
  if (location === undefined) return '';
  try {
    return ` to ${new URL(location).origin}`;
  } catch {
    return '';
  }
}

function byCode(code: string): ConnectorError {
  if (code === 'unknown_method') return new ConnectorError('NOT_FOUND', `Slack does not know the method (unknown_method): check connectors.slack.apiUrl`);
  const hint = HINT[code] === undefined ? '' : `: ${HINT[code]}`;
  if (AUTH.has(code)) return new ConnectorError('AUTH_FAILED', `Slack refused the bot (${code})${hint}`);
  if (GONE.has(code)) return new ConnectorError('NOT_FOUND', `Slack cannot post there (${code})${hint}`);
  if (BAD_MESSAGE.has(code)) return new ConnectorError('INVALID_PAYLOAD', `Slack rejected the message (${code})`);
  if (TRY_AGAIN.has(code)) return new ConnectorError(code === 'ratelimited' ? 'RATE_LIMITED' : 'TEMPORARY', `Slack could not take it now (${code})`);
  return new ConnectorError('UNKNOWN', `Slack answered ${code}`);
}
