import { ConnectorError } from 'replywatch/sdk';
import { CustomerChatWriteError, guardTelegram, SendGuard } from './send-guard';

const DUTY = -1009000000001;
const CUSTOMER = -1001987654321;
const BASIC_CUSTOMER_GROUP = -4012345678;
const PRIVATE = 52340011;

function guardWith(duty: number[] = [DUTY]): SendGuard {
  const chats = new Set(duty);
  return new SendGuard(() => chats);
}

function refusal(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be refused');
}

describe('SendGuard.check', () => {
  it('refuses sendMessage to a group that is not a duty chat with a non-retryable INVALID_PAYLOAD, and counts it', () => {
    const guard = guardWith();
    const error = refusal(() => guard.check('sendMessage', { chat_id: CUSTOMER, text: 'Hello from the bot' }));
    expect(error).toBeInstanceOf(CustomerChatWriteError);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', retryable: false, name: 'CustomerChatWriteError' });
    expect((error as Error).message).toContain('sendMessage');
    expect((error as Error).message).toContain(String(CUSTOMER));
    expect(guard.refused).toBe(1);

    expect(() => guard.check('sendMessage', { chat_id: BASIC_CUSTOMER_GROUP, text: 'x' })).toThrow(CustomerChatWriteError);
    expect(() => guard.check('sendPhoto', { chat_id: CUSTOMER, photo: 'AgACAgIAAxkBAAIB' })).toThrow(CustomerChatWriteError);
    expect(() => guard.check('setMessageReaction', { chat_id: CUSTOMER, message_id: 4711, reaction: [{ type: 'emoji', emoji: '👀' }] })).toThrow(
      CustomerChatWriteError,
    );
    expect(guard.refused).toBe(4);
  });

  it('allows writes to a duty chat and to private chats', () => {
    const guard = guardWith();
    expect(() => guard.check('sendMessage', { chat_id: DUTY, text: 'SLA breached', message_thread_id: 12 })).not.toThrow();
    expect(() => guard.check('sendMessage', { chat_id: PRIVATE, text: 'Here is the hot list' })).not.toThrow();
    expect(() => guard.check('sendDocument', { chat_id: PRIVATE, document: { source: Buffer.from('a,b\n') } })).not.toThrow();
    expect(guard.refused).toBe(0);
  });

  it('reads the duty set on every check, so a chat added or removed at runtime counts at once', () => {
    const chats = new Set<number>();
    const guard = new SendGuard(() => chats);
    expect(guard.mayWrite(DUTY)).toBe(false);
    chats.add(DUTY);
    expect(guard.mayWrite(DUTY)).toBe(true);
    chats.delete(DUTY);
    expect(() => guard.check('sendMessage', { chat_id: DUTY, text: 'x' })).toThrow(CustomerChatWriteError);
  });

  it('never refuses read-only methods, whatever chat they name', () => {
    const guard = guardWith();
    expect(() => guard.check('getChat', { chat_id: CUSTOMER })).not.toThrow();
    expect(() => guard.check('getChatAdministrators', { chat_id: CUSTOMER })).not.toThrow();
    expect(() => guard.check('getChatMember', { chat_id: CUSTOMER, user_id: PRIVATE })).not.toThrow();
    expect(() => guard.check('getUpdates', { offset: 811, timeout: 30, allowed_updates: ['message'] })).not.toThrow();
    expect(() => guard.check('getMe', {})).not.toThrow();
    expect(guard.refused).toBe(0);
  });

  it('refuses setMyCommands scoped to a customer chat, but not to a duty chat or a chat-less scope', () => {
    const guard = guardWith();
    const commands = [{ command: 'hot', description: 'Inquiries waiting' }];
    expect(() => guard.check('setMyCommands', { commands, scope: { type: 'chat', chat_id: CUSTOMER } })).toThrow(CustomerChatWriteError);
    expect(() => guard.check('setMyCommands', { commands, scope: { type: 'chat_administrators', chat_id: CUSTOMER } })).toThrow(CustomerChatWriteError);
    expect(() => guard.check('setMyCommands', { commands, scope: { type: 'chat', chat_id: DUTY } })).not.toThrow();
    expect(() => guard.check('setMyCommands', { commands, scope: { type: 'all_private_chats' } })).not.toThrow();
    expect(guard.refused).toBe(2);
  });

  it('handles chat ids given as strings, and refuses @usernames it cannot place', () => {
    const guard = guardWith();
    expect(() => guard.check('sendMessage', { chat_id: String(CUSTOMER), text: 'x' })).toThrow(CustomerChatWriteError);
    expect(() => guard.check('sendMessage', { chat_id: String(DUTY), text: 'x' })).not.toThrow();
    expect(() => guard.check('sendMessage', { chat_id: String(PRIVATE), text: 'x' })).not.toThrow();
    expect(() => guard.check('sendMessage', { chat_id: '@acme_support', text: 'x' })).toThrow(CustomerChatWriteError);
    expect(guard.refused).toBe(2);
  });

  it('lets calls that name no chat through', () => {
    const guard = guardWith();
    expect(() => guard.check('answerCallbackQuery', { callback_query_id: '4382bfdwdsb323b2d9', text: 'Held' })).not.toThrow();
    expect(() => guard.check('deleteWebhook', undefined)).not.toThrow();
  });

  it('treats ids that are not safe integers as not writable', () => {
    const guard = guardWith();
    expect(guard.mayWrite(Number.NaN)).toBe(false);
    expect(guard.mayWrite(2 ** 60)).toBe(false);
    expect(guard.mayWrite(PRIVATE)).toBe(true);
    expect(guard.mayWrite(CUSTOMER)).toBe(false);
  });
});

