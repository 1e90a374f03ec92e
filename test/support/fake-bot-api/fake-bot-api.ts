import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildCallbackQuery, buildGroupMessage, buildPrivateMessage, user } from './builders';
import { Dispatcher } from './dispatch';
import { BotApiState } from './state';
import {
  type BotCommand, type CallRecord, type CallbackAnswer, type CallbackQueryOptions, type ChatAdmin, type Fault,
  type FaultOptions, type FakeBotApiOptions, type GroupMessageOptions, type PrivateMessageOptions, type RateLimitCounters,
  type RecordedCommands, type SentMessage, type TgChat, type TgMessage, type TgUpdate, type TgUser, type UserInput,
  type Violation, type WebhookDelivery,
} from './types';

/** A fake Telegram Bot API on loopback speaking the real wire protocol, with scripted faults and a customer-chat tripwire. */
export class FakeBotApi {
  private readonly state: BotApiState;
  private readonly dispatcher: Dispatcher;
  private server: Server | undefined;
  private root: string | undefined;

  constructor(opts: FakeBotApiOptions) {
    const tokenPrefix = /^(\d+):/.exec(opts.token)?.[1];
    const bot: TgUser = {
      id: opts.botId ?? (tokenPrefix ? Number(tokenPrefix) : 7000000001),
      is_bot: true,
      first_name: 'Replywatch',
      username: opts.botUsername ?? 'replywatch_test_bot',
    };
    const now = opts.now ?? (() => Date.now());
    this.state = new BotApiState(bot, now, opts.enforceRateLimits ?? false, (call) => void this.dispatcher.runWebhookReply(call));
    this.dispatcher = new Dispatcher(this.state, opts.token, opts.maxUploadBytes);
  }

