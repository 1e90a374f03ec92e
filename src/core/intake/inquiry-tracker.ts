import { type AcceptEffect } from '../../plugins/sdk/message';
import { type Sql } from '../persistence/database';

/** A message already stored, as the tracker needs it. */
export interface TrackedMessage {
  id: number;
  conversationId: number;
  authorId: string;
  authorName: string | null;
  sentAt: Date;
}

export type InquiryChangeType = 'opened' | 'answered' | 'extended' | 'answer_corrected';

/** One change to one inquiry; becomes an event-log row and, after commit, a domain event. */
export interface InquiryChange {
  type: InquiryChangeType;
  inquiryId: string;
  conversationId: number;
  actor: string;
  occurredAt: Date;
  reason?: string;
  data: Record<string, unknown>;
}

export interface TrackOutcome {
  effect: AcceptEffect;
  inquiryId: string | null;
  changes: InquiryChange[];
}

interface InquiryRow {
  id: string;
  status: 'open' | 'on_hold' | 'answered' | 'resolved';
  opened_at: Date;
  answered_at: Date | null;
  last_customer_message_at: Date;
  answer_message_id: number | null;
  responder_id: string | null;
  responder_name: string | null;
}

interface MessageRow {
  id: number;
  author_id: string;
  author_name: string | null;
  sent_at: Date;
}

const OPEN = `status IN ('open', 'on_hold')`;

/**
 * Keeps inquiries equal to what replaying the conversation in time order would give, however
 * the messages arrive: a customer message opens an inquiry when none is waiting; the first
 * staff message at or after it answers it (at equal times the customer is taken to be first).
 * Late and out-of-order messages therefore extend, split or re-answer inquiries instead of
 * opening duplicates or losing a wait. Callers hold the conversation's row lock.
 */
export class InquiryTracker {
  constructor(private readonly sql: Sql, private readonly now: Date) {}

  async customerMessage(message: TrackedMessage): Promise<TrackOutcome> {
    const t = message.sentAt;
    const covering = await this.latestOpenedAtOrBefore(message.conversationId, t);
    if (covering && (isOpen(covering) || (covering.answered_at !== null && t <= covering.answered_at))) {
      await this.sql.query(
        `UPDATE inquiries SET customer_message_count = customer_message_count + 1,
           last_customer_message_at = GREATEST(last_customer_message_at, $2), updated_at = $3
         WHERE id = $1`,
        [covering.id, t, this.now],
      );
      return { effect: 'updated', inquiryId: covering.id, changes: [] };
    }

    const next = await this.firstOpenedAfter(message.conversationId, t);
    const reply = await this.firstStaffAtOrAfter(message.conversationId, t);
    if (next && (!reply || reply.sent_at >= next.opened_at)) return this.extend(next, message);
    return this.open(message, reply);
  }

  async staffMessage(message: TrackedMessage): Promise<TrackOutcome> {
    const t = message.sentAt;
    const inquiry = await this.latestOpenedAtOrBefore(message.conversationId, t);
    if (!inquiry) return { effect: 'none', inquiryId: null, changes: [] };
    const earlierAnswer = inquiry.answered_at !== null && t < inquiry.answered_at;
    if (!isOpen(inquiry) && !earlierAnswer) return { effect: 'none', inquiryId: null, changes: [] };

    // Customer messages after this reply (up to the old end of the inquiry) were a new wait.
    const spillsOver = inquiry.last_customer_message_at > t;
    const changes = [await this.answer(inquiry, message, spillsOver)];
    if (spillsOver) changes.push(...(await this.splitAfter(inquiry, message)));
    return { effect: 'answered', inquiryId: inquiry.id, changes };
  }