/** A stand-in for telegraf's Telegram client: every method ends in this.callApi. */
class FakeClient {
  readonly calls: Array<{ method: string; payload: unknown }> = [];

  callApi(method: string, payload: unknown): Promise<unknown> {
    this.calls.push({ method, payload });
    return Promise.resolve({ message_id: this.calls.length });
  }

  sendMessage(chatId: number, text: string): Promise<unknown> {
    return this.callApi('sendMessage', { chat_id: chatId, text });
  }

  getChat(chatId: number): Promise<unknown> {
    return this.callApi('getChat', { chat_id: chatId });
  }
}

/** Whether the refusal is thrown or returned as a rejected promise, see it as a rejection. */
function attempt(call: () => Promise<unknown>): Promise<unknown> {
  return Promise.resolve().then(call);
}

describe('guardTelegram', () => {
  it('stops a refused call before it reaches the original callApi', async () => {
    const guard = guardWith();
    const client = guardTelegram(new FakeClient(), guard);
    await expect(attempt(() => client.sendMessage(CUSTOMER, 'Hello'))).rejects.toBeInstanceOf(CustomerChatWriteError);
    await expect(attempt(() => client.callApi('sendMessage', { chat_id: CUSTOMER, text: 'Hello' }))).rejects.toBeInstanceOf(CustomerChatWriteError);
    expect(client.calls).toEqual([]);
    expect(guard.refused).toBe(2);
  });

  it('passes allowed calls through to the original, bound to the client, with their result', async () => {
    const fake = new FakeClient();
    const client = guardTelegram(fake, guardWith());
    expect(client).toBe(fake);
    await expect(client.sendMessage(DUTY, 'SLA breached')).resolves.toEqual({ message_id: 1 });
    await expect(client.getChat(CUSTOMER)).resolves.toEqual({ message_id: 2 });
    expect(fake.calls).toEqual([
      { method: 'sendMessage', payload: { chat_id: DUTY, text: 'SLA breached' } },
      { method: 'getChat', payload: { chat_id: CUSTOMER } },
    ]);
  });

  it('cannot be swapped back out for the unguarded callApi', () => {
    const client = guardTelegram(new FakeClient(), guardWith());
    expect(() => {
      client.callApi = () => Promise.resolve('bypassed');
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(client, 'callApi', { value: () => Promise.resolve('bypassed') })).toThrow(TypeError);
  });
});