  async start(): Promise<string> {
    if (this.server) return this.apiRoot;
    this.dispatcher.lifetime = new AbortController();
    const server = createServer((req, res) => void this.dispatcher.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.root;
  }

  /** Answers held polls, stops webhook delivery and delays, then tears down every socket. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.state.webhook.clear();
    this.state.polls.endAll();
    this.dispatcher.lifetime.abort();
    // Give the just-answered long polls a moment to flush before their sockets are cut.
    for (let waited = 0; this.dispatcher.openResponses.size > 0 && waited < 250; waited += 5) await sleep(5);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get apiRoot(): string {
    if (!this.root) throw new Error('FakeBotApi is not started');
    return this.root;
  }

  get bot(): TgUser {
    return this.state.bot;
  }

  // ---- updates ---------------------------------------------------------------------------

  pushUpdate(update: object): number {
    this.state.ingest(update as TgUpdate);
    return this.state.queue.push(update as Record<string, unknown>);
  }

  groupMessage(opts: GroupMessageOptions): number {
    return this.pushUpdate(buildGroupMessage(this.state, opts));
  }

  privateMessage(opts: PrivateMessageOptions): number {
    return this.pushUpdate(buildPrivateMessage(this.state, opts));
  }

  /** Pushes a callback_query update; its id becomes answerable exactly once. */
  callbackQuery(opts: CallbackQueryOptions): number {
    return this.pushUpdate(buildCallbackQuery(this.state, opts));
  }

  /** Allocates the next message_id of a chat (shared by incoming and bot messages). */
  nextMessageId(chatId: number): number {
    return this.state.chats.nextMessageId(chatId);
  }

  lastMessageId(chatId: number): number {
    return this.state.chats.lastMessageId(chatId);
  }

  get pushedUpdates(): TgUpdate[] {
    return this.state.queue.pushed;
  }

  get pendingUpdateCount(): number {
    return this.state.queue.pending;
  }

  /** Drops every unconfirmed update, as deleteWebhook with drop_pending_updates does. */
  dropPendingUpdates(): void {
    this.state.queue.drop();
  }

  get getUpdatesCalls(): number {
    return this.state.polls.calls;
  }

  get maxConcurrentPollers(): number {
    return this.state.polls.maxConcurrent;
  }

  get activePollers(): number {
    return this.state.polls.active;
  }

  // ---- chats -----------------------------------------------------------------------------

  addChat(chat: TgChat): void {
    this.state.registerChat(chat);
  }

  /** A chat the hub may write to; registered as a group/supergroup unless already known. */
  markDutyChat(chatId: number, chat: Partial<TgChat> = {}): void {
    this.state.chats.markDuty(chatId);
    const known = this.state.chats.get(chatId);
    const type = known?.type ?? (chatId <= -1_000_000_000_000 ? 'supergroup' : chatId < 0 ? 'group' : 'private');
    this.state.chats.add({ id: chatId, type, title: known?.title ?? `Duty ${chatId}`, ...chat });
  }

  markCustomerChat(chatId: number): void {
    this.state.chats.duty.delete(chatId);
    this.state.chats.customer.add(chatId);
  }

  isCustomerChat(chatId: number): boolean {
    return this.state.chats.customer.has(chatId);
  }

  removeBot(chatId: number): void {
    this.state.chats.removeBot(chatId);
  }

  restoreBot(chatId: number): void {
    this.state.chats.restoreBot(chatId);
  }

  migrateChat(oldId: number, newId: number): void {
    this.state.chats.migrate(oldId, newId);
  }

  addAdmin(chatId: number, admin: UserInput, status: ChatAdmin['status'] = 'administrator'): void {
    this.state.chats.addAdmin(chatId, user(admin), status);
  }

  /** Current state of a message (bot-sent or pushed), including edits; undefined once deleted. */
  message(chatId: number, messageId: number): TgMessage | undefined {
    return this.state.chats.message(chatId, messageId);
  }

  // ---- faults ----------------------------------------------------------------------------

  failNext(method: string, fault: Fault, opts?: FaultOptions): void {
    this.dispatcher.faults.add(method, fault, opts);
  }

  setDefaultDelay(method: string, ms: number): void {
    this.dispatcher.faults.setDefaultDelay(method, ms);
  }

  clearFaults(): void {
    this.dispatcher.faults.clear();
  }

  setTokenValid(valid: boolean): void {
    this.dispatcher.tokenValid = valid;
  }

  // ---- observations ----------------------------------------------------------------------

  get calls(): CallRecord[] {
    return this.state.calls;
  }

  get sent(): SentMessage[] {
    return this.state.sent;
  }

  violations(): Violation[] {
    return [...this.state.violations];
  }

  get webhookDeliveries(): WebhookDelivery[] {
    return this.state.webhook.deliveries;
  }

  get webhook(): { url: string; secret: string | undefined; lastErrorMessage: string | undefined } {
    const { url, secret, lastErrorMessage } = this.state.webhook;
    return { url, secret, lastErrorMessage };
  }

  get rateLimited(): RateLimitCounters {
    return this.state.flood.counters;
  }

  get callbackAnswers(): CallbackAnswer[] {
    return this.state.callbackAnswers;
  }

  get commands(): RecordedCommands[] {
    return [...this.state.commands.values()];
  }

  commandsFor(scope: Record<string, unknown> = { type: 'default' }, languageCode = ''): BotCommand[] | undefined {
    return this.commands.find((c) => JSON.stringify(c.scope) === JSON.stringify(scope) && c.languageCode === languageCode)?.commands;
  }

  callsTo(method: string): CallRecord[] {
    return this.state.calls.filter((c) => c.method === method);
  }

  sentTo(chatId: number): SentMessage[] {
    return this.state.sent.filter((s) => s.chatId === chatId);
  }

  /** Real-time wait for an asynchronous effect; immune to jest's fake timers. */
  async waitFor(predicate: (peer: FakeBotApi) => boolean, timeoutMs = 5000): Promise<void> {
    // Counting sleeps rather than reading a clock: jest's fake timers also freeze performance.now().
    for (let waited = 0; !predicate(this); waited += 10) {
      if (waited >= timeoutMs) throw new Error(`FakeBotApi.waitFor: condition not met within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** Clears logs and counters; chats, queued updates, faults and the webhook stay. */
  reset(): void {
    this.state.resetLogs();
  }
}
