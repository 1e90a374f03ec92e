import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '../persistence/database';
import { type ConversationKey } from './conversation-tags';

export interface QueueFilter {
  channel?: string;
  policy?: string;
  /** Conversations carrying the tag (see ConversationTags.withTag); absent: no tag filter. */
  tagged?: { pairs: ConversationKey[]; anyChannel: string[]; except: ConversationKey[] };
}

export interface QueueRow {
  id: string;
  status: 'open' | 'on_hold';
  channel: string;
  externalId: string;
  title: string | null;
  openedAt: number;
  heldAt: number | null;
  policy: string | null;
  dueAt: number | null;
  nextAttentionAt: number | null;
  nextMark: number;
  breached: boolean;
  customerMessages: number;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Where the next page starts; null on the last page. */
  next: string | null;
}

interface Raw {
  id: string;
  status: 'open' | 'on_hold';
  channel: string;
  external_id: string;
  title: string | null;
  opened_at: Date;
  held_at: Date | null;
  policy: string | null;
  due_at: Date | null;
  next_attention_at: Date | null;
  next_mark: number;
  breached: boolean | null;
  customer_message_count: number;
}

/**
 * The order of urgency: waiting before held (a held clock does not run), then the nearest
 * deadline (a missed one is nearest of all), then the oldest. The same expression is the
 * keyset of the pages, so a page never repeats or skips a row that did not move.
 */
const ORDER_KEY = `(i.status = 'on_hold'), COALESCE(i.due_at, 'infinity'::timestamptz), i.opened_at, i.id`;

const FILTER = `i.status IN ('open', 'on_hold')
  AND ($1::text IS NULL OR c.channel = $1)
  AND ($2::text IS NULL OR i.policy = $2)
  AND ($3::json IS NULL OR (
    EXISTS (SELECT 1 FROM json_to_recordset($3::json -> 'pairs') AS t(channel text, id text) WHERE t.channel = c.channel AND t.id = c.external_id)
    OR (c.external_id IN (SELECT json_array_elements_text($3::json -> 'anyChannel'))
        AND NOT EXISTS (SELECT 1 FROM json_to_recordset($3::json -> 'except') AS x(channel text, id text) WHERE x.channel = c.channel AND x.id = c.external_id))))`;

/** The queue's reads: one page of waiting inquiries, the totals, the channels to filter by. */
@Injectable()
export class QueueQuery {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async page(filter: QueueFilter, after: string | undefined, limit: number): Promise<QueuePage> {
    const cursor = after === undefined ? undefined : decodeCursor(after);
    const rows = await this.db.query<Raw>(
      `SELECT i.id, i.status, c.channel, c.external_id, c.title, i.opened_at, i.held_at, i.policy, i.due_at, i.next_attention_at,
         i.next_mark, i.breached, i.customer_message_count
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
       WHERE ${FILTER}
         AND ($4::boolean IS NULL OR (${ORDER_KEY}) > ($4::boolean, $5::timestamptz, $6::timestamptz, $7::uuid))
       ORDER BY ${ORDER_KEY}
       LIMIT $8`,
      [...filterParams(filter), cursor?.held ?? null, cursor?.due ?? null, cursor?.opened ?? null, cursor?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map(toRow);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async totals(filter: QueueFilter): Promise<{ open: number; held: number }> {
    const [row] = await this.db.query<{ open: number | string; held: number | string }>(
      `SELECT count(*) FILTER (WHERE i.status = 'open') AS open, count(*) FILTER (WHERE i.status = 'on_hold') AS held
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE ${FILTER}`,
      filterParams(filter),
    );
    // PGlite returns bigint counts as numbers, node-pg as strings.
    return { open: Number(row?.open ?? 0), held: Number(row?.held ?? 0) };
  }

  /** Channels with waiting inquiries: bounded by the queue, not by every conversation ever seen. */
  async channels(): Promise<string[]> {
    const rows = await this.db.query<{ channel: string }>(
      `SELECT DISTINCT c.channel FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE i.status IN ('open', 'on_hold') ORDER BY c.channel`,
    );
    return rows.map((r) => r.channel);
  }

  /**
   * The newest inquiry event's id: every open, answer, hold, resume, resolve, escalation and
   * fired mark appends one, on any replica. An index lookup, cheap to poll.
   */
  async changeMark(): Promise<string> {
    const [row] = await this.db.query<{ id: string | number | null }>(`SELECT max(id) AS id FROM inquiry_events`);
    return String(row?.id ?? 0);
  }
}

function filterParams(filter: QueueFilter): unknown[] {
  return [filter.channel ?? null, filter.policy ?? null, filter.tagged ? JSON.stringify(filter.tagged) : null];
}

function toRow(r: Raw): QueueRow {
  const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    externalId: r.external_id,
    title: r.title,
    openedAt: new Date(r.opened_at).getTime(),
    heldAt: ms(r.held_at),
    policy: r.policy,
    dueAt: ms(r.due_at),
    nextAttentionAt: ms(r.next_attention_at),
    nextMark: r.next_mark,
    breached: r.breached === true,
    customerMessages: r.customer_message_count,
  };
}

interface Cursor {
  held: boolean;
  due: string;
  opened: string;
  id: string;
}

export function encodeCursor(row: Pick<QueueRow, 'status' | 'dueAt' | 'openedAt' | 'id'>): string {
  const cursor: Cursor = { held: row.status === 'on_hold', due: row.dueAt === null ? 'infinity' : new Date(row.dueAt).toISOString(), opened: new Date(row.openedAt).toISOString(), id: row.id };
  return Buffer.from(JSON.stringify([cursor.held, cursor.due, cursor.opened, cursor.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A cursor from a URL: anything not exactly what encodeCursor wrote is refused (undefined → first page). */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 4) return undefined;
    const [held, due, opened, id] = value as unknown[];
    if (typeof held !== 'boolean' || typeof due !== 'string' || typeof opened !== 'string' || typeof id !== 'string') return undefined;
    if ((due !== 'infinity' && !INSTANT.test(due)) || !INSTANT.test(opened) || !UUID.test(id)) return undefined;
    return { held, due, opened, id };
  } catch {
    return undefined;
  }
}
