import { STRINGS } from './strings.en';

const SECRET_KEY = /token|secret|passw|key|auth|credential|cookie|signature|bearer/i;

/**
 * A duty target's `to:` as one line for a page. Addresses (a chat id, a channel, an endpoint's
 * name) are shown; a field whose name sounds secret is not, and a URL shows only its origin,
 * since a hook URL or a private feed often is the credential.
 */
export function safeAddress(to: Record<string, unknown>): string {
  return Object.entries(to)
    .map(([key, value]) => `${key}: ${SECRET_KEY.test(key) ? STRINGS.runbook.redacted : safeValue(value)}`)
    .join(', ');
}

function safeValue(value: unknown): string {
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? origin(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(safeValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${safeAddress(value as Record<string, unknown>)} }`;
  return '';
}

function origin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return STRINGS.runbook.redacted;
  }
}
