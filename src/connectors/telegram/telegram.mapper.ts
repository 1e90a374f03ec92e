import { type InboundAuthor, type InboundConversation, type InboundMessage } from 'replywatch/sdk';
import { conversationIdOf, messageIdOf, messageLink } from './telegram.ids';
import { GROUP_ANONYMOUS_BOT, TELEGRAM_SERVICE, type WireMessage, type WireUser } from './telegram.wire';

export interface ParsedCommand {
  name: string;
  args: string;
}

/** What a message in a group that is not a duty chat means for the hub. */
export type GroupEvent =
  | { kind: 'message'; message: InboundMessage; command?: ParsedCommand }
  | { kind: 'topic-title'; conversationId: string; title: string }
  | { kind: 'topic-closed'; conversationId: string }
  | { kind: 'chat-title'; conversationId: string; title: string }
  | { kind: 'chat-migrated'; from: number; to: number }
  | { kind: 'ignored'; reason: string };

export interface MapperSettings {
  botUsername: string;
  /** Channels whose posts count as staff answers. */
  staffChannels: ReadonlySet<number>;
  otherChannels: 'customer' | 'ignore';
  maxTextLength: number;
}

/** Fields that make a message something a person said (rather than a service notice). */
const CONTENT: Array<[string, (m: WireMessage) => string]> = [
  ['text', (m) => m.text ?? ''],
  ['photo', (m) => withCaption('[photo]', m)],
  ['video', (m) => withCaption('[video]', m)],
  ['animation', (m) => withCaption('[animation]', m)],
  ['document', (m) => withCaption(`[file${fileName(m.document)}]`, m)],
  ['audio', (m) => withCaption('[audio]', m)],
  ['voice', (m) => withCaption('[voice message]', m)],
  ['video_note', () => '[video message]'],
  ['sticker', (m) => `[sticker${emojiOf(m.sticker)}]`],
  ['location', () => '[location]'],
  ['contact', () => '[contact]'],
  ['poll', () => '[poll]'],
  ['dice', () => '[dice]'],
  ['story', () => '[story]'],
  ['game', () => '[game]'],
];

/**
 * Maps a message from a customer group or topic. Pure: who is staff is decided later (by the
 * core's registry and the /roles roster); here only what Telegram itself tells.
 */
export function mapGroupMessage(message: WireMessage, settings: MapperSettings): GroupEvent {
  const chat = message.chat;
  const topicId = message.is_topic_message === true && typeof message.message_thread_id === 'number' ? message.message_thread_id : undefined;
  const conversationId = conversationIdOf(chat.id, topicId);

  if (typeof message.migrate_to_chat_id === 'number') return { kind: 'chat-migrated', from: chat.id, to: message.migrate_to_chat_id };
  if (typeof message.migrate_from_chat_id === 'number') return { kind: 'chat-migrated', from: message.migrate_from_chat_id, to: chat.id };
  const topicName = message.forum_topic_created?.name ?? message.forum_topic_edited?.name;
  if (topicName !== undefined && typeof message.message_thread_id === 'number') {
    return { kind: 'topic-title', conversationId: conversationIdOf(chat.id, message.message_thread_id), title: topicTitle(chat.title, topicName) };
  }
  if (message.forum_topic_closed !== undefined && typeof message.message_thread_id === 'number') {
    return { kind: 'topic-closed', conversationId: conversationIdOf(chat.id, message.message_thread_id) };
  }
  if (typeof message.new_chat_title === 'string') return { kind: 'chat-title', conversationId: String(chat.id), title: message.new_chat_title };

  const content = CONTENT.find(([field]) => message[field] !== undefined);
  if (!content) return { kind: 'ignored', reason: 'service message' };
  if (message.is_automatic_forward === true) return { kind: 'ignored', reason: 'automatic forward from the linked channel' };

  const author = authorOf(message, settings);
  if (author === 'ignore') return { kind: 'ignored', reason: 'posted on behalf of a channel that is not listed as staff' };
  if (!author) return { kind: 'ignored', reason: 'message without a sender' };

  const text = truncate(content[1](message), settings.maxTextLength);
  // Where the duty engineer jumps in: this message, in its topic (none for a basic group).
  const link = messageLink(chat.id, message.message_id, topicId, chat.username);
  const inbound: InboundMessage = {
    conversation: conversationOf(message, conversationId, topicId),
    id: messageIdOf(chat.id, message.message_id),
    text: text.length > 0 ? text : '[empty]',
    sentAt: new Date(message.date * 1000),
    author,
    ...(link === undefined ? {} : { link }),
  };
  const command = parseCommand(message, settings.botUsername);
  return command ? { kind: 'message', message: inbound, command } : { kind: 'message', message: inbound };
}

