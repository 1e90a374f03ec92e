import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ConnectorError } from '../../plugins/sdk/connector-error';
import { type DeliveryResult } from '../../plugins/sdk/delivery';
import { type TicketPayload } from '../../plugins/sdk/payloads';
import { type TicketLink } from '../../plugins/sdk/services';
import { CLOCK, type Clock } from '../clock/clock';
import { OUTBOX_ENQUEUED } from '../events/domain-events';
import { InquiryCommands } from '../inquiries/inquiry-commands';
import { conversationRef, inquiryAnswered, toDutyTargets } from '../outbox/payload-builder';
import { enqueueDeliveries } from '../outbox/outbox-writer';
import { DATABASE, type Database } from '../persistence/database';
import { RulesStore } from '../rules/rules-store';
import { applySla } from '../sla/apply-sla';

interface LinkRow {
  id: string;
  target: string;
  ticket_id: string;
  ticket_key: string | null;
  url: string | null;
  created_at: Date;
  channel: string;
  external_id: string;
  title: string | null;
  waiting: string[] | null;
}

const LINK_COLUMNS = `l.id, l.target, l.ticket_id, l.ticket_key, l.url, l.created_at, c.channel, c.external_id, c.title,
  (SELECT array_agg(t.inquiry_id::text ORDER BY i.opened_at) FROM ticket_link_inquiries t JOIN inquiries i ON i.id = t.inquiry_id
    WHERE t.link_id = l.id AND i.status IN ('open', 'on_hold')) AS waiting`;

/**
 * The hub's side of ticket links: it completes ticket payloads at delivery time (a comment
 * written before its ticket existed learns the ticket's id here), records what a create made,
 * and carries a helpdesk's solve or answer back to the inquiries a ticket holds.
 */
@Injectable()
export class TicketLinks {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesStore,
    private readonly commands: InquiryCommands,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * The payload with its ticket's id, key and link as known now. A ticket's deliveries leave in
   * order (one ordering key per ticket), so the create is delivered first; should it have been dead-lettered, nothing can
   * reach the ticket and the delivery fails for good, naming why.
   */
  async complete(payload: TicketPayload): Promise<TicketPayload> {
    if (payload.event === 'ticket.create') return payload;
    const [link] = await this.db.query<{ ticket_id: string | null; ticket_key: string | null; url: string | null; create_status: string | null }>(
      `SELECT l.ticket_id, l.ticket_key, l.url, (SELECT d.status FROM deliveries d WHERE d.idempotency_key = 'ticket:' || l.id || ':create') AS create_status
         FROM ticket_links l WHERE l.id = $1`,
      [payload.ticket.ref],
    );
    if (!link) throw new ConnectorError('INVALID_PAYLOAD', `ticket link ${payload.ticket.ref} does not exist`);
    if (link.ticket_id === null) {
      if (link.create_status === 'dead') throw new ConnectorError('INVALID_PAYLOAD', `the ticket was never created (its create is dead-lettered); replay it first`);
      throw new ConnectorError('TEMPORARY', 'the ticket is not created yet');
    }
    return { ...payload, ticket: { ref: payload.ticket.ref, id: link.ticket_id, key: link.ticket_key, url: link.url } };
  }

  /** A create was delivered: later comments and the back-sync reach the ticket by what it made. */
  async created(payload: TicketPayload, result: DeliveryResult): Promise<void> {
    if (payload.event !== 'ticket.create') return;
    const id = result.ticket?.id ?? result.externalId ?? payload.ticket.ref;
    await this.db.query(
      `UPDATE ticket_links SET ticket_id = $2, ticket_key = $3, url = $4, state = CASE WHEN state = 'pending' THEN 'open' ELSE state END, updated_at = $5 WHERE id = $1`,
      [payload.ticket.ref, id, result.ticket?.key ?? null, result.ticket?.url ?? null, new Date(this.clock.now())],
    );
  }

