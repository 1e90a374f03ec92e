import { createHash } from 'node:crypto';
import { problem, type ConnectorContext, type RouteRequest, type RouteResponse, type TicketLink } from 'replywatch/sdk';
import { checkSignature } from './zendesk-signature';
import { type ZendeskConfig } from './zendesk.config';

/** Zendesk names each attempt's invocation; its retries of one event share it. */
const INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';
/** How long a handled delivery is remembered (Zendesk retries for far less). */
const SEEN_MS = 24 * 3_600_000;
const AGENT_ROLES = new Set(['agent', 'admin']);

type WebhookConfig = NonNullable<ZendeskConfig['webhook']>;

/**
 * The trigger's body, as docs/ZENDESK.md asks for it:
 * `{ ticket: {id, status, external_id, updated_at}, event, comment?: {id, author: {id, role}, public, body}, agent?: {id, name} }`.
 */
interface ZendeskEvent {
  ticket: { id: string; status: string | undefined; updatedAt: string | undefined };
  event: string | undefined;
  comment: { authorId: string | undefined; role: string | undefined; public: boolean } | undefined;
  agent: { id: string | undefined; name: string | undefined } | undefined;
}

type Outcome = 'duplicate' | 'ignored' | 'closed' | 'answered' | 'answered+closed';

/**
 * `POST <webhook.path>`: Zendesk's trigger says an agent answered publicly or a ticket was
 * solved or closed. Only a delivery signed with the webhook's secret within the time window is
 * read; each is handled once however often Zendesk sends it; a ticket the hub did not link is
 * not ours and is acknowledged without a change.
 */
export function mountWebhook(ctx: ConnectorContext<ZendeskConfig>, config: WebhookConfig, apiUser: (signal: AbortSignal) => Promise<number>): void {
  const handle = async (request: RouteRequest): Promise<RouteResponse> => {
    checkSignature(request, config.secret, config.tolerance, ctx.clock.now());
    const event = readEvent(request.json());
    const seenKey = `webhook:${request.headers[INVOCATION_HEADER]?.trim() || createHash('sha256').update(request.rawBody).digest('hex')}`;
    if ((await ctx.state.compareAndSet(seenKey, undefined, { at: ctx.clock.now() }, { ttlMs: SEEN_MS })) === false) return answer('duplicate', event);
    try {
      return answer(await apply(event), event);
    } catch (error) {
      // Not handled: let Zendesk's retry in.
      await ctx.state.delete(seenKey);
      throw error;
    }
  };

  async function apply(event: ZendeskEvent): Promise<Outcome> {
    const link = await ctx.tickets.find(event.ticket.id);
    if (!link) return 'ignored';
    const answered = await answeredBy(event);
    if (answered !== undefined) await ctx.tickets.answered(link.ref, { by: `zendesk:${answered}`, at: eventTime(event) });
    const status = event.event === 'ticket.solved' ? 'solved' : event.event === 'ticket.closed' ? 'closed' : event.ticket.status;
    if (status === 'solved' || status === 'closed') {
      await close(link, status, event);
      return answered === undefined ? 'closed' : 'answered+closed';
    }
    return answered === undefined ? 'ignored' : 'answered';
  }

  /** The agent of a public comment that is not the hub's own (the API user's); undefined otherwise. */
  async function answeredBy(event: ZendeskEvent): Promise<string | undefined> {
    const comment = event.comment;
    if (!comment?.public || comment.authorId === undefined) return undefined;
    if (comment.role !== undefined && !AGENT_ROLES.has(comment.role)) return undefined;
    let own: number;
    try {
      own = await apiUser(AbortSignal.timeout(ctx.config.timeout));
    } catch {
      throw problem(503, 'Service Unavailable', 'cannot tell the hub’s own comments from agents’ now (Zendesk did not say who the API user is); send it again later', {}, { 'Retry-After': '60' });
    }
    return comment.authorId === String(own) ? undefined : comment.authorId;
  }

  async function close(link: TicketLink, status: 'solved' | 'closed', event: ZendeskEvent): Promise<void> {
    const agent = event.agent?.id ?? event.comment?.authorId ?? 'agent';
    const resolved = await ctx.tickets.closed(link.ref, { by: `zendesk:${agent}`, reason: `ticket #${event.ticket.id} ${status} in Zendesk${event.agent?.name ? ` by ${event.agent.name}` : ''}` });
    ctx.logger.info(`ticket #${event.ticket.id} ${status} in Zendesk: ${resolved} inquiry(ies) resolved`);
  }

  function eventTime(event: ZendeskEvent): Date {
    const at = event.ticket.updatedAt === undefined ? NaN : Date.parse(event.ticket.updatedAt);
    return new Date(Number.isFinite(at) ? at : ctx.clock.now());
  }

  ctx.routes.post(config.path, handle, { contentTypes: ['application/json'], bodyLimit: 256 * 1024 });
}

function answer(outcome: Outcome, event: ZendeskEvent): RouteResponse {
  return { status: 200, body: { outcome, ticket: event.ticket.id } };
}

/** The fields the handler reads, or a 400 problem naming the one missing. */
function readEvent(body: unknown): ZendeskEvent {
  const root = record(body);
  const ticket = record(root?.ticket);
  const id = idOf(ticket?.id);
  if (!root || !ticket || id === undefined) throw problem(400, 'Bad Request', 'the body has no ticket.id: set the webhook trigger’s JSON body as docs/ZENDESK.md shows', { field: 'ticket.id' });
  const comment = record(root.comment);
  const author = record(comment?.author);
  const agent = record(root.agent);
  return {
    // {{ticket.status}} renders the status as a word people read ("Solved").
    ticket: { id, status: text(ticket.status)?.toLowerCase(), updatedAt: text(ticket.updated_at) },
    event: text(root.event),
    comment: comment ? { authorId: idOf(author?.id), role: text(author?.role), public: comment.public === true || comment.public === 'true' } : undefined,
    agent: agent ? { id: idOf(agent.id), name: text(agent.name) } : undefined,
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A Zendesk id, written as a number or (from a placeholder in quotes) as digits. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? value.trim() : undefined;
}
