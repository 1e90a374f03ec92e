import { bodySnippet, ConnectorError, retryAfterMs, type Health, type HttpAnswer } from 'replywatch/sdk';

export type ZendeskJson = Record<string, unknown>;

/** The body as a JSON object, or undefined (a web page, a proxy's text, a cut-off body). */
export function zendeskJson(answer: HttpAnswer): ZendeskJson | undefined {
  try {
    const body = JSON.parse(answer.body) as unknown;
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ZendeskJson) : undefined;
  } catch {
    return undefined;
  }
}

/** Zendesk's `error` code of an answer (`RecordInvalid`, `IdempotentRequestError`…), if any. */
export function errorCode(answer: HttpAnswer): string | undefined {
  const error = zendeskJson(answer)?.error;
  return typeof error === 'string' ? error : undefined;
}

/**
 * A 2xx answer's JSON object; anything else throws the ConnectorError it means. `what` names
 * the action for the message (`creating the ticket`, `commenting on ticket #42`).
 */
export function expectJson(answer: HttpAnswer, what: string, now: number): ZendeskJson {
  if (answer.status < 200 || answer.status >= 300) throw answerError(answer, what, now);
  const body = zendeskJson(answer);
  if (body === undefined) {
    // A login portal, a proxy's or a maintenance page: not Zendesk's answer, so tried again.
    throw new ConnectorError('TEMPORARY', `${what}: Zendesk answered HTTP ${answer.status} with something that is not JSON (${contentType(answer)}${snippet(answer)}); a proxy's or maintenance page, or a wrong baseUrl`);
  }
  return body;
}

/**
 * A failed answer as a ConnectorError, in Zendesk's words (its `error`, `description` and
 * `details`, never the rest of the body, which could echo the request):
 * 401/403 AUTH_FAILED; 404 NOT_FOUND (a web page: no such Zendesk account; JSON: no such
 * record); 400/413/422 INVALID_PAYLOAD (RecordInvalid lists what is wrong, e.g. a required
 * custom field); 429 RATE_LIMITED, waiting as Retry-After asks (without one the outbox backs
 * off); 409 and 5xx TEMPORARY; a redirect NOT_FOUND (not followed: configure the final URL).
 */
export function answerError(answer: HttpAnswer, what: string, now: number): ConnectorError {
  const status = answer.status;
  const words = zendeskWords(answer);
  const said = `HTTP ${status}${words ? `: ${words}` : ''}`;
  if (status === 429) {
    const wait = retryAfterMs(answer.headers['retry-after'], now);
    return new ConnectorError('RATE_LIMITED', `${what}: Zendesk is rate limiting the API user (${said})`, wait === undefined ? {} : { retryAfterMs: wait });
  }
  if (status === 401) return new ConnectorError('AUTH_FAILED', `${what}: Zendesk refused the credentials (${said}); check email and apiToken, or oauthToken, under connectors.zendesk`);
  if (status === 403) return new ConnectorError('AUTH_FAILED', `${what}: Zendesk forbids it to the API user (${said}); the user needs an agent or admin role with access to the ticket's group`);
  if (status === 404) {
    if (zendeskJson(answer) === undefined) return new ConnectorError('NOT_FOUND', `${what}: no Zendesk account answers there (HTTP 404, a web page); check connectors.zendesk.subdomain (or baseUrl)`);
    return new ConnectorError('NOT_FOUND', `${what}: Zendesk does not know it (${said})`);
  }
  if (status >= 300 && status < 400) return new ConnectorError('NOT_FOUND', `${what}: Zendesk answered with a redirect (HTTP ${status}), which is not followed; set subdomain or baseUrl to the account's own address`);
  if (status === 409 || status >= 500) return new ConnectorError('TEMPORARY', `${what}: Zendesk could not do it now (HTTP ${status}${words ? `: ${words}` : contentTypeAndSnippet(answer)})`);
  if (status === 400 || status === 413 || status === 422) return new ConnectorError('INVALID_PAYLOAD', `${what}: Zendesk refused it (${said})`);
  return new ConnectorError('UNKNOWN', `${what}: Zendesk answered ${said}`);
}

/** What `GET /api/v2/users/me.json` says about the API user, for /health/ready. */
export function meHealth(answer: HttpAnswer, now: number): { health: Health; userId?: number } {
  try {
    const me = expectJson(answer, 'signing in', now).user as { id?: unknown; role?: unknown } | undefined;
    if (typeof me?.id !== 'number' || me.id <= 0) {
      // Zendesk answers an anonymous user (id null) when the credentials are not taken at all.
      return { health: { status: 'down', detail: 'Zendesk did not sign the API user in (anonymous user); check the credentials' } };
    }
    return { health: { status: 'up', detail: `signed in as user ${me.id} (${typeof me.role === 'string' ? me.role : 'unknown role'})` }, userId: me.id };
  } catch (error) {
    const failure = error instanceof ConnectorError ? error : new ConnectorError('UNKNOWN', String(error));
    return { health: { status: failure.retryable ? 'degraded' : 'down', detail: failure.message } };
  }
}

/** `error`, `description` and each of `details`, on one line. */
function zendeskWords(answer: HttpAnswer): string {
  const body = zendeskJson(answer);
  if (!body) return '';
  const parts: string[] = [];
  const { error, description, details } = body;
  if (typeof error === 'string') parts.push(error);
  else if (typeof error === 'object' && error !== null) {
    // Some endpoints say { error: { title, message } }.
    const { title, message } = error as { title?: unknown; message?: unknown };
    for (const part of [title, message]) if (typeof part === 'string') parts.push(part);
  }
  if (typeof description === 'string') parts.push(description);
  const listed = detailWords(details);
  if (listed.length > 0) parts.push(listed.join('; '));
  return bodySnippet(parts.join(' — '), 500);
}

function detailWords(details: unknown): string[] {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return [];
  const out: string[] = [];
  for (const [field, entries] of Object.entries(details as Record<string, unknown>)) {
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      const text = (entry as { description?: unknown } | null)?.description;
      if (typeof text === 'string') out.push(field === 'base' ? text : `${field}: ${text.replace(new RegExp(`^${field}:\\s*`, 'i'), '')}`);
    }
  }
  return out;
}

function contentType(answer: HttpAnswer): string {
  const type = answer.headers['content-type'];
  return typeof type === 'string' && type !== '' ? (type.split(';')[0]?.trim() ?? type) : 'no content-type';
}

function snippet(answer: HttpAnswer): string {
  const text = bodySnippet(answer.body, 120);
  return text === '' ? ', empty' : `: ${text}`;
}

function contentTypeAndSnippet(answer: HttpAnswer): string {
  const text = bodySnippet(answer.body, 120);
  return text === '' ? '' : `, ${contentType(answer)}: ${text}`;
}
