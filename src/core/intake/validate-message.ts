import { AUTHOR_ROLES, type InboundMessage } from '../../plugins/sdk/message';
import { InvalidMessageError } from './intake-errors';

const MAX_ID = 512;

/**
 * The last line of defence for messages from any connector, including third-party ones:
 * reject what would corrupt accounting rather than store it.
 */
export function validateMessage(message: InboundMessage): void {
  requireId('conversation.id', message.conversation?.id);
  requireId('message.id', message.id);
  requireId('author.id', message.author?.id);
  if (typeof message.text !== 'string') throw new InvalidMessageError('message.text', 'expected a string');
  // PostgreSQL cannot store NUL in text; refusing it here keeps one message from failing a batch.
  for (const [field, value] of [
    ['message.text', message.text],
    ['conversation.title', message.conversation.title],
    ['author.name', message.author.name],
  ] as const) {
    if (typeof value === 'string' && value.includes('\u0000')) throw new InvalidMessageError(field, 'contains a NUL character');
  }
  if (!(message.sentAt instanceof Date) || Number.isNaN(message.sentAt.getTime())) {
    throw new InvalidMessageError('message.sentAt', 'expected a valid date');
  }
  const role = message.author.role;
  if (role !== undefined && !AUTHOR_ROLES.includes(role)) {
    throw new InvalidMessageError('author.role', `expected one of ${AUTHOR_ROLES.join(', ')}`);
  }
}

function requireId(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID || value.includes('\u0000')) {
    throw new InvalidMessageError(field, `expected a non-empty string of at most ${MAX_ID} characters, without NUL`);
  }
}
