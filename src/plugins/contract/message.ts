/** Who wrote a message, as far as SLA accounting is concerned. */
export const AUTHOR_ROLES = ['customer', 'staff', 'bot'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

/**
 * Facts a connector knows about an author that the staff registry cannot know. The core,
 * not the connector, decides what they mean.
 */
export interface AuthorHints {
  /** Posted as the group itself by one of its admins (Telegram `sender_chat.id == chat.id`). */
  anonymousAdmin?: boolean;
  /** Sent by a bot, an auto-responder or a service account. */
  automated?: boolean;
}

export interface InboundAuthor {
  /** Stable id within the channel (Telegram user id, email address, sender's own id). */
  id: string;
  name?: string;
  /** Set only when the sender knows the role for sure; otherwise the staff registry decides. */
  role?: AuthorRole;
  /** Email address where the channel has one; lets the registry match whole domains. */
  email?: string;
  hints?: AuthorHints;
}

export interface InboundConversation {
  /** Stable id within the channel: a chat id, `chatId:topicId`, a mail thread id. */
  id: string;
  title?: string;
}

/** A message normalized by an inbound connector. The channel is added by the host. */
export interface InboundMessage {
  conversation: InboundConversation;
  /** External message id; unique within its conversation. Accepting it twice changes nothing. */
  id: string;
  text: string;
  sentAt: Date;
  author: InboundAuthor;
}

export type AcceptEffect = 'opened' | 'updated' | 'answered' | 'none';

export interface AcceptResult {
  /** True when this (channel, conversation, message id) had been accepted before. */
  duplicate: boolean;
  role: AuthorRole;
  effect: AcceptEffect;
  inquiryId: string | null;
}

/**
 * Where an inbound connector hands messages. The promise resolves only after the message is
 * committed to the database; a connector must not acknowledge its source before that.
 */
export interface MessageSink {
  accept(message: InboundMessage): Promise<AcceptResult>;
  /**
   * Envelope-level deduplication (a webhook id, an update id) for this channel: true if
   * `receiptId` was recorded before. Record it only after its messages were accepted.
   */
  hasReceipt(receiptId: string): Promise<boolean>;
  recordReceipt(receiptId: string): Promise<void>;
}
