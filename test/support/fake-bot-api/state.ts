import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChatRegistry } from './chats';
import { FloodControl } from './flood';
import { chatRef, optObject, type Params } from './params';
import {
  type CallRecord, type CallbackAnswer, type RecordedCommands, type SentMessage, type TgChat, type TgMessage,
  type TgUpdate, type TgUser, type UploadedFile, type Violation,
} from './types';
import { LongPolls, UpdateQueue } from './updates';
import { WebhookDeliverer } from './webhook';

export interface Call {
  method: string;
  params: Params;
  files: UploadedFile[];
  signal: AbortSignal;
}

export type Handler = (state: BotApiState, call: Call) => unknown;

const MESSAGE_KEYS = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_message'];
const CHAT_EVENT_KEYS = ['my_chat_member', 'chat_member', 'chat_join_request', 'message_reaction', 'message_reaction_count'];
const COMMAND_METHODS = new Set(['setMyCommands', 'deleteMyCommands', 'getMyCommands']);

/** Everything the method handlers read and write; the HTTP layer lives in FakeBotApi. */
export class BotApiState {
  readonly chats = new ChatRegistry();
  readonly queue = new UpdateQueue();
  readonly polls = new LongPolls(this.queue);
  readonly flood = new FloodControl();
  readonly webhook: WebhookDeliverer;
  readonly calls: CallRecord[] = [];
  readonly sent: SentMessage[] = [];
  readonly violations: Violation[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly openCallbackQueries = new Set<string>();
  readonly commands = new Map<string, RecordedCommands>();

  constructor(
    readonly bot: TgUser,
    readonly now: () => number,
    readonly enforceRateLimits: boolean,
    onWebhookReply: (call: Record<string, unknown>) => void,
  ) {
    this.webhook = new WebhookDeliverer(this.queue, now, onWebhookReply);
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Logs the call and trips the customer-chat wire before anything can fail. */
  recordCall(method: string, params: Params): CallRecord {
    const at = this.now();
    const record: CallRecord = { method, params, at, status: 0 };
    this.calls.push(record);
    for (const chatId of this.chatIdsOf(method, params)) {
      const customerChat = this.chats.customer.has(chatId);
      if (customerChat) this.violations.push({ method, chatId, at });
      appendCallLog({ at, method, chatId, customerChat });
    }
    return record;
  }

  private chatIdsOf(method: string, params: Params): number[] {
    const refs: unknown[] = [params.chat_id];
    if (COMMAND_METHODS.has(method)) {
      try {
        refs.push(optObject(params, 'scope')?.chat_id);
      } catch {
        // A malformed scope is reported to the caller by the handler.
      }
    }
    const ids: number[] = [];
    for (const raw of refs) {
      try {
        const ref = chatRef({ chat_id: raw });
        const id = ref === undefined ? undefined : this.chats.resolve(ref);
        if (id !== undefined) ids.push(id);
      } catch {
        // Not a chat id at all; the handler answers 400.
      }
    }
    return ids;
  }

  /** Learns chats, people, messages and membership changes from an update, as Telegram would know them. */
  ingest(update: TgUpdate): void {
    for (const key of MESSAGE_KEYS) {
      const message = update[key];
      if (isMessage(message)) this.ingestMessage(message);
    }
    const callback = update.callback_query as { message?: unknown } | undefined;
    if (isMessage(callback?.message)) this.ingestMessage(callback.message);
    for (const key of CHAT_EVENT_KEYS) {
      const event = update[key] as { chat?: TgChat; new_chat_member?: { status?: string; user?: TgUser } } | undefined;
      if (!event?.chat) continue;
      this.registerChat(event.chat);
      if (key === 'my_chat_member') {
        const status = event.new_chat_member?.status;
        if (status === 'kicked' || status === 'left') this.chats.removeBot(event.chat.id);
        else if (status) this.chats.restoreBot(event.chat.id);
      }
    }
  }

  private ingestMessage(message: TgMessage): void {
    const chat = this.registerChat(message.chat);
    const from = message.from as TgUser | undefined;
    if (from) this.chats.noteMember(chat.id, from);
    if (!message.edit_date) this.chats.storeMessage(message);
    const joined = (message.new_chat_members as TgUser[] | undefined) ?? [];
    if (joined.some((user) => user.id === this.bot.id)) this.chats.restoreBot(chat.id);
    if ((message.left_chat_member as TgUser | undefined)?.id === this.bot.id) this.chats.removeBot(chat.id);
    if (typeof message.migrate_to_chat_id === 'number') this.chats.migrate(chat.id, message.migrate_to_chat_id);
    if (typeof message.migrate_from_chat_id === 'number') this.chats.migrate(message.migrate_from_chat_id, chat.id);
  }

  /** Groups the tests did not declare as duty chats are somebody's customers. */
  registerChat(chat: TgChat): TgChat {
    const known = this.chats.add(chat);
    if (known.type === 'group' || known.type === 'supergroup') this.chats.markCustomer(known.id);
    return known;
  }

  resetLogs(): void {
    for (const log of [this.calls, this.sent, this.violations, this.callbackAnswers, this.webhook.deliveries]) {
      log.splice(0);
    }
    this.flood.resetCounters();
    this.polls.calls = 0;
    this.polls.maxConcurrent = this.polls.active;
  }
}

function isMessage(value: unknown): value is TgMessage {
  return typeof value === 'object' && value !== null && typeof (value as { chat?: { id?: unknown } }).chat?.id === 'number';
}

// Read per call so a test (or a child process of it) can point the log anywhere at any time.
function appendCallLog(entry: { at: number; method: string; chatId: number; customerChat: boolean }): void {
  const file = process.env.REPLYWATCH_BOT_API_CALL_LOG;
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}
