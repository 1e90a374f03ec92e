import { type ConversationRef, type DeliveryPayload, httpLink } from 'replywatch/sdk';

/** The event types a receiver sees; the SLA deadline is `sla.breached` on the wire. */
export const WEBHOOK_EVENT_TYPES = [
  'inquiry.opened',
  'inquiry.answered',
  'inquiry.resolved',
  'sla.mark',
  'sla.breached',
  'inquiry.escalated',
  'sla.digest',
  'report.digest',
  'report.export',
  'operator.notice',
  // A receiver may be a helpdesk of its own: it gets the ticket events of a ticket target.
  'ticket.create',
  'ticket.comment',
  'ticket.resolve',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Bumped only for a change a receiver has to adapt to; new optional fields keep it. */
export const ENVELOPE_VERSION = 1;

export interface WebhookEnvelope {
  type: WebhookEventType;
  version: typeof ENVELOPE_VERSION;
  /** When the event happened (ISO 8601): the payload's own time, else the time of the attempt. */
  timestamp: string;
  data: DeliveryPayload;
}

export function eventTypeOf(payload: DeliveryPayload): WebhookEventType {
  return payload.event === 'sla.breach' ? 'sla.breached' : payload.event;
}

/**
 * The JSON document posted. Receivers deduplicate by the `webhook-id` header, not the body.
 * `data` is the payload as the hub built it; `conversation.link` (here and in digest items) is
 * checked once more, so a receiver only ever gets an http(s) URL or null there.
 */
export function envelopeOf(payload: DeliveryPayload, now: Date): WebhookEnvelope {
  const at = 'at' in payload && typeof payload.at === 'string' ? payload.at : 'markDueAt' in payload && typeof payload.markDueAt === 'string' ? payload.markDueAt : now.toISOString();
  return { type: eventTypeOf(payload), version: ENVELOPE_VERSION, timestamp: at, data: withCheckedLinks(payload) };
}

function withCheckedLinks(payload: DeliveryPayload): DeliveryPayload {
  let data = payload;
  if ('conversation' in data && data.conversation) data = { ...data, conversation: checked(data.conversation) };
  if (data.event === 'sla.digest') data = { ...data, items: data.items.map((item) => (item.conversation ? { ...item, conversation: checked(item.conversation) } : item)) };
  return data;
}

/** A conversation whose link is an http(s) URL or null; one written without a link (by an older hub) stays without. */
function checked(conversation: ConversationRef): ConversationRef {
  return 'link' in conversation ? { ...conversation, link: httpLink(conversation.link) ?? null } : conversation;
}
