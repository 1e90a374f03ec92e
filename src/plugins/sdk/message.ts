/** Who wrote a message, as far as SLA accounting is concerned. */
export const AUTHOR_ROLES = ['customer', 'staff', 'bot'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

/**
 * Facts a connector knows about an author that the staff registry cannot know. The hub, not
 * the connector, decides what they mean.
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
  /** Set only when the source states the role for certain; otherwise the hub decides. */
  role?: AuthorRole;
  /** Email address where the channel has one; lets the registry match whole domains. */
  email?: string;
  hints?: AuthorHints;
}

export interface InboundConversation {
  /** Stable id within the channel: a chat id, `chatId:topicId`, a mail thread id. */
  id: string;
  /** The conversation's name as the source states it; replaces the one stored. */
  title?: string;
  /**
   * A name to show while the conversation has none (a forum topic whose own name the
   * connector has not seen: `Acme › topic 10`): stored only when no title is known, it never
   * replaces one, and a later `title` or conversationTitle() replaces it. A hub that predates
   * it ignores it, and the conversation stays untitled.
   */
  fallbackTitle?: string;
}

/** A message normalized by an inbound connector. The channel is added by the hub. */
export interface InboundMessage {
  conversation: InboundConversation;
  /** External message id; unique within its conversation. Accepting it twice changes nothing. */
  id: string;
  text: string;
  sentAt: Date;
  author: InboundAuthor;
  /**
   * Where a person opens this message, or its conversation, in the source (since 2.4): the hub
   * keeps the link of the message that opens an inquiry and puts it in the notifications
   * (`ConversationRef.link`). Only an absolute http(s) URL of at most 2048 characters is kept
   * (see `httpLink()`); anything else is dropped and the message accepted without it.
   */
  link?: string;
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
 * An envelope that carries messages and has an id of its own (a webhook delivery id). The
 * fingerprint (a hash of the envelope's bytes) tells a resend from a different envelope that
 * reuses the id.
 */
export interface EnvelopeReceipt {
  /** Up to 256 characters. */
  id: string;
  /** Up to 128 characters; compared as given. */
  fingerprint?: string;
}

/**
 * What became of an envelope: its messages were accepted; it had been accepted before with the
 * same fingerprint (a resend: nothing changed); or its id was taken by an envelope with a
 * different fingerprint (nothing stored: tell the sender, do not retry).
 */
export type EnvelopeOutcome = { status: 'accepted'; results: AcceptResult[] } | { status: 'replayed' } | { status: 'conflict'; detail: string };

export interface RekeyOptions {
  /**
   * Also move conversations whose id starts with `fromId` + this separator (the topics of a
   * group: `-100123:7` moves with `-100123` when the separator is `:`).
   */
  childSeparator?: string;
}

export interface RekeyResult {
  moved: number;
  /** Ids already present under the new key, left apart (two histories are never merged silently). */
  clashes: string[];
}

/**
 * Where an inbound connector hands what it reads. Every promise resolves only after the change
 * is committed to the database: a connector must not acknowledge its source (advance an
 * offset, set a flag, answer 200) before that.
 */
export interface MessageSink {
  /**
   * Rejects with a ConnectorError: INVALID_PAYLOAD for a message the hub will never take
   * (acknowledge it and move on), TEMPORARY when nothing can be stored right now (do not
   * acknowledge; hand it over again later). Anything else is a bug to report.
   */
  accept(message: InboundMessage): Promise<AcceptResult>;
  /**
   * Several messages of one envelope (a webhook request, a mail with attachments), all or
   * nothing: each is validated first and they commit in one transaction, or none is stored.
   * Results come in the order given; rejections as for accept().
   */
  acceptAll(messages: readonly InboundMessage[]): Promise<AcceptResult[]>;
  /**
   * Envelope-level deduplication (a webhook id, an update id) for this channel: true if
   * `receiptId` was recorded before. Record it only after its messages were accepted.
   */
  hasReceipt(receiptId: string): Promise<boolean>;
  /**
   * acceptAll() and the envelope's receipt in one transaction (since contract 2.1): the
   * messages are stored and the receipt recorded together, or neither. Two envelopes with the
   * same id racing on different replicas store once; the second sees `replayed` or `conflict`.
   */
  acceptEnvelope(receipt: EnvelopeReceipt, messages: readonly InboundMessage[]): Promise<EnvelopeOutcome>;
  recordReceipt(receiptId: string): Promise<void>;
  /** The conversation got a (new) title; creates the conversation if it is new. */
  conversationTitle(conversationId: string, title: string): Promise<void>;
  /**
   * The source gave a conversation a new id (a Telegram group upgraded to a supergroup).
   * History, inquiries and clocks move with it.
   */
  conversationRekeyed(fromId: string, toId: string, options?: RekeyOptions): Promise<RekeyResult>;
  /**
   * Nothing is left to answer in this conversation (a forum topic was closed): its waiting
   * inquiry, if any, is resolved with `reason`.
   */
  conversationClosed(conversationId: string, reason: string): Promise<{ resolvedInquiryId: string | null }>;
}
