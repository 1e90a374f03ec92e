/**
 * The parts of Telegram's Update and Message objects the hub reads. Declared loosely on
 * purpose: updates come off the wire, and every field may be missing or of a newer shape.
 */
export interface WireUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface WireChat {
  id: number;
  /** private, group, supergroup or channel (or a newer kind). */
  type: string;
  title?: string;
  username?: string;
  is_forum?: boolean;
}

export interface WireMessage {
  message_id: number;
  date: number;
  chat: WireChat;
  from?: WireUser;
  sender_chat?: WireChat;
  author_signature?: string;
  message_thread_id?: number;
  is_topic_message?: boolean;
  is_automatic_forward?: boolean;
  text?: string;
  caption?: string;
  entities?: Array<{ type: string; offset: number; length: number }>;
  reply_to_message?: WireMessage;
  forward_origin?: { type: string; sender_user?: WireUser; sender_user_name?: string };
  forum_topic_created?: { name?: string };
  forum_topic_edited?: { name?: string };
  forum_topic_closed?: Record<string, never>;
  forum_topic_reopened?: Record<string, never>;
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
  new_chat_title?: string;
  [other: string]: unknown;
}

export interface WireCallbackQuery {
  id: string;
  from: WireUser;
  message?: WireMessage;
  data?: string;
}

export interface WireUpdate {
  update_id: number;
  message?: WireMessage;
  edited_message?: WireMessage;
  callback_query?: WireCallbackQuery;
  my_chat_member?: { chat: WireChat; new_chat_member?: { status?: string } };
  [other: string]: unknown;
}

/** The update kinds the hub asks Telegram for; reactions and chat_member stay off. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** Telegram's service accounts that appear in `from`. */
export const GROUP_ANONYMOUS_BOT = 1087968824;
export const CHANNEL_BOT = 136817688;
export const TELEGRAM_SERVICE = 777000;

/** The chat an update is about, for ordering work per chat. */
export function chatOfUpdate(update: WireUpdate): number | undefined {
  return (update.message ?? update.edited_message ?? update.callback_query?.message)?.chat.id ?? update.my_chat_member?.chat.id;
}

/** Answer in the forum topic a message came from (General and plain groups need nothing). */
export function threadOf(message: WireMessage): { message_thread_id?: number } {
  return message.is_topic_message === true && typeof message.message_thread_id === 'number' ? { message_thread_id: message.message_thread_id } : {};
}
