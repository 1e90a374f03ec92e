import { TelegramError } from 'telegraf';
import { ConnectorError } from 'replywatch/sdk';

export interface BotApiFailure {
  code: number;
  description: string;
  retryAfterMs?: number;
  migrateToChatId?: number;
}

/** The Bot API's answer inside a telegraf error, or undefined for network-level failures. */
export function botApiFailure(error: unknown): BotApiFailure | undefined {
  if (!(error instanceof TelegramError)) return undefined;
  const parameters = error.parameters;
  return {
    code: error.code,
    description: error.description,
    ...(typeof parameters?.retry_after === 'number' ? { retryAfterMs: parameters.retry_after * 1000 } : {}),
    ...(typeof parameters?.migrate_to_chat_id === 'number' ? { migrateToChatId: parameters.migrate_to_chat_id } : {}),
  };
}

/** One place that decides what a failed Bot API call means for the outbox. */
export function toConnectorError(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const failure = botApiFailure(error);
  if (!failure) {
    const reason = withoutToken(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return new ConnectorError('TEMPORARY', `${what}: the Bot API did not answer (${reason})`, { cause: error });
  }
  const said = `${failure.code} ${failure.description}`;
  if (failure.code === 429) return new ConnectorError('RATE_LIMITED', `${what}: flood control (${said})`, { retryAfterMs: failure.retryAfterMs ?? 5000 });
  if (failure.code === 401 || failure.code === 404) {
    return new ConnectorError('AUTH_FAILED', `${what}: the Bot API rejected the bot token (${said}); check connectors.telegram.token and apiRoot`);
  }
  if (failure.code === 403) return new ConnectorError('NOT_FOUND', `${what}: the bot may not write there (${said}); was it removed from the chat or blocked?`);
  if (failure.code === 409 || failure.code >= 500) return new ConnectorError('TEMPORARY', `${what}: ${said}`);
  if (/chat not found/i.test(failure.description)) return new ConnectorError('NOT_FOUND', `${what}: ${said}; is the bot a member of this chat and the chat id right?`);
  return new ConnectorError('INVALID_PAYLOAD', `${what}: the Bot API refused the request (${said})`);
}

/** Network errors quote the request URL, and the Bot API puts the token in its path. */
export function withoutToken(text: string): string {
  return text.replace(/\/bot[^/\s]+\//g, '/bot<token>/');
}