  private async answer(inquiry: InquiryRow, reply: TrackedMessage, recount: boolean): Promise<InquiryChange> {
    const frt = reply.sentAt.getTime() - inquiry.opened_at.getTime();
    await this.sql.query(
      `UPDATE inquiries SET status = 'answered', answered_at = $2, answer_message_id = $3, responder_id = $4,
         responder_name = $5, first_response_ms = $6, updated_at = $7
       WHERE id = $1`,
      [inquiry.id, reply.sentAt, reply.id, reply.authorId, reply.authorName, frt, this.now],
    );
    if (recount) {
      const kept = await this.customerStats(reply.conversationId, inquiry.opened_at, reply.sentAt, true);
      await this.sql.query(`UPDATE inquiries SET customer_message_count = $2, last_customer_message_at = $3 WHERE id = $1`, [
        inquiry.id,
        kept.count,
        kept.last ?? inquiry.opened_at,
      ]);
    }
    const corrected = inquiry.answered_at !== null;
    return {
      type: corrected ? 'answer_corrected' : 'answered',
      inquiryId: inquiry.id,
      conversationId: reply.conversationId,
      actor: `staff:${reply.authorId}`,
      occurredAt: reply.sentAt,
      ...(corrected ? { reason: 'an earlier staff reply arrived late' } : {}),
      data: {
        messageId: reply.id,
        firstResponseMs: frt,
        ...(corrected ? { previousAnsweredAt: inquiry.answered_at?.toISOString() } : {}),
      },
    };
  }

  private async splitAfter(inquiry: InquiryRow, reply: TrackedMessage): Promise<InquiryChange[]> {
    const rest = await this.customerStats(reply.conversationId, reply.sentAt, inquiry.answered_at, false);
    if (rest.count === 0 || !rest.first) return [];
    const previousAnswer: MessageRow | undefined =
      inquiry.answer_message_id === null || inquiry.answered_at === null
        ? undefined
        : { id: inquiry.answer_message_id, author_id: inquiry.responder_id ?? '', author_name: inquiry.responder_name, sent_at: inquiry.answered_at };
    const opened = await this.insertInquiry(reply.conversationId, rest.first, previousAnswer, rest.count, rest.last ?? rest.first.sent_at);
    return opened.changes.map((c) => (c.type === 'opened' ? { ...c, reason: 'a late staff reply ended the previous inquiry earlier' } : c));
  }

  private async extend(next: InquiryRow, message: TrackedMessage): Promise<TrackOutcome> {
    const frt = next.answered_at === null ? null : next.answered_at.getTime() - message.sentAt.getTime();
    await this.sql.query(
      `UPDATE inquiries SET opened_at = $2, first_message_id = $3, customer_message_count = customer_message_count + 1,
         first_response_ms = $4, updated_at = $5
       WHERE id = $1`,
      [next.id, message.sentAt, message.id, frt, this.now],
    );
    const change: InquiryChange = {
      type: 'extended',
      inquiryId: next.id,
      conversationId: message.conversationId,
      actor: `customer:${message.authorId}`,
      occurredAt: message.sentAt,
      reason: 'an earlier customer message arrived late',
      data: { messageId: message.id, previousOpenedAt: next.opened_at.toISOString() },
    };
    return { effect: 'updated', inquiryId: next.id, changes: [change] };
  }

  private async open(message: TrackedMessage, reply: MessageRow | undefined): Promise<TrackOutcome> {
    const first = { id: message.id, sent_at: message.sentAt, author_id: message.authorId };
    const outcome = await this.insertInquiry(message.conversationId, first, reply, 1, message.sentAt);
    if (outcome.effect === 'updated') return this.customerMessageIntoExisting(outcome.inquiryId, message);
    return outcome;
  }

  /** Someone else opened an inquiry first (only possible without the conversation lock). */
  private async customerMessageIntoExisting(inquiryId: string | null, message: TrackedMessage): Promise<TrackOutcome> {
    await this.sql.query(
      `UPDATE inquiries SET customer_message_count = customer_message_count + 1,
         last_customer_message_at = GREATEST(last_customer_message_at, $2), updated_at = $3 WHERE id = $1`,
      [inquiryId, message.sentAt, this.now],
    );
    return { effect: 'updated', inquiryId, changes: [] };
  }

