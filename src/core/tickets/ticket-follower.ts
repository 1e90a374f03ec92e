import { Logger } from '@nestjs/common';
import { type TicketCommentPayload } from '../../plugins/sdk/payloads';
import { type Clock } from '../clock/clock';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type Rules } from '../config/rules.schema';
import { conversationRef } from '../outbox/payload-builder';
import { enqueueDeliveries } from '../outbox/outbox-writer';
import { type Database, type Sql } from '../persistence/database';
import { ticketDelivery } from './ticket-deliveries';
import { followedMessages } from './ticket-text';

/**
 * How often the follower looks for customer messages its open tickets do not have yet, at
 * least. Messages are gathered, not sent one by one: a chat that writes five lines in a minute
 * becomes one comment.
 */
export const FOLLOW_INTERVAL_MS = 30_000;
/** Links handled per pass, and messages per comment: a busy chat becomes a few comments, not hundreds. */
const LINKS_PER_PASS = 50;
const MESSAGES_PER_COMMENT = 20;

interface DueLink {
  id: string;
  target: string;
  last_message_id: string;
  channel: string;
  external_id: string;
  title: string | null;
  /** The oldest inquiry the ticket carries that still waits, for the payload's inquiry fields. */
  inquiry_id: string;
  policy: string | null;
  due_at: Date | null;
}

interface FollowedMessage {
  id: string;
  author_id: string;
  author_name: string | null;
  sent_at: Date;
  text: string;
}

/**
 * Copies what the customer writes after a ticket was made into that ticket, as comments: a
 * pass gathers each open ticket's new customer messages into one comment, so the helpdesk
 * sees the conversation without anyone pasting it. Links are taken with SKIP LOCKED and the
 * comment is keyed by the last message it carries, so replicas never copy a message twice.
 * Only tickets with a waiting inquiry are followed: an answered conversation is staff's again.
 */
export class TicketFollower {
  private readonly logger = new Logger('tickets');
  private readonly loop: WakeableLoop;
  private readonly intervalMs: number;

  /**
   * `pollInterval` is the outbox's: a hub told to look for other replicas' rows less often than
   * every 30 s (as tests on a virtual clock are, to skip idle passes) gathers messages at that
   * pace too.
   */
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rules: () => Rules,
    private readonly onEnqueued: (count: number) => void,
    pollInterval = FOLLOW_INTERVAL_MS,
  ) {
    this.intervalMs = Math.max(FOLLOW_INTERVAL_MS, pollInterval);
    this.loop = new WakeableLoop(clock, () => this.pass(), (error) => this.logger.error(`following tickets: ${String(error)}`), this.intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; resolves to how long to sleep. Public for tests that drive it. */
  async pass(): Promise<number> {
    const rules = this.rules();
    if (rules.tickets.targets.length === 0) return this.intervalMs;
    const written = await this.db.transaction(async (sql) => {
      const links = await dueLinks(sql);
      let count = 0;
      for (const link of links) count += await this.follow(sql, rules, link);
      return count;
    });
    if (written > 0) this.onEnqueued(written);
    return this.intervalMs;
  }

  private async follow(sql: Sql, rules: Rules, link: DueLink): Promise<number> {
    const rows = await sql.query<FollowedMessage>(
      `SELECT m.id, m.author_id, m.author_name, m.sent_at, m.text FROM messages m JOIN ticket_links l ON l.conversation_id = m.conversation_id
        WHERE l.id = $1 AND m.id > $2 AND m.author_role = 'customer' ORDER BY m.id LIMIT ${MESSAGES_PER_COMMENT + 1}`,
      [link.id, link.last_message_id],
    );
    const messages = rows.slice(0, MESSAGES_PER_COMMENT);
    const last = messages.at(-1);
    if (!last) return 0;
    await sql.query(`UPDATE ticket_links SET last_message_id = $2, updated_at = $3 WHERE id = $1`, [link.id, last.id, new Date(this.clock.now())]);
    const target = rules.tickets.targets.find((t) => t.name === link.target);
    // A target gone from the rules keeps its ticket as it is; the cursor still moves on.
    if (!target) return 0;
    const payload: TicketCommentPayload = {
      event: 'ticket.comment',
      inquiryId: link.inquiry_id,
      conversation: conversationRef({ channel: link.channel, externalId: link.external_id, title: link.title }),
      policy: link.policy,
      dueAt: link.due_at ? new Date(link.due_at).toISOString() : null,
      ticket: { ref: link.id, id: null, key: null, url: null },
      reason: 'message',
      text: followedMessages(
        messages.map((m) => ({ authorId: m.author_id, authorName: m.author_name, sentAt: new Date(m.sent_at), text: m.text })),
        rows.length > MESSAGES_PER_COMMENT,
      ),
    };
    return enqueueDeliveries(sql, [ticketDelivery(target, `ticket:${link.id}:messages:${last.id}`, payload, link.inquiry_id)], new Date(this.clock.now()));
  }
}

/** Open links with a waiting inquiry and a customer message newer than their cursor, locked for this pass. */
async function dueLinks(sql: Sql): Promise<DueLink[]> {
  return sql.query<DueLink>(
    `SELECT l.id, l.target, l.last_message_id, c.channel, c.external_id, c.title, w.id AS inquiry_id, w.policy, w.due_at
       FROM ticket_links l
       JOIN conversations c ON c.id = l.conversation_id
       JOIN LATERAL (SELECT i.id, i.policy, i.due_at FROM ticket_link_inquiries t JOIN inquiries i ON i.id = t.inquiry_id
                      WHERE t.link_id = l.id AND i.status IN ('open', 'on_hold') ORDER BY i.opened_at LIMIT 1) w ON true
      WHERE l.state = 'open'
        AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = l.conversation_id AND m.id > l.last_message_id AND m.author_role = 'customer')
      ORDER BY l.updated_at
      LIMIT ${LINKS_PER_PASS}
      FOR UPDATE OF l SKIP LOCKED`,
  );
}
