import { type InboundMessage } from '../../plugins/sdk/message';
import { type Rules } from '../config/rules.schema';
import { type Sql } from '../persistence/database';
import { StormGuard } from '../sla/storm-guard';
import { type Classification } from './author-classifier';
import { type ConversationInput, key, lockConversations, type LockedConversation } from './batch-conversations';
import { appendEventsBatch, loadLatestInquiries, saveInquiries } from './inquiry-batch-store';
import { type InquiryChange } from './inquiry-tracker';
import { replayNewer, type InquiryState, type ReplayMessage } from './inquiry-replay';
import { lifecycleNotifications } from './notifications';
import { MAX_STORED_TEXT, recordMessage, storedLink, type RecordedMessage } from './record-message';

export interface BatchItem {
  channel: string;
  message: InboundMessage;
  classification: Classification;
}

interface Prepared extends BatchItem {
  index: number;
  sentAt: Date;
  conversationKey: string;
}

/**
 * Records a batch of messages in one transaction with a fixed number of statements. The
 * common case — messages newer than everything stored for their conversation — is replayed in
 * memory; a conversation with an older or same-instant message (late arrival, a resend) goes
 * through the per-message tracker, which handles any order.
 */
export async function recordBatch(sql: Sql, items: readonly BatchItem[], rules: Rules, now: Date): Promise<RecordedMessage[]> {
  // A sender's clock ahead of ours would start an SLA clock in the future.
  const prepared: Prepared[] = items.map((item, index) => ({
    ...item,
    index,
    sentAt: item.message.sentAt > now ? now : item.message.sentAt,
    conversationKey: key(item.channel, item.message.conversation.id),
  }));
  const conversations = await lockConversations(sql, conversationInputs(prepared));
  const results = new Array<RecordedMessage | undefined>(items.length);

  const byConversation = groupBy(prepared, (p) => p.conversationKey);
  const duplicates = await findStored(sql, prepared, conversations);
  const fast: Prepared[] = [];
  const slow: Prepared[] = [];
  for (const [conversationKey, group] of byConversation) {
    const conversation = conversations.get(conversationKey) as LockedConversation;
    const fresh = group.filter((p) => !duplicates.has(p.index));
    (fresh.length > 0 && fresh.every((p) => isNewer(p, conversation.previousLast)) ? fast : slow).push(...group);
  }

  // Opened/answered notices obey the duty chats' per-minute limit, as SLA marks do.
  const storm = new StormGuard(sql, rules.duty.stormLimitPerMinute, now);
  await recordNewer(sql, fast, conversations, duplicates, rules, now, results, storm);
  // Older messages take the careful path, one by one, in arrival order.
  for (const p of slow.sort((a, b) => a.index - b.index)) {
    results[p.index] = await recordMessage(sql, p.channel, p.message, p.classification, rules, now, storm);
  }
  await storm.flush();
  return results.map((r, i) => {
    if (!r) throw new Error(`intake batch lost message ${i}`);
    return r;
  });
}

async function recordNewer(
  sql: Sql,
  items: Prepared[],
  conversations: Map<string, LockedConversation>,
  duplicates: Set<number>,
  rules: Rules,
  now: Date,
  results: Array<RecordedMessage | undefined>,
  storm: StormGuard,
): Promise<void> {
  const fresh = items.filter((p) => !duplicates.has(p.index));
  for (const p of items.filter((p) => duplicates.has(p.index))) {
    const conversation = conversations.get(p.conversationKey) as LockedConversation;
    results[p.index] = { result: { duplicate: true, role: p.classification.role, effect: 'none', inquiryId: null }, changes: [], conversation, deliveriesWritten: 0 };
  }
  if (fresh.length === 0) return;

  const ids = await insertMessages(sql, fresh, conversations, now);
  const active = [...new Set(fresh.filter((p) => p.classification.role !== 'bot').map((p) => conversations.get(p.conversationKey)!.id))];
  const latest = await loadLatestInquiries(sql, active);

  const touched: Array<{ conversationId: number; state: InquiryState }> = [];
  const changes: InquiryChange[] = [];
  const deliveries = [];
  for (const [conversationKey, group] of groupBy(fresh, (p) => p.conversationKey)) {
    const conversation = conversations.get(conversationKey) as LockedConversation;
    const replay = replayNewer(conversation.id, latest.get(conversation.id), group.map((p) => toReplay(p, ids)));
    touched.push(...replay.touched.map((state) => ({ conversationId: conversation.id, state })));
    changes.push(...replay.changes);
    // Replaying newer messages only, an inquiry opens at one of this group's messages.
    const openings = new Map(group.map((p) => [ids.get(p.index), { id: p.message.id, link: storedLink(p.message) }]));
    const written = lifecycleNotifications(rules, replay.changes, conversation, (id) => openings.get(id));
    deliveries.push(...written);
    for (const outcome of replay.outcomes) {
      const p = group.find((g) => g.index === outcome.index) as Prepared;
      const own = replay.changes.filter((c) => c.data.messageId === ids.get(p.index));
      results[p.index] = {
        result: { duplicate: false, role: p.classification.role, effect: outcome.effect, inquiryId: outcome.inquiryId },
        changes: own,
        conversation,
        deliveriesWritten: 0,
      };
    }
  }
  await saveInquiries(sql, touched, now);
  await appendEventsBatch(sql, changes, now);
  const written = await storm.add(deliveries);
  const first = fresh[0];
  if (first && written > 0) (results[first.index] as RecordedMessage).deliveriesWritten = written;
}

