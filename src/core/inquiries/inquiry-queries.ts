import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '../persistence/database';
import { type InquiryStatus } from '../persistence/statuses';

export interface InquiryView {
  id: string;
  status: InquiryStatus;
  conversation: { channel: string; id: string; title: string | null };
  openedAt: string;
  answeredAt: string | null;
  firstResponseMs: number | null;
  responder: { id: string; name: string | null } | null;
  customerMessages: number;
  lastCustomerMessageAt: string;
  sla: { policy: string; dueAt: string | null; firstResponseBusinessMs: number | null; breached: boolean | null } | null;
  /** Helpdesk tickets the inquiry is linked to, oldest first (`pending` until the create is delivered). */
  tickets: InquiryTicketView[];
}

export interface InquiryTicketView {
  target: string;
  state: 'pending' | 'open' | 'closed';
  id: string | null;
  key: string | null;
  url: string | null;
}

export interface InquiryEventView {
  type: string;
  actor: string;
  reason: string | null;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

interface Row {
  id: string;
  status: InquiryStatus;
  channel: string;
  external_id: string;
  title: string | null;
  opened_at: Date;
  answered_at: Date | null;
  first_response_ms: number | null;
  responder_id: string | null;
  responder_name: string | null;
  customer_message_count: number;
  last_customer_message_at: Date;
  policy: string | null;
  due_at: Date | null;
  frt_business_ms: number | null;
  breached: boolean | null;
  tickets: InquiryTicketView[] | null;
}

const SELECT = `SELECT i.id, i.status, c.channel, c.external_id, c.title, i.opened_at, i.answered_at, i.first_response_ms,
  i.responder_id, i.responder_name, i.customer_message_count, i.last_customer_message_at, i.policy, i.due_at, i.frt_business_ms, i.breached,
  (SELECT json_agg(json_build_object('target', l.target, 'state', l.state, 'id', l.ticket_id, 'key', l.ticket_key, 'url', l.url) ORDER BY l.created_at, l.target)
     FROM ticket_link_inquiries t JOIN ticket_links l ON l.id = t.link_id WHERE t.inquiry_id = i.id) AS tickets
  FROM inquiries i JOIN conversations c ON c.id = i.conversation_id`;

/** The external id and the link (null where its channel has none) of the message that opened each inquiry. */
export async function openingMessages(db: Database, inquiryIds: readonly string[]): Promise<Map<string, { externalId: string; link: string | null }>> {
  if (inquiryIds.length === 0) return new Map();
  const rows = await db.query<{ id: string; external_id: string; link: string | null }>(
    `SELECT i.id, m.external_id, m.link FROM inquiries i JOIN messages m ON m.id = i.first_message_id WHERE i.id = ANY($1::uuid[])`,
    [inquiryIds],
  );
  return new Map(rows.map((r) => [r.id, { externalId: r.external_id, link: r.link }]));
}

/** Read-side of inquiries for the admin API and the CLI. */
@Injectable()
export class InquiryQueries {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Newest first; `before` is the openedAt of the last item of the previous page; `conversation` is the id in its channel. */
  async list(filter: { status?: InquiryStatus; channel?: string; conversation?: string; before?: Date; limit: number }): Promise<InquiryView[]> {
    const rows = await this.db.query<Row>(
      `${SELECT}
       WHERE ($1::text IS NULL OR i.status = $1) AND ($2::text IS NULL OR c.channel = $2) AND ($3::timestamptz IS NULL OR i.opened_at < $3)
         AND ($5::text IS NULL OR c.external_id = $5)
       ORDER BY i.opened_at DESC, i.id LIMIT $4`,
      [filter.status ?? null, filter.channel ?? null, filter.before ?? null, filter.limit, filter.conversation ?? null],
    );
    return rows.map(toView);
  }

  /** Inquiries still waiting for staff, the nearest deadline first (held and undated last). */
  async waiting(filter: { channel?: string; limit: number }): Promise<InquiryView[]> {
    const rows = await this.db.query<Row>(
      `${SELECT}
       WHERE i.status IN ('open', 'on_hold') AND ($1::text IS NULL OR c.channel = $1)
       ORDER BY (i.status = 'on_hold'), i.due_at NULLS LAST, i.opened_at LIMIT $2`,
      [filter.channel ?? null, filter.limit],
    );
    return rows.map(toView);
  }

  /** Counts for the metrics scrape; uses the partial index of waiting inquiries. */
  waitingByPolicy(): Promise<Array<{ policy: string; status: string; count: number }>> {
    return this.db.query(
      `SELECT COALESCE(policy, 'none') AS policy, status, count(*)::int AS count FROM inquiries WHERE status IN ('open', 'on_hold') GROUP BY 1, 2`,
    );
  }

  async get(id: string): Promise<(InquiryView & { events: InquiryEventView[] }) | undefined> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE i.id = $1`, [id]);
    if (!row) return undefined;
    const events = await this.db.query<{ type: string; actor: string; reason: string | null; occurred_at: Date; recorded_at: Date; data: Record<string, unknown> }>(
      `SELECT type, actor, reason, occurred_at, recorded_at, data FROM inquiry_events WHERE inquiry_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...toView(row),
      events: events.map((e) => ({
        type: e.type,
        actor: e.actor,
        reason: e.reason,
        occurredAt: e.occurred_at.toISOString(),
        recordedAt: e.recorded_at.toISOString(),
        data: e.data,
      })),
    };
  }
}

function toView(r: Row): InquiryView {
  return {
    id: r.id,
    status: r.status,
    conversation: { channel: r.channel, id: r.external_id, title: r.title },
    openedAt: r.opened_at.toISOString(),
    answeredAt: r.answered_at?.toISOString() ?? null,
    firstResponseMs: r.first_response_ms === null ? null : Number(r.first_response_ms),
    responder: r.responder_id === null ? null : { id: r.responder_id, name: r.responder_name },
    customerMessages: r.customer_message_count,
    lastCustomerMessageAt: r.last_customer_message_at.toISOString(),
    sla:
      r.policy === null
        ? null
        : {
            policy: r.policy,
            dueAt: r.due_at?.toISOString() ?? null,
            firstResponseBusinessMs: r.frt_business_ms === null ? null : Number(r.frt_business_ms),
            breached: r.breached,
          },
    tickets: r.tickets ?? [],
  };
}
