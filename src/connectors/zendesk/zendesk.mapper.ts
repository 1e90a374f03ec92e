import { type TicketCommentPayload, type TicketCreatePayload, type TicketResolvePayload } from 'replywatch/sdk';
import { type ZendeskTarget } from './zendesk.config';

const PRIORITIES = new Set(['urgent', 'high', 'normal', 'low']);
const FIELD_ID = /^\d+$/;

export interface CreateBody {
  ticket: {
    subject: string;
    comment: { body: string; public: false };
    external_id: string;
    requester?: { name: string; email: string };
    priority?: string;
    type?: string;
    tags?: string[];
    group_id?: number;
    brand_id?: number;
    ticket_form_id?: number;
    custom_fields?: Array<{ id: number; value: unknown }>;
  };
}

export interface MappedCreate {
  body: CreateBody;
  /** Keys of `payload.fields` that are not custom field ids and were left out. */
  skippedFields: string[];
}

/**
 * `POST /api/v2/tickets.json` for a `ticket.create`. The same payload and target always give
 * the same body, key for key: Zendesk answers a retried Idempotency-Key with the first ticket
 * only when the body is the same.
 *
 * The requester is the customer when the channel knows their email. Zendesk refuses a
 * requester without an email (a name alone makes no user), so then there is none — the API
 * user becomes the requester — and the customer's name goes into the description instead.
 */
export function createBody(payload: TicketCreatePayload, target: ZendeskTarget): MappedCreate {
  const { requester } = payload;
  const email = requester.email?.trim() || undefined;
  const name = requester.name?.trim() || undefined;
  const customer = email === undefined && (name !== undefined || requester.id !== null) ? `\n\nCustomer: ${[name, requester.id === null ? undefined : `(${payload.conversation.channel} id ${requester.id})`].filter(Boolean).join(' ')}` : '';
  const priority = payload.priority?.trim().toLowerCase();
  const { fields, skipped } = customFields(target.customFields ?? {}, payload.fields);
  const tags = [...new Set(payload.tags.map((tag) => tag.trim().toLowerCase().replace(/\s+/g, '_')).filter((tag) => tag !== ''))];
  return {
    body: {
      ticket: {
        subject: payload.summary,
        comment: { body: `${payload.description}${customer}`, public: false },
        external_id: payload.ticket.ref,
        ...(email === undefined ? {} : { requester: { name: name ?? email, email } }),
        ...(priority !== undefined && PRIORITIES.has(priority) ? { priority } : {}),
        ...(target.type === undefined ? {} : { type: target.type }),
        ...(tags.length === 0 ? {} : { tags }),
        ...(target.groupId === undefined ? {} : { group_id: target.groupId }),
        ...(target.brandId === undefined ? {} : { brand_id: target.brandId }),
        ...(target.ticketFormId === undefined ? {} : { ticket_form_id: target.ticketFormId }),
        ...(fields.length === 0 ? {} : { custom_fields: fields }),
      },
    },
    skippedFields: skipped,
  };
}

/** The target's custom fields, then the payload's (the rules' mapping wins for the same id), by id. */
function customFields(fromTarget: Record<string, unknown>, fromPayload: Record<string, unknown>): { fields: Array<{ id: number; value: unknown }>; skipped: string[] } {
  const merged = new Map<number, unknown>();
  const skipped: string[] = [];
  for (const [key, value] of [...Object.entries(fromTarget), ...Object.entries(fromPayload)]) {
    if (FIELD_ID.test(key)) merged.set(Number(key), value);
    else skipped.push(key);
  }
  return { fields: [...merged.entries()].sort(([a], [b]) => a - b).map(([id, value]) => ({ id, value })), skipped };
}

/**
 * The marker an internal comment ends with: a retried comment finds itself by it. A public
 * comment (the requester reads it) carries none and is found by its exact text.
 */
export function commentMarker(idempotencyKey: string): string {
  return `[replywatch ${idempotencyKey}]`;
}

export function commentBody(payload: TicketCommentPayload, isPublic: boolean, idempotencyKey: string): string {
  return isPublic ? payload.text : `${payload.text}\n\n${commentMarker(idempotencyKey)}`;
}

export function resolveNote(payload: TicketResolvePayload): string {
  return `Resolved in Replywatch by ${payload.by}: every inquiry this ticket carries is resolved.`;
}

/** The delivery result for a ticket Zendesk made or found. */
export function ticketResult(id: number, agentBase: string): { ticket: { id: string; key: string; url: string }; externalId: string } {
  return { ticket: { id: String(id), key: `#${id}`, url: `${agentBase}/agent/tickets/${id}` }, externalId: String(id) };
}