  async open(connector: string, limit: number): Promise<TicketLink[]> {
    const rows = await this.db.query<LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM ticket_links l JOIN conversations c ON c.id = l.conversation_id
        WHERE l.connector = $1 AND l.state = 'open' ORDER BY l.checked_at NULLS FIRST, l.created_at LIMIT $2`,
      [connector, limit],
    );
    return rows.map(toLink);
  }

  async find(connector: string, ticketId: string): Promise<TicketLink | undefined> {
    const [row] = await this.db.query<LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM ticket_links l JOIN conversations c ON c.id = l.conversation_id
        WHERE l.connector = $1 AND l.ticket_id = $2 AND l.state = 'open' ORDER BY l.created_at DESC LIMIT 1`,
      [connector, ticketId],
    );
    return row ? toLink(row) : undefined;
  }

  async checked(connector: string, ref: string): Promise<void> {
    await this.db.query(`UPDATE ticket_links SET checked_at = $3 WHERE id = $1 AND connector = $2`, [ref, connector, new Date(this.clock.now())]);
  }

  /**
   * Solved or closed in the helpdesk. The link closes first, so resolving its inquiries does
   * not send the ticket a resolve of its own.
   */
  async closed(connector: string, ref: string, input: { by: string; reason?: string }): Promise<number> {
    const now = new Date(this.clock.now());
    const closed = await this.db.transaction(async (sql) => {
      const rows = await sql.query<{ target: string; waiting: string[] | null }>(
        `UPDATE ticket_links l SET state = 'closed', closed_at = $3, updated_at = $3 WHERE l.id = $1 AND l.connector = $2 AND l.state <> 'closed'
         RETURNING l.target, (SELECT array_agg(t.inquiry_id::text) FROM ticket_link_inquiries t JOIN inquiries i ON i.id = t.inquiry_id
           WHERE t.link_id = l.id AND i.status IN ('open', 'on_hold')) AS waiting`,
        [ref, connector, now],
      );
      return rows[0];
    });
    if (!closed) return 0;
    let resolved = 0;
    for (const inquiryId of closed.waiting ?? []) {
      const outcome = await this.commands.run('resolve', inquiryId, { by: input.by, reason: input.reason ?? `the ticket was closed in ${closed.target}` });
      if (outcome.ok) resolved += 1;
    }
    return resolved;
  }

  /**
   * An agent's public answer in the helpdesk. It counts only where the ticket target says so,
   * and only for inquiries that opened before it; it answers them as a reply in the chat would.
   */
  async answered(connector: string, ref: string, input: { by: string; at: Date }): Promise<number> {
    const { rules, sla } = this.rules.current;
    const now = new Date(this.clock.now());
    const answered = await this.db.transaction(async (sql) => {
      const [link] = await sql.query<{ target: string; conversation_id: string }>(
        `SELECT target, conversation_id::text FROM ticket_links WHERE id = $1 AND connector = $2 AND state = 'open'`,
        [ref, connector],
      );
      if (!link || !rules.tickets.targets.find((t) => t.name === link.target)?.agentRepliesAnswer) return { rows: [], enqueued: 0 };
      await sql.query(`SELECT id FROM conversations WHERE id = $1 FOR UPDATE`, [link.conversation_id]);
      const rows = await sql.query<{ id: string; first_response_ms: string; channel: string; external_id: string; title: string | null; policy: string | null; due_at: Date | null }>(
        `UPDATE inquiries i SET status = 'answered', answered_at = $2, responder_id = $3, responder_name = $3, held_at = NULL,
           first_response_ms = GREATEST(0, (extract(epoch FROM ($2::timestamptz - i.opened_at)) * 1000)::bigint), next_attention_at = NULL, updated_at = $4
          FROM conversations c
         WHERE c.id = i.conversation_id AND i.status IN ('open', 'on_hold') AND i.opened_at <= $2
           AND i.id IN (SELECT inquiry_id FROM ticket_link_inquiries WHERE link_id = $1)
         RETURNING i.id, i.first_response_ms, c.channel, c.external_id, c.title, i.policy, i.due_at`,
        [ref, input.at, input.by, now],
      );
      if (rows.length === 0) return { rows, enqueued: 0 };
      await applySla(sql, rows.map((r) => r.id), sla);
      const deliveries = rows.flatMap((row) => {
        const event = { inquiryId: row.id, policy: row.policy, dueAt: row.due_at ? new Date(row.due_at).toISOString() : null };
        const payload = inquiryAnswered({ ...event, at: input.at.toISOString(), actor: input.by, firstResponseMs: Number(row.first_response_ms), conversation: conversationRef({ channel: row.channel, externalId: row.external_id, title: row.title }) });
        return toDutyTargets(rules, rules.notify.inquiryAnswered, { key: (target) => `inquiry:${row.id}:answered:${target}`, payload, inquiryId: row.id });
      });
      for (const row of rows) {
        await sql.query(
          `INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data) VALUES ($1, 'answered', $2, $3, $4, $5, $6)`,
          [row.id, input.by, `answered in ${link.target}`, input.at, now, JSON.stringify({ ticket: ref, firstResponseMs: Number(row.first_response_ms) })],
        );
      }
      return { rows, enqueued: await enqueueDeliveries(sql, deliveries, now) };
    });
    if (answered.enqueued > 0) this.events.emit(OUTBOX_ENQUEUED, answered.enqueued);
    return answered.rows.length;
  }
}

function toLink(row: LinkRow): TicketLink {
  return {
    ref: row.id,
    target: row.target,
    id: row.ticket_id,
    key: row.ticket_key,
    url: row.url,
    conversation: conversationRef({ channel: row.channel, externalId: row.external_id, title: row.title }),
    createdAt: new Date(row.created_at).toISOString(),
    waiting: row.waiting ?? [],
  };
}
