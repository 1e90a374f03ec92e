import { type Sql } from '../persistence/database';
import { type ConversationRef } from './notifications';

export interface LockedConversation extends ConversationRef {
  /** Latest message time stored before this batch; null for a new conversation. */
  previousLast: Date | null;
}

export interface ConversationInput {
  channel: string;
  externalId: string;
  title: string | null;
  /** Stored only where the conversation has no title (see InboundConversation.fallbackTitle). */
  fallbackTitle: string | null;
  firstAt: Date;
  lastAt: Date;
}

/**
 * Row-locks (or creates) every conversation of a batch in key order, so concurrent batches
 * never deadlock, and returns what the batch needs to know: ids and the latest message time
 * stored before this batch.
 */
export async function lockConversations(sql: Sql, inputs: ConversationInput[]): Promise<Map<string, LockedConversation>> {
  const sorted = [...inputs].sort((a, b) => compare(key(a.channel, a.externalId), key(b.channel, b.externalId)));
  const input = JSON.stringify(
    sorted.map((c, ord) => ({ ord, channel: c.channel, external_id: c.externalId, title: c.title, first_at: c.firstAt, last_at: c.lastAt })),
  );
  const recordset = `json_to_recordset($1::json) AS t(ord int, channel text, external_id text, title text, first_at timestamptz, last_at timestamptz)`;
  // Lock the existing rows in key order and read their state before this batch changes it
  // (a separate statement: inside one statement the upsert's own update would hide the rows).
  const previous = await sql.query<{ channel: string; external_id: string; last_message_at: Date }>(
    `SELECT c.channel, c.external_id, c.last_message_at FROM conversations c
     JOIN ${recordset} ON t.channel = c.channel AND t.external_id = c.external_id
     ORDER BY c.channel, c.external_id FOR UPDATE OF c`,
    [input],
  );
  const rows = await sql.query<{ id: number; channel: string; external_id: string; title: string | null; created: boolean }>(
    `INSERT INTO conversations (channel, external_id, title, created_at, last_message_at)
     SELECT channel, external_id, title, first_at, last_at FROM ${recordset} ORDER BY ord
     ON CONFLICT (channel, external_id) DO UPDATE
       SET title = COALESCE(EXCLUDED.title, conversations.title),
           last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at)
     RETURNING id, channel, external_id, title, (xmax = 0) AS created`,
    [input],
  );
  const previousLast = new Map(previous.map((p) => [key(p.channel, p.external_id), new Date(p.last_message_at)]));
  // A conversation another transaction created concurrently was not there to lock above; the
  // upsert waited for that transaction, so its messages are visible now. One this statement
  // created (no older row version: xmax 0) has none, so it needs no look. An updated row has
  // xmax set by our own lock (the FOR UPDATE above, or DO UPDATE), on PGlite too.
  const unseen = rows.filter((r) => !r.created && !previousLast.has(key(r.channel, r.external_id)));
  if (unseen.length > 0) {
    const stored = await sql.query<{ conversation_id: number; last: Date }>(
      `SELECT conversation_id, max(sent_at) AS last FROM messages
       WHERE conversation_id IN (SELECT value::bigint FROM json_array_elements_text($1::json)) GROUP BY conversation_id`,
      [JSON.stringify(unseen.map((r) => String(r.id)))],
    );
    const byId = new Map(stored.map((s) => [Number(s.conversation_id), new Date(s.last)]));
    for (const r of unseen) {
      const last = byId.get(Number(r.id));
      if (last) previousLast.set(key(r.channel, r.external_id), last);
    }
  }
  await fillUntitled(sql, rows, inputs);
  const out = new Map<string, LockedConversation>();
  for (const r of rows) {
    out.set(key(r.channel, r.external_id), {
      id: Number(r.id),
      channel: r.channel,
      externalId: r.external_id,
      title: r.title,
      previousLast: previousLast.get(key(r.channel, r.external_id)) ?? null,
    });
  }
  return out;
}

/**
 * Gives a fallback title to the conversations of `rows` still without one. Rare (the first
 * message of a forum topic whose name is unknown), so it is a statement of its own rather than
 * a condition in every upsert; the rows are locked by now.
 */
async function fillUntitled(sql: Sql, rows: Array<{ id: number; channel: string; external_id: string; title: string | null }>, inputs: ConversationInput[]): Promise<void> {
  const fallbacks = new Map(inputs.filter((c) => c.fallbackTitle !== null).map((c) => [key(c.channel, c.externalId), c.fallbackTitle as string]));
  const untitled = rows.filter((r) => r.title === null && fallbacks.has(key(r.channel, r.external_id)));
  if (untitled.length === 0) return;
  for (const r of untitled) r.title = fallbacks.get(key(r.channel, r.external_id)) as string;
  await sql.query(
    `UPDATE conversations c SET title = t.title FROM json_to_recordset($1::json) AS t(id bigint, title text) WHERE c.id = t.id AND c.title IS NULL`,
    [JSON.stringify(untitled.map((r) => ({ id: String(r.id), title: r.title })))],
  );
}

export function key(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