async function insertMessages(sql: Sql, items: Prepared[], conversations: Map<string, LockedConversation>, now: Date): Promise<Map<number, number>> {
  const rows = await sql.query<{ id: number; conversation_id: number; external_id: string }>(
    `INSERT INTO messages (conversation_id, external_id, author_id, author_name, author_role, role_source, text, sent_at, received_at, link)
     SELECT m.conversation_id, m.external_id, m.author_id, m.author_name, m.author_role, m.role_source, m.text, m.sent_at, $2, m.link
     FROM json_to_recordset($1::json) AS m(ord int, conversation_id bigint, external_id text, author_id text, author_name text,
       author_role text, role_source text, text text, sent_at timestamptz, link text)
     ORDER BY m.ord
     RETURNING id, conversation_id, external_id`,
    [
      JSON.stringify(
        items.map((p, ord) => ({
          ord,
          conversation_id: conversations.get(p.conversationKey)!.id,
          external_id: p.message.id,
          author_id: p.message.author.id,
          author_name: p.message.author.name ?? null,
          author_role: p.classification.role,
          role_source: p.classification.source,
          text: p.message.text.slice(0, MAX_STORED_TEXT),
          sent_at: p.sentAt,
          link: storedLink(p.message),
        })),
      ),
      now,
    ],
  );
  if (rows.length !== items.length) throw new Error('intake batch: message insert count mismatch');
  const idByKey = new Map(rows.map((r) => [`${Number(r.conversation_id)}\u0000${r.external_id}`, Number(r.id)]));
  return new Map(items.map((p) => [p.index, idByKey.get(`${conversations.get(p.conversationKey)!.id}\u0000${p.message.id}`) as number]));
}

/** Messages of this batch already stored (resends) or repeated within the batch. */
async function findStored(sql: Sql, items: Prepared[], conversations: Map<string, LockedConversation>): Promise<Set<number>> {
  const duplicates = new Set<number>();
  const seen = new Map<string, number>();
  for (const p of items) {
    const k = `${p.conversationKey}\u0000${p.message.id}`;
    if (seen.has(k)) duplicates.add(p.index);
    else seen.set(k, p.index);
  }
  const known = [...conversations.values()].filter((c) => c.previousLast !== null).map((c) => c.id);
  if (known.length === 0) return duplicates;
  const candidates = items.filter((p) => conversations.get(p.conversationKey)!.previousLast !== null);
  const rows = await sql.query<{ conversation_id: number; external_id: string }>(
    `SELECT m.conversation_id, m.external_id FROM messages m
     JOIN json_to_recordset($1::json) AS k(conversation_id bigint, external_id text)
       ON m.conversation_id = k.conversation_id AND m.external_id = k.external_id`,
    [JSON.stringify(candidates.map((p) => ({ conversation_id: conversations.get(p.conversationKey)!.id, external_id: p.message.id })))],
  );
  const stored = new Set(rows.map((r) => `${Number(r.conversation_id)}\u0000${r.external_id}`));
  for (const p of candidates) {
    if (stored.has(`${conversations.get(p.conversationKey)!.id}\u0000${p.message.id}`)) duplicates.add(p.index);
  }
  return duplicates;
}

function isNewer(p: Prepared, previousLast: Date | null): boolean {
  if (previousLast === null) return true;
  // At equal times a customer counts as earlier than staff, so only staff may follow at once.
  return p.sentAt > previousLast || (p.sentAt.getTime() === previousLast.getTime() && p.classification.role === 'staff');
}

function conversationInputs(items: Prepared[]) {
  const inputs = new Map<string, ConversationInput>();
  for (const p of items) {
    const existing = inputs.get(p.conversationKey);
    const title = p.message.conversation.title ?? null;
    const fallbackTitle = p.message.conversation.fallbackTitle ?? null;
    if (!existing) {
      inputs.set(p.conversationKey, { channel: p.channel, externalId: p.message.conversation.id, title, fallbackTitle, firstAt: p.sentAt, lastAt: p.sentAt });
      continue;
    }
    if (p.sentAt < existing.firstAt) existing.firstAt = p.sentAt;
    if (p.sentAt > existing.lastAt) existing.lastAt = p.sentAt;
    if (title !== null) existing.title = title;
    if (fallbackTitle !== null) existing.fallbackTitle = fallbackTitle;
  }
  return [...inputs.values()];
}

function toReplay(p: Prepared, ids: Map<number, number>): ReplayMessage {
  return { index: p.index, id: ids.get(p.index) as number, role: p.classification.role, authorId: p.message.author.id, authorName: p.message.author.name ?? null, sentAt: p.sentAt };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
