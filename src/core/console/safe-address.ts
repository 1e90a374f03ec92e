import { STRINGS } from './strings.en';

/** Words of a field name that make it a secret: `apiToken`, `signing_secret`, `x-api-key`. */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pass', 'pwd', 'key', 'apikey', 'auth', 'authorization', 'credential', 'credentials', 'cookie', 'sig', 'signature', 'hmac', 'jwt', 'bearer', 'session', 'private', 'dsn']);
/** A value that carries its own credential whatever its field is called. */
const SECRET_VALUE = /^\s*(bearer|basic|token)\s|[?&=]/i;

/**
 * A duty target's `to:` as one line for a page. Addresses (a chat id, a channel, an endpoint's
 * name) are shown; a field whose name sounds secret is not, and a URL shows only its origin,
 * since a hook URL or a private feed often is the credential.
 */
export function safeAddress(to: Record<string, unknown>): string {
  return Object.entries(to)
    .map(([key, value]) => `${key}: ${secretName(key) ? STRINGS.runbook.redacted : safeValue(value)}`)
    .join(', ');
}

function secretName(key: string): boolean {
  return key
    .split(/[_\-. ]+|(?<=[a-z0-9])(?=[A-Z])/)
    .some((word) => SECRET_WORDS.has(word.toLowerCase()));
}

function safeValue(value: unknown): string {
  if (typeof value === 'string') return safeString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(safeValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${safeAddress(value as Record<string, unknown>)} }`;
  return '';
}

/**
 * A URL shows its origin, a host with a path (`hooks.slack.com/services/…`, `//host/…`) only
 * the host: the path is often the credential. A query or an authorization value shows nothing.
 */
function safeString(value: string): string {
  const text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return origin(text);
  if (SECRET_VALUE.test(text)) return STRINGS.runbook.redacted;
  const slash = text.replace(/^\/\//, '').indexOf('/');
  if (slash >= 0) return `${text.replace(/^\/\//, '').slice(0, slash)}/…`;
  return text;
}

function origin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return STRINGS.runbook.redacted;
  }
}
