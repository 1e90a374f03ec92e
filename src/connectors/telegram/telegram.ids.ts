/** Telegram ids as the hub stores them, and the links a duty engineer clicks. */

/** A conversation: the chat, or `chat:topic` for a forum topic other than General. */
export function conversationIdOf(chatId: number, topicId?: number): string {
  return topicId === undefined ? String(chatId) : `${chatId}:${topicId}`;
}

export function parseConversationId(id: string): { chatId: number; topicId?: number } | undefined {
  const match = /^(-?\d+)(?::(\d+))?$/.exec(id);
  if (!match) return undefined;
  return match[2] === undefined ? { chatId: Number(match[1]) } : { chatId: Number(match[1]), topicId: Number(match[2]) };
}

/**
 * A message id qualified by its chat: a group upgraded to a supergroup numbers its messages
 * afresh, and its history moves under the new chat id, so a bare message id could collide.
 */
export function messageIdOf(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}

export function parseMessageId(id: string): { chatId: number; messageId: number } | undefined {
  const match = /^(-?\d+):(\d+)$/.exec(id);
  return match ? { chatId: Number(match[1]), messageId: Number(match[2]) } : undefined;
}

/** A public chat's username as Telegram allows it (letters, digits, underscores); anything else is not put in a link. */
const USERNAME = /^[A-Za-z0-9_]{4,32}$/;

/**
 * A t.me link to a message, in its forum topic when there is one. A public supergroup (one
 * with a username) has `https://t.me/<username>/[<topic>/]<message>`, which anyone can open;
 * a private one `https://t.me/c/<internal id>/[<topic>/]<message>`, for its members, where the
 * internal id is the chat id without its -100 prefix. A basic group or a private chat has no
 * link to a message: the title has to do.
 */
export function messageLink(chatId: number, messageId: number, topicId?: number, username?: string): string | undefined {
  if (!Number.isSafeInteger(chatId) || !Number.isSafeInteger(messageId) || messageId <= 0) return undefined;
  if (topicId !== undefined && (!Number.isSafeInteger(topicId) || topicId <= 0)) return undefined;
  // Supergroup ids are -(10^12 + channel id); basic groups are small negative numbers.
  if (chatId >= -1e12) return undefined;
  const chat = username !== undefined && USERNAME.test(username) ? username : `c/${String(-chatId - 1e12)}`;
  return topicId === undefined ? `https://t.me/${chat}/${messageId}` : `https://t.me/${chat}/${topicId}/${messageId}`;
}

/** The link to the message that opened an inquiry in a Telegram conversation, where there is one. */
export function inquiryLink(conversationId: string, openingMessageId: string | undefined): string | undefined {
  const conversation = parseConversationId(conversationId);
  const message = openingMessageId === undefined ? undefined : parseMessageId(openingMessageId);
  return conversation && message ? messageLink(conversation.chatId, message.messageId, conversation.topicId) : undefined;
}