  private async insertInquiry(
    conversationId: number,
    first: { id: number; sent_at: Date; author_id: string },
    reply: MessageRow | undefined,
    count: number,
    lastCustomerAt: Date,
  ): Promise<TrackOutcome> {
    const frt = reply ? reply.sent_at.getTime() - first.sent_at.getTime() : null;
    const rows = await this.sql.query<{ id: string }>(
      `INSERT INTO inquiries (conversation_id, status, opened_at, first_message_id, last_customer_message_at,
         customer_message_count, answered_at, answer_message_id, responder_id, responder_name, first_response_ms,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       ON CONFLICT (conversation_id) WHERE ${OPEN} DO NOTHING
       RETURNING id`,
      [
        conversationId,
        reply ? 'answered' : 'open',
        first.sent_at,
        first.id,
        lastCustomerAt,
        count,
        reply?.sent_at ?? null,
        reply?.id ?? null,
        reply?.author_id ?? null,
        reply?.author_name ?? null,
        frt,
        this.now,
      ],
    );
    const inserted = rows[0];
    if (!inserted) {
      const [open] = await this.sql.query<{ id: string }>(`SELECT id FROM inquiries WHERE conversation_id = $1 AND ${OPEN} FOR UPDATE`, [conversationId]);
      return { effect: 'updated', inquiryId: open?.id ?? null, changes: [] };
    }
    const changes: InquiryChange[] = [
      {
        type: 'opened',
        inquiryId: inserted.id,
        conversationId,
        actor: `customer:${first.author_id}`,
        occurredAt: first.sent_at,
        data: { messageId: first.id },
      },
    ];
    if (reply) {
      changes.push({
        type: 'answered',
        inquiryId: inserted.id,
        conversationId,
        actor: `staff:${reply.author_id}`,
        occurredAt: reply.sent_at,
        reason: 'the reply had arrived before the customer message',
        data: { messageId: reply.id, firstResponseMs: frt },
      });
    }
    return { effect: 'opened', inquiryId: inserted.id, changes };
  }

  private async latestOpenedAtOrBefore(conversationId: number, t: Date): Promise<InquiryRow | undefined> {
    const [row] = await this.sql.query<InquiryRow>(
      `SELECT id, status, opened_at, answered_at, last_customer_message_at, answer_message_id, responder_id, responder_name FROM inquiries
       WHERE conversation_id = $1 AND opened_at <= $2 ORDER BY opened_at DESC LIMIT 1 FOR UPDATE`,
      [conversationId, t],
    );
    return row;
  }

  private async firstOpenedAfter(conversationId: number, t: Date): Promise<InquiryRow | undefined> {
    const [row] = await this.sql.query<InquiryRow>(
      `SELECT id, status, opened_at, answered_at, last_customer_message_at, answer_message_id, responder_id, responder_name FROM inquiries
       WHERE conversation_id = $1 AND opened_at > $2 ORDER BY opened_at ASC LIMIT 1 FOR UPDATE`,
      [conversationId, t],
    );
    return row;
  }

  private async firstStaffAtOrAfter(conversationId: number, t: Date): Promise<MessageRow | undefined> {
    const [row] = await this.sql.query<MessageRow>(
      `SELECT id, author_id, author_name, sent_at FROM messages
       WHERE conversation_id = $1 AND author_role = 'staff' AND sent_at >= $2 ORDER BY sent_at, id LIMIT 1`,
      [conversationId, t],
    );
    return row;
  }

  /** Customer messages in [from, to] (or (from, to] when `includeFrom` is false); no `to` = no upper bound. */
  private async customerStats(
    conversationId: number,
    from: Date,
    to: Date | null,
    includeFrom: boolean,
  ): Promise<{ count: number; first?: { id: number; sent_at: Date; author_id: string }; last: Date | null }> {
    const range = `conversation_id = $1 AND author_role = 'customer' AND sent_at ${includeFrom ? '>=' : '>'} $2
      AND ($3::timestamptz IS NULL OR sent_at <= $3)`;
    const [stats] = await this.sql.query<{ count: number; last: Date | null }>(
      `SELECT count(*)::int AS count, max(sent_at) AS last FROM messages WHERE ${range}`,
      [conversationId, from, to],
    );
    const [first] = await this.sql.query<{ id: number; sent_at: Date; author_id: string }>(
      `SELECT id, sent_at, author_id FROM messages WHERE ${range} ORDER BY sent_at, id LIMIT 1`,
      [conversationId, from, to],
    );
    return { count: Number(stats?.count ?? 0), ...(first ? { first } : {}), last: stats?.last ?? null };
  }
}

function isOpen(inquiry: InquiryRow): boolean {
  return inquiry.status === 'open' || inquiry.status === 'on_hold';
}
