import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock';
import { type InquiryEventView, InquiryQueries, type InquiryView, openingMessages } from '../inquiries/inquiry-queries';
import { OutboxStore, type DeliveryRow } from '../outbox/outbox-store';
import { DATABASE, type Database } from '../persistence/database';
import { RulesStore } from '../rules/rules-store';

/** Messages shown at most: an inquiry is one question and its answer, rarely more than a few. */
export const MESSAGE_LIMIT = 200;
/** Deliveries shown at most (marks, escalations, tickets: a handful each). */
const DELIVERY_LIMIT = 100;

export interface InquiryMessage {
  sentAt: number;
  author: string;
  role: string;
  text: string;
  link: string | null;
}

export interface InquiryDetail {
  inquiry: InquiryView;
  events: InquiryEventView[];
  /** Where a person opens the conversation: the opening message's link, if its channel has one. */
  link: string | null;
  messages: InquiryMessage[];
  /** More messages than MESSAGE_LIMIT: the page shows the first ones. */
  messagesCut: boolean;
  deliveries: DeliveryRow[];
  /**
   * Business time it has waited for its first response, holds left out: final once answered,
   * counting while it waits, null without a policy (or a calendar the runbook no longer has).
   */
  businessWaitedMs: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One inquiry for its console page: the admin API's view and events, its messages and deliveries. */
@Injectable()
export class InquiryDetails {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly inquiries: InquiryQueries,
    private readonly outbox: OutboxStore,
    private readonly rules: RulesStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Undefined for an unknown or malformed id (a 404, never a database error). */
  async get(id: string): Promise<InquiryDetail | undefined> {
    if (!UUID.test(id)) return undefined;
    const found = await this.inquiries.get(id);
    if (!found) return undefined;
    const { events, ...inquiry } = found;
    const [opening, messages, deliveries, waited] = await Promise.all([
      openingMessages(this.db, [id]),
      this.messages(id),
      this.outbox.list({ inquiryId: id, limit: DELIVERY_LIMIT }),
      inquiry.sla?.firstResponseBusinessMs ?? this.businessWaitedSoFar(id),
    ]);
    return { inquiry, events, link: opening.get(id)?.link ?? null, messages: messages.slice(0, MESSAGE_LIMIT), messagesCut: messages.length > MESSAGE_LIMIT, deliveries, businessWaitedMs: waited };
  }

  /** A waiting inquiry's business time so far, as apply-sla counts it: opened until now (or the hold), less earlier holds. */
  private async businessWaitedSoFar(id: string): Promise<number | null> {
    const [row] = await this.db.query<{ status: string; opened_at: Date; held_at: Date | null; paused_business_ms: number | string | null; calendar: string | null }>(
      `SELECT status, opened_at, held_at, paused_business_ms, calendar FROM inquiries WHERE id = $1`,
      [id],
    );
    if (!row || row.calendar === null || (row.status !== 'open' && row.status !== 'on_hold')) return null;
    const { rules, sla } = this.rules.current;
    if (!(row.calendar in rules.calendars)) return null;
    const calendar = sla.calendar(row.calendar);
    const until = row.status === 'on_hold' && row.held_at !== null ? new Date(row.held_at).getTime() : this.clock.now();
    return Math.max(0, calendar.businessBetween(new Date(row.opened_at).getTime(), until) - Number(row.paused_business_ms ?? 0));
  }

  /**
   * The conversation's messages from the one that opened the inquiry up to the answer (or
   * everything since, while it waits): later inquiries of the conversation only open after one.
   */
  private async messages(id: string): Promise<InquiryMessage[]> {
    const rows = await this.db.query<{ sent_at: Date; author_id: string; author_name: string | null; author_role: string; text: string; link: string | null }>(
      `SELECT m.sent_at, m.author_id, m.author_name, m.author_role, m.text, m.link
         FROM inquiries i
         JOIN messages f ON f.id = i.first_message_id
         LEFT JOIN messages a ON a.id = i.answer_message_id
         JOIN messages m ON m.conversation_id = i.conversation_id
        WHERE i.id = $1 AND m.sent_at >= f.sent_at AND (a.id IS NULL OR m.sent_at <= a.sent_at)
        ORDER BY m.sent_at, m.id
        LIMIT $2`,
      [id, MESSAGE_LIMIT + 1],
    );
    return rows.map((r) => ({ sentAt: new Date(r.sent_at).getTime(), author: r.author_name ?? r.author_id, role: r.author_role, text: r.text, link: r.link }));
  }
}
