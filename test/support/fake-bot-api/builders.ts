import { type BotApiState } from './state';
import {
  type CallbackQueryOptions, type GroupMessageOptions, type PrivateMessageOptions, type TgChat, type TgMessage,
  type TgUser, type UserInput,
} from './types';

// The senders Telegram substitutes when a message is not written by a person (see CONTRACTS.md).
const GROUP_ANONYMOUS_BOT: TgUser = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
const TELEGRAM_SERVICE: TgUser = { id: 777000, is_bot: false, first_name: 'Telegram' };
const CHANNEL_BOT: TgUser = { id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' };
const DEFAULT_CUSTOMER: TgUser = { id: 5550001, is_bot: false, first_name: 'Casey', username: 'casey_customer' };
const SUPERGROUP_ID_CEILING = -1_000_000_000_000;

export const user = (input: UserInput): TgUser => ({ is_bot: false, first_name: `User ${input.id}`, ...input });

type Built = Record<string, TgMessage>;

/** Picks the `from` Telegram would show for who actually posted. */
function senderFor(opts: GroupMessageOptions, chat: TgChat): TgUser {
  if (opts.from) return user(opts.from);
  if (opts.isAutomaticForward) return TELEGRAM_SERVICE;
  if (opts.senderChat) return opts.senderChat.id === chat.id ? GROUP_ANONYMOUS_BOT : CHANNEL_BOT;
  return DEFAULT_CUSTOMER;
}

function wrap(message: TgMessage, edited: boolean | undefined, editDate: number): Built {
  return edited ? { edited_message: { ...message, edit_date: editDate } } : { message };
}

function senderChatOf(state: BotApiState, chat: TgChat, given: Partial<TgChat> & { id: number }): TgChat {
  if (given.id === chat.id) return { ...chat, ...given };
  return { type: 'channel', title: `Channel ${given.id}`, ...state.chats.get(given.id), ...given };
}

export function buildGroupMessage(state: BotApiState, opts: GroupMessageOptions): Built {
  const {
    chatId, chatType, title, isForum, threadId, senderChat, isAutomaticForward, replyTo, from: _from, text, messageId,
    date, edited, ...extra
  } = opts;
  const known = state.chats.get(chatId);
  const knownGroupType = known?.type === 'group' || known?.type === 'supergroup' ? known.type : undefined;
  const chat: TgChat = {
    id: chatId,
    type: chatType ?? knownGroupType ?? (chatId <= SUPERGROUP_ID_CEILING ? 'supergroup' : 'group'),
    title: title ?? known?.title ?? `Chat ${chatId}`,
  };
  const forum = isForum ?? known?.is_forum;
  if (forum !== undefined) chat.is_forum = forum;
  const seconds = date ?? state.nowSeconds();
  const message: TgMessage = {
    message_id: messageId ?? state.chats.nextMessageId(chatId),
    from: senderFor(opts, chat),
    chat,
    date: seconds,
    ...(threadId !== undefined && { message_thread_id: threadId, is_topic_message: true }),
    ...(senderChat && { sender_chat: senderChatOf(state, chat, senderChat) }),
    ...(isAutomaticForward && { is_automatic_forward: true }),
    ...(replyTo && { reply_to_message: replyTo }),
    ...(text !== undefined && { text }),
    ...extra,
  };
  return wrap(message, edited, state.nowSeconds());
}

export function buildPrivateMessage(state: BotApiState, opts: PrivateMessageOptions): Built {
  const { from, text, messageId, date, edited, ...extra } = opts;
  const sender = user(from);
  const chat: TgChat = { id: sender.id, type: 'private', first_name: sender.first_name };
  if (sender.username) chat.username = sender.username;
  const message: TgMessage = {
    message_id: messageId ?? state.chats.nextMessageId(sender.id),
    from: sender,
    chat,
    date: date ?? state.nowSeconds(),
    ...(text !== undefined && { text }),
    ...extra,
  };
  return wrap(message, edited, state.nowSeconds());
}

let callbackCounter = 0;

export function buildCallbackQuery(state: BotApiState, opts: CallbackQueryOptions): { callback_query: Record<string, unknown> } {
  // Real ids are long numeric strings; a process-wide counter keeps them unique across peers.
  const id = opts.id ?? (4_000_000_000_000_000_000n + BigInt(++callbackCounter)).toString();
  const chat = state.chats.get(opts.chatId) ?? { id: opts.chatId, type: opts.chatId > 0 ? 'private' : 'supergroup' };
  const message = state.chats.message(opts.chatId, opts.messageId) ?? {
    message_id: opts.messageId,
    from: state.bot,
    chat,
    date: state.nowSeconds(),
  };
  state.openCallbackQueries.add(id);
  return {
    callback_query: {
      id,
      from: user(opts.from),
      message,
      chat_instance: String(BigInt.asUintN(63, BigInt(opts.chatId) * 2654435761n)),
      data: opts.data,
    },
  };
}
