import { ConnectorError } from 'replywatch/sdk';

/** Methods that only read; everything else that names a chat can put something in front of its members. */
const READ_ONLY = new Set(['getChat', 'getChatMember', 'getChatAdministrators', 'getChatMemberCount', 'getUpdates', 'getMe', 'getWebhookInfo']);

export class CustomerChatWriteError extends ConnectorError {
  constructor(method: string, chatId: number) {
    super('INVALID_PAYLOAD', `refused ${method} to chat ${chatId}: the hub writes only to duty chats and private chats, never to a customer chat`);
    this.name = 'CustomerChatWriteError';
  }
}

/**
 * The one rule about where the bot may speak, checked before every Bot API call the hub
 * makes (see guardTelegram): duty chats listed in rules.yaml, and private chats with people
 * who wrote to the bot. Every group or supergroup that is not a duty chat is a customer's
 * and read-only, whatever code path asks.
 */
export class SendGuard {
  refused = 0;

  constructor(private readonly dutyChats: () => ReadonlySet<number>) {}

  check(method: string, payload: unknown): void {
    if (READ_ONLY.has(method) || typeof payload !== 'object' || payload === null) return;
    const fields = payload as { chat_id?: unknown; scope?: { chat_id?: unknown } };
    for (const raw of [fields.chat_id, fields.scope?.chat_id]) {
      if (raw === undefined) continue;
      const chatId = typeof raw === 'number' ? raw : Number(raw);
      if (!this.mayWrite(chatId)) {
        this.refused++;
        throw new CustomerChatWriteError(method, chatId);
      }
    }
  }

  mayWrite(chatId: number): boolean {
    if (!Number.isSafeInteger(chatId)) return false;
    // Private chats have the user's (positive) id; groups, supergroups and channels are negative.
    return chatId > 0 || this.dutyChats().has(chatId);
  }
}

interface CallsApi {
  callApi: (method: never, payload: never, options?: never) => Promise<unknown>;
}

/** Puts the guard in front of a telegraf Telegram client's single exit, callApi. */
export function guardTelegram<T extends object>(telegram: T, guard: SendGuard): T {
  const client = telegram as unknown as CallsApi;
  const original = client.callApi.bind(telegram) as (method: string, payload: unknown, options?: unknown) => Promise<unknown>;
  // Async like the original: a refusal is a rejected promise, never a synchronous throw.
  const guarded = async (method: string, payload: unknown, options?: unknown) => {
    guard.check(method, payload);
    return original(method, payload, options);
  };
  Object.defineProperty(telegram, 'callApi', { value: guarded, configurable: false, writable: false });
  return telegram;
}
