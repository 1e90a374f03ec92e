import { randomUUID } from 'node:crypto';
import { httpLink } from '../../plugins/sdk/links';
import { type ConversationRef, type TicketMention, type TicketCommentPayload, type TicketCreatePayload, type TicketResolvePayload } from '../../plugins/sdk/payloads';
import { type Rules } from '../config/rules.schema';
import { type TicketTarget } from '../config/ticket-target.schema';
import { type NewDelivery } from '../outbox/outbox-writer';
import { type Sql } from '../persistence/database';
import { emailOf, newInquiryComment, ticketDescription, ticketSummary, type OpeningFacts } from './ticket-text';

/** The inquiry a policy point asks a ticket for, as the scheduler holds it. */
export interface TicketSubject {
  inquiryId: string;
  conversation: ConversationRef;
  policy: string;
  dueAt: string;
}

/** The point that asked: its key part (`mark:2`), its level or `escalation`, and its text. */
export interface TicketTrigger {
  key: string;
  level: string;
  text: string;
}

type Customer = { tier?: string; tags: string[] };

/** The conversation's tier and tags under `customers:`; a channel-specific entry wins, as for policies. */
function customerOf(rules: Rules, conversation: ConversationRef): Customer | undefined {
  const entries = rules.customers.filter((c) => c.conversations.includes(conversation.id));
  const entry = entries.findLast((c) => c.channel === conversation.channel) ?? entries.findLast((c) => c.channel === undefined);
  return entry ? { ...(entry.tier ? { tier: entry.tier } : {}), tags: entry.tags } : undefined;
}

interface LinkRow {
  id: string;
  created_at: Date;
  last_message_id: string;
}

/**
 * The ticket deliveries for `createTicket` actions, inside the caller's transaction. Per
 * target, the conversation's open ticket gets a comment (and carries the inquiry); without
 * one, or once it is older than the target's `reuseOpenFor`, a new link is written and its
 * ticket created. The one-open-link index makes a concurrent second create impossible.
 */
export async function ticketDeliveries(sql: Sql, rules: Rules, targetNames: readonly string[], subject: TicketSubject, trigger: TicketTrigger, now: Date): Promise<NewDelivery[]> {
  const targets = [...new Set(targetNames)].flatMap((name) => rules.tickets.targets.filter((t) => t.name === name));
  if (targets.length === 0) return [];
  const opening = await openingOf(sql, subject.inquiryId);
  const conversationId = await conversationIdOf(sql, subject.inquiryId);
  const customer = customerOf(rules, subject.conversation);
  const out: NewDelivery[] = [];
  for (const target of targets) {
    const open = await openLink(sql, conversationId, target, now);
    const base = { inquiryId: subject.inquiryId, conversation: subject.conversation, policy: subject.policy, dueAt: subject.dueAt };
    if (open) {
      const joined = await carry(sql, open.id, subject.inquiryId);
      // The comment quotes the new inquiry's message: the follower must not copy it again.
      if (joined) await sql.query(`UPDATE ticket_links SET last_message_id = GREATEST(last_message_id, $2) WHERE id = $1`, [open.id, opening.messageId]);
      const payload: TicketCommentPayload = {
        event: 'ticket.comment',
        ...base,
        ticket: { ref: open.id, id: null, key: null, url: null },
        reason: joined ? 'inquiry.opened' : trigger.level,
        // The customer's words reach the ticket once: the follower may have copied them already.
        text: joined ? newInquiryComment({ conversation: subject.conversation, opening, raisedBy: trigger.text, copied: opening.messageId <= Number(open.last_message_id) }) : trigger.text,
      };
      out.push(ticketDelivery(target, `ticket:${open.id}:${subject.inquiryId}:${trigger.key}`, payload, subject.inquiryId));
      continue;
    }
    const ref = randomUUID();
    await sql.query(
      `INSERT INTO ticket_links (id, conversation_id, target, connector, state, created_at, updated_at, last_message_id)
       VALUES ($1, $2, $3, $4, 'pending', $5, $5, (SELECT COALESCE(max(m.id), 0) FROM messages m WHERE m.conversation_id = $2))`,
      [ref, conversationId, target.name, target.connector, now],
    );
    await carry(sql, ref, subject.inquiryId);
    const payload: TicketCreatePayload = {
      event: 'ticket.create',
      ...base,
      text: ticketSummary(subject.conversation, opening),
      ticket: { ref, id: null, key: null, url: null },
      summary: ticketSummary(subject.conversation, opening),
      description: ticketDescription({ conversation: subject.conversation, opening, policy: subject.policy, dueAt: subject.dueAt, raisedBy: trigger.text }),
      priority: priorityOf(target, subject, customer, trigger.level),
      tags: [...new Set([...target.tags, ...(customer?.tags ?? [])])],
      fields: { ...target.fields },
      requester: { name: opening.authorName, id: opening.authorId, email: emailOf(opening.authorId) },
      reason: trigger.level,
    };
    out.push(ticketDelivery(target, `ticket:${ref}:create`, payload, subject.inquiryId));
  }
  return out;
}

/** The tickets the inquiry is already linked to (created, not only asked for), for its notifications. */
export async function ticketMentions(sql: Sql, inquiryId: string): Promise<TicketMention[]> {
  const rows = await sql.query<{ target: string; key: string; url: string | null }>(
    `SELECT l.target, COALESCE(l.ticket_key, l.ticket_id) AS key, l.url FROM ticket_link_inquiries t JOIN ticket_links l ON l.id = t.link_id
      WHERE t.inquiry_id = $1 AND l.ticket_id IS NOT NULL ORDER BY l.created_at, l.target`,
    [inquiryId],
  );
  return rows.map((r) => ({ target: r.target, key: r.key, url: httpLink(r.url) ?? null }));
}