function authorOf(message: WireMessage, settings: MapperSettings): InboundAuthor | 'ignore' | undefined {
  const sender = message.sender_chat;
  if (sender && sender.id === message.chat.id) {
    // An admin posting as the group itself: only admins can, so it is the team speaking.
    return { id: `chat:${sender.id}`, name: message.author_signature ?? sender.title ?? 'anonymous admin', hints: { anonymousAdmin: true } };
  }
  if (sender) {
    const name = sender.title ?? `channel ${sender.id}`;
    if (settings.staffChannels.has(sender.id)) return { id: `chat:${sender.id}`, name, role: 'staff' };
    return settings.otherChannels === 'ignore' ? 'ignore' : { id: `chat:${sender.id}`, name };
  }
  const from = message.from;
  if (!from || typeof from.id !== 'number') return undefined;
  const author: InboundAuthor = { id: String(from.id), name: nameOf(from) };
  // GroupAnonymousBot without a matching sender_chat, Telegram's own service account, other bots.
  if (from.is_bot === true || from.id === GROUP_ANONYMOUS_BOT || from.id === TELEGRAM_SERVICE) return { ...author, role: 'bot' };
  return author;
}

/** `/hold`, `/escalate@our_bot too slow`; a command addressed to another bot is just text. */
export function parseCommand(message: WireMessage, botUsername: string): ParsedCommand | undefined {
  const text = message.text;
  if (!text?.startsWith('/')) return undefined;
  const entity = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  const token = entity ? text.slice(0, entity.length) : (text.split(/\s/, 1)[0] ?? '');
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?$/.exec(token);
  if (!match?.[1]) return undefined;
  if (match[2] !== undefined && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: match[1].toLowerCase(), args: text.slice(token.length).trim() };
}

export function nameOf(user: WireUser): string {
  const full = [user.first_name, user.last_name].filter((p) => typeof p === 'string' && p.length > 0).join(' ');
  return full || (user.username ? `@${user.username}` : `user ${user.id}`);
}

/**
 * A topic's name is only in its creation (or rename) service message, which a message in the
 * topic quotes as `reply_to_message` unless it replies to another message. Without it the
 * topic is named by the group and its number until its name turns up; a topic's name never
 * gives way to that placeholder.
 */
function conversationOf(message: WireMessage, id: string, topicId: number | undefined): InboundConversation {
  const chatTitle = message.chat.title;
  if (topicId === undefined) return chatTitle === undefined ? { id } : { id, title: chatTitle };
  const topicName = message.reply_to_message?.forum_topic_created?.name;
  if (topicName !== undefined) return { id, title: topicTitle(chatTitle, topicName) };
  return { id, fallbackTitle: topicTitle(chatTitle, `topic ${topicId}`) };
}

function topicTitle(chatTitle: string | undefined, topic: string): string {
  return chatTitle ? `${chatTitle} › ${topic}` : topic;
}

function withCaption(label: string, message: WireMessage): string {
  return typeof message.caption === 'string' && message.caption.length > 0 ? `${label} ${message.caption}` : label;
}

function fileName(document: unknown): string {
  const name = (document as { file_name?: unknown } | undefined)?.file_name;
  return typeof name === 'string' ? `: ${name}` : '';
}

function emojiOf(sticker: unknown): string {
  const emoji = (sticker as { emoji?: unknown } | undefined)?.emoji;
  return typeof emoji === 'string' ? ` ${emoji}` : '';
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Keep an emoji (a surrogate pair) whole or not at all.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}
