import { httpLink } from '../../plugins/sdk/links';
import { type AcceptResult, type InboundMessage } from '../../plugins/sdk/message';
import { type Rules } from '../config/rules.schema';
import { type Sql } from '../persistence/database';
import { type StormGuard } from '../sla/storm-guard';
import { type Classification } from './author-classifier';
import { InquiryTracker, type InquiryChange, type TrackOutcome } from './inquiry-tracker';
import { lifecycleNotifications, type ConversationRef, type OpeningMessage } from './notifications';

/** Longest text kept per message; longer texts are cut (the HTTP API refuses them outright). */
export const MAX_STORED_TEXT = 65_536;

/** The message's link as stored: an http(s) URL, or null (none given, or not one the hub keeps). */
export function storedLink(message: InboundMessage): string | null {
  return httpLink(message.link) ?? null;
}

export interface RecordedMessage {
  result: AcceptResult;
  changes: InquiryChange[];
  conversation: ConversationRef;
  deliveriesWritten: number;
}

/**
 * Stores one message and applies it to the conversation's inquiries, inside the caller's
 * transaction. The conversation row is locked first, so concurrent intakes for the same
 * conversation (other batches, other replicas) take turns.
 */
export async function recordMessage(
  sql: Sql,
  channel: string,
  message: InboundMessage,
  classification: Classification,
  rules: Rules,
  now: Date,
  /** The batch's storm guard: notifications past the per-target limit go into a digest. */
  storm: StormGuard,
): Promise<RecordedMessage> {
  // A sender's clock ahead of ours would start an SLA clock in the future.
  const sentAt = message.sentAt > now ? now : message.sentAt;
  const conversation = await lockConversation(sql, channel, message, sentAt);
  const link = storedLink(message);
  const [stored] = await sql.query<{ id: number }>(
    `INSERT INTO messages (conversation_id, external_id, author_id, author_name, author_role, role_source, text, sent_at, received_at, link)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (conversation_id, external_id) DO NOTHING RETURNING id`,
    [
      conversation.id,
      message.id,
      message.author.id,
      message.author.name ?? null,
      classification.role,
      classification.source,
      message.text.slice(0, MAX_STORED_TEXT),
      sentAt,
      now,
      link,
    ],
  );
  if (!stored) return duplicate(sql, conversation, message.id);

  const tracker = new InquiryTracker(sql, now);
  const tracked = { id: stored.id, conversationId: conversation.id, authorId: message.author.id, authorName: message.author.name ?? null, sentAt };
  let outcome: TrackOutcome;
  switch (classification.role) {
    case 'customer':
      outcome = await tracker.customerMessage(tracked);
      break;
    case 'staff':
      outcome = await tracker.staffMessage(tracked);
      break;
    case 'bot':
      outcome = { effect: 'none', inquiryId: null, changes: [] };
      break;
  }
  await appendEvents(sql, outcome.changes, now);
  const openings = await openingMessages(sql, outcome.changes, stored.id, { id: message.id, link });
  const notifications = lifecycleNotifications(rules, outcome.changes, conversation, (id) => openings.get(id));
  const deliveriesWritten = await storm.add(notifications);
  return {
    result: { duplicate: false, role: classification.role, effect: outcome.effect, inquiryId: outcome.inquiryId },
    changes: outcome.changes,
    conversation,
    deliveriesWritten,
  };
}

async function lockConversation(sql: Sql, channel: string, message: InboundMessage, sentAt: Date): Promise<ConversationRef> {
  // ON CONFLICT DO UPDATE both creates the row and row-locks an existing one.
  const [row] = await sql.query<{ id: number; title: string | null }>(
    // A fallback title only fills a gap: a stored title, even a fallback, stays.
    `INSERT INTO conversations (channel, external_id, title, created_at, last_message_at)
     VALUES ($1, $2, COALESCE($3::text, $5::text), $4, $4)
     ON CONFLICT (channel, external_id) DO UPDATE
       SET title = COALESCE($3::text, conversations.title, $5::text),
           last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at)
     RETURNING id, title`,
    [channel, message.conversation.id, message.conversation.title ?? null, sentAt, message.conversation.fallbackTitle ?? null],
  );
  if (!row) throw new Error('conversation upsert returned no row');
  return { id: Number(row.id), channel, externalId: message.conversation.id, title: row.title };
}

/**
 * The external id and link of each message that opened an inquiry in `changes`: this one, or
 * an older stored message when a late staff reply split an inquiry and the rest opened anew.
 */
async function openingMessages(sql: Sql, changes: readonly InquiryChange[], rowId: number, own: OpeningMessage): Promise<Map<number, OpeningMessage>> {
  const openings = new Map<number, OpeningMessage>([[rowId, own]]);
  const others = changes.flatMap((c) => (c.type === 'opened' && typeof c.data.messageId === 'number' && c.data.messageId !== rowId ? [c.data.messageId] : []));
  if (others.length === 0) return openings;
  const rows = await sql.query<{ id: number; external_id: string; link: string | null }>(`SELECT id, external_id, link FROM messages WHERE id = ANY($1::bigint[])`, [others]);
  for (const row of rows) openings.set(Number(row.id), { id: row.external_id, link: row.link });
  return openings;
}

async function duplicate(sql: Sql, conversation: ConversationRef, externalId: string): Promise<RecordedMessage> {
  const [previous] = await sql.query<{ author_role: AcceptResult['role'] }>(
    `SELECT author_role FROM messages WHERE conversation_id = $1 AND external_id = $2`,
    [conversation.id, externalId],
  );
  return {
    result: { duplicate: true, role: previous?.author_role ?? 'customer', effect: 'none', inquiryId: null },
    changes: [],
    conversation,
    deliveriesWritten: 0,
  };
}

async function appendEvents(sql: Sql, changes: readonly InquiryChange[], now: Date): Promise<void> {
  for (const change of changes) {
    await sql.query(
      `INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [change.inquiryId, change.type, change.actor, change.reason ?? null, change.occurredAt, now, JSON.stringify(change.data)],
    );
  }
}