/**
 * When an inquiry is resolved in Replywatch and no other inquiry its ticket carries still
 * waits, the ticket is closed the target's way. A link closed by the helpdesk itself is
 * already closed here, so a solve there is never echoed back.
 */
export async function ticketResolveDeliveries(sql: Sql, rules: Rules, inquiry: { id: string; conversation: ConversationRef; policy: string | null }, by: string, now: Date): Promise<NewDelivery[]> {
  const links = await sql.query<{ id: string; target: string; ticket_id: string | null; ticket_key: string | null; url: string | null }>(
    `UPDATE ticket_links l SET state = 'closed', closed_at = $2, updated_at = $2
      WHERE l.state <> 'closed'
        AND l.id IN (SELECT link_id FROM ticket_link_inquiries WHERE inquiry_id = $1)
        AND NOT EXISTS (
          SELECT 1 FROM ticket_link_inquiries o JOIN inquiries i ON i.id = o.inquiry_id
           WHERE o.link_id = l.id AND o.inquiry_id <> $1 AND i.status IN ('open', 'on_hold'))
      RETURNING l.id, l.target, l.ticket_id, l.ticket_key, l.url`,
    [inquiry.id, now],
  );
  return links.flatMap((link) => {
    const target = rules.tickets.targets.find((t) => t.name === link.target);
    // A target removed from the rules keeps its ticket; nobody is left to close it through.
    if (!target) return [];
    const payload: TicketResolvePayload = {
      event: 'ticket.resolve',
      inquiryId: inquiry.id,
      conversation: inquiry.conversation,
      policy: inquiry.policy,
      text: `Resolved in Replywatch by ${by}`,
      ticket: { ref: link.id, id: link.ticket_id, key: link.ticket_key, url: link.url },
      by,
    };
    return [ticketDelivery(target, `ticket:${link.id}:resolve`, payload, inquiry.id)];
  });
}

/**
 * A ticket delivery. Its order is the ticket's own: the create, then its comments and resolve,
 * one at a time; tickets of other conversations go side by side, so one slow or stuck create
 * holds back nothing else.
 */
export function ticketDelivery(target: TicketTarget, key: string, payload: TicketCreatePayload | TicketCommentPayload | TicketResolvePayload, inquiryId: string): NewDelivery {
  return {
    idempotencyKey: key,
    connector: target.connector,
    kind: 'ticket',
    target: { name: target.name, ...target.to },
    payload: payload as unknown as Record<string, unknown>,
    inquiryId,
    orderingKey: `ticket/${payload.ticket.ref}`,
  };
}

function priorityOf(target: TicketTarget, subject: TicketSubject, customer: Customer | undefined, level: string): string | null {
  const { priority } = target;
  const tier = customer?.tier;
  return (tier === undefined ? undefined : priority.tiers[tier]) ?? priority.policies[subject.policy] ?? priority.levels[level] ?? priority.default ?? null;
}

/** The conversation's open link for the target, unless it is too old to reuse (then it is let go). */
async function openLink(sql: Sql, conversationId: string, target: TicketTarget, now: Date): Promise<LinkRow | undefined> {
  const [link] = await sql.query<LinkRow>(
    `SELECT id, created_at, last_message_id FROM ticket_links WHERE conversation_id = $1 AND target = $2 AND state <> 'closed' FOR UPDATE`,
    [conversationId, target.name],
  );
  if (!link) return undefined;
  if (now.getTime() - new Date(link.created_at).getTime() < target.reuseOpenFor) return link;
  // Past the window the old ticket stays as it is in the helpdesk; new inquiries get a new one.
  await sql.query(`UPDATE ticket_links SET state = 'closed', closed_at = $2, updated_at = $2 WHERE id = $1`, [link.id, now]);
  return undefined;
}

/** Adds the inquiry to the link; true when it was not carried before (a new inquiry joins). */
async function carry(sql: Sql, linkId: string, inquiryId: string): Promise<boolean> {
  const rows = await sql.query(`INSERT INTO ticket_link_inquiries (link_id, inquiry_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING link_id`, [linkId, inquiryId]);
  return rows.length > 0;
}

async function openingOf(sql: Sql, inquiryId: string): Promise<OpeningFacts> {
  const [row] = await sql.query<{ id: string; text: string; author_id: string; author_name: string | null; sent_at: Date }>(
    `SELECT m.id, m.text, m.author_id, m.author_name, m.sent_at FROM inquiries i JOIN messages m ON m.id = i.first_message_id WHERE i.id = $1`,
    [inquiryId],
  );
  if (!row) throw new Error(`inquiry ${inquiryId} has no opening message`);
  return { messageId: Number(row.id), text: row.text, authorId: row.author_id, authorName: row.author_name, sentAt: new Date(row.sent_at) };
}

async function conversationIdOf(sql: Sql, inquiryId: string): Promise<string> {
  const [row] = await sql.query<{ conversation_id: string }>(`SELECT conversation_id::text FROM inquiries WHERE id = $1`, [inquiryId]);
  if (!row) throw new Error(`no inquiry ${inquiryId}`);
  return row.conversation_id;
}
