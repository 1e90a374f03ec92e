import { AUTHOR_ROLES, type InboundMessage } from '../../plugins/sdk/message';
import { InvalidMessageError } from './intake-errors';

const MAX_ID = 512;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL would refuse to store `value` as text or inside JSON, or undefined when it
 * can: a NUL character, or half of a UTF-16 surrogate pair (not Unicode at all). Checked before
 * any write, so such input is a 422 that stores nothing, not a failure halfway.
 */
export function unstorable(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(value)) return 'contains half of a UTF-16 surrogate pair (not valid Unicode)';
  return undefined;
}

/**
 * The last line of defence for messages from any connector, including third-party ones:
 * reject what would corrupt accounting rather than store it.
 */
export function validateMessage(message: InboundMessage, limits: { now: number; maxAgeMs: number }, where = ''): void {
  try {
    check(message, limits);
  } catch (error) {
    // Within a batch the error names the message: `[3] message.text: …`.
    if (where && error instanceof InvalidMessageError) throw new InvalidMessageError(`${where}${error.field}`, error.reason);
    throw error;
  }
}

function check(message: InboundMessage, limits: { now: number; maxAgeMs: number }): void {
  requireId('conversation.id', message.conversation?.id);
  requireId('message.id', message.id);
  requireId('author.id', message.author?.id);
  if (typeof message.text !== 'string') throw new InvalidMessageError('message.text', 'expected a string');
  // Refused here, one such message cannot fail the batch it would have been committed with.
  for (const [field, value] of [
    ['message.text', message.text],
    ['conversation.title', message.conversation.title],
    ['conversation.fallbackTitle', message.conversation.fallbackTitle],
    ['author.name', message.author.name],
    ['author.email', message.author.email],
  ] as const) {
    const reason = typeof value === 'string' ? unstorable(value) : undefined;
    if (reason) throw new InvalidMessageError(field, reason);
  }
  if (!(message.sentAt instanceof Date) || Number.isNaN(message.sentAt.getTime())) {
    throw new InvalidMessageError('message.sentAt', 'expected a valid date');
  }
  if (message.sentAt.getTime() < limits.now - limits.maxAgeMs) {
    const days = Math.round(limits.maxAgeMs / 86_400_000);
    throw new InvalidMessageError('message.sentAt', `older than the ${days} days the hub accepts (intake.maxMessageAge)`);
  }
  const role = message.author.role;
  if (role !== undefined && !AUTHOR_ROLES.includes(role)) {
    throw new InvalidMessageError('author.role', `expected one of ${AUTHOR_ROLES.join(', ')}`);
  }
}

function requireId(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
    throw new InvalidMessageError(field, `expected a non-empty string of at most ${MAX_ID} characters`);
  }
  const reason = unstorable(value);
  if (reason) throw new InvalidMessageError(field, reason);
}
