import { ApiError, badRequest } from './params';
import { type ChatAdmin, type TgChat, type TgMessage, type TgUser } from './types';

/** What the fake Bot API knows about chats: membership of the bot, upgrades, messages, people. */
export class ChatRegistry {
  readonly customer = new Set<number>();
  readonly duty = new Set<number>();
  private readonly chats = new Map<number, TgChat>();
  private readonly kicked = new Set<number>();
  private readonly migratedTo = new Map<number, number>();
  private readonly counters = new Map<number, number>();
  private readonly messages = new Map<string, TgMessage>();
  private readonly members = new Map<number, Map<number, TgUser>>();
  private readonly admins = new Map<number, Map<number, ChatAdmin>>();

  /** Registers or refreshes a chat; fields already known survive a sparser description. */
  add(chat: TgChat): TgChat {
    const merged = { ...this.chats.get(chat.id), ...stripUndefined(chat) } as TgChat;
    this.chats.set(chat.id, merged);
    return merged;
  }

  get(chatId: number): TgChat | undefined {
    return this.chats.get(chatId);
  }

  resolve(ref: number | string): number | undefined {
    if (typeof ref === 'number') return ref;
    const username = ref.slice(1).toLowerCase();
    for (const chat of this.chats.values()) if (chat.username?.toLowerCase() === username) return chat.id;
    return undefined;
  }

  isGroup(chatId: number): boolean {
    const type = this.chats.get(chatId)?.type;
    return type === 'group' || type === 'supergroup';
  }

  markCustomer(chatId: number): void {
    if (!this.duty.has(chatId)) this.customer.add(chatId);
  }

  markDuty(chatId: number): void {
    this.customer.delete(chatId);
    this.duty.add(chatId);
  }

  removeBot(chatId: number): void {
    this.kicked.add(chatId);
  }

  restoreBot(chatId: number): void {
    this.kicked.delete(chatId);
  }

  /** The new supergroup inherits title, people and the customer/duty classification. */
  migrate(oldId: number, newId: number): void {
    this.migratedTo.set(oldId, newId);
    const old = this.chats.get(oldId);
    this.add({ id: newId, type: 'supergroup', title: old?.title, is_forum: old?.is_forum });
    if (this.duty.has(oldId)) this.markDuty(newId);
    else if (this.customer.has(oldId)) this.markCustomer(newId);
    for (const user of this.members.get(oldId)?.values() ?? []) this.noteMember(newId, user);
    for (const admin of this.admins.get(oldId)?.values() ?? []) this.addAdmin(newId, admin.user, admin.status);
  }

  /** The checks Telegram makes before acting on a chat, in the order it makes them. */
  accessible(chatId: number): TgChat {
    const target = this.migratedTo.get(chatId);
    if (target !== undefined) {
      throw badRequest('group chat was upgraded to a supergroup chat', { migrate_to_chat_id: target });
    }
    const chat = this.chats.get(chatId);
    if (!chat) throw badRequest('chat not found');
    if (this.kicked.has(chatId)) {
      if (chat.type === 'private') throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      if (chat.type === 'channel') throw new ApiError(403, 'Forbidden: bot is not a member of the channel chat');
      throw new ApiError(403, `Forbidden: bot was kicked from the ${chat.type} chat`);
    }
    return chat;
  }

  nextMessageId(chatId: number): number {
    const next = (this.counters.get(chatId) ?? 0) + 1;
    this.counters.set(chatId, next);
    return next;
  }

  lastMessageId(chatId: number): number {
    return this.counters.get(chatId) ?? 0;
  }

  /** Keeps the counter ahead of message ids that tests chose themselves. */
  noteMessageId(chatId: number, messageId: number): void {
    if (messageId > this.lastMessageId(chatId)) this.counters.set(chatId, messageId);
  }

  storeMessage(message: TgMessage): void {
    this.noteMessageId(message.chat.id, message.message_id);
    this.messages.set(`${message.chat.id}:${message.message_id}`, message);
  }

  message(chatId: number, messageId: number): TgMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  deleteMessage(chatId: number, messageId: number): boolean {
    return this.messages.delete(`${chatId}:${messageId}`);
  }

  noteMember(chatId: number, user: TgUser): void {
    const known = this.members.get(chatId) ?? new Map<number, TgUser>();
    known.set(user.id, { ...known.get(user.id), ...user });
    this.members.set(chatId, known);
  }

  member(chatId: number, userId: number): TgUser | undefined {
    return this.members.get(chatId)?.get(userId) ?? this.admins.get(chatId)?.get(userId)?.user;
  }

  addAdmin(chatId: number, user: TgUser, status: ChatAdmin['status'] = 'administrator'): void {
    const known = this.admins.get(chatId) ?? new Map<number, ChatAdmin>();
    known.set(user.id, { user, status });
    this.admins.set(chatId, known);
  }

  admin(chatId: number, userId: number): ChatAdmin | undefined {
    return this.admins.get(chatId)?.get(userId);
  }

  adminsOf(chatId: number): ChatAdmin[] {
    return [...(this.admins.get(chatId)?.values() ?? [])];
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
