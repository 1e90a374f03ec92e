import {
  ConnectorError,
  isTicketPayload,
  scrubSecrets,
  TargetRefusals,
  type ConnectorContext,
  type ConnectorInstance,
  type DeliverOptions,
  type Delivery,
  type DeliveryResult,
  type Health,
  type HttpAnswer,
  type TicketCommentPayload,
  type TicketCreatePayload,
  type TicketPayload,
  type TicketResolvePayload,
} from 'replywatch/sdk';
import { answerError, errorCode, expectJson, meHealth } from './zendesk-answer';
import { ZendeskHttp } from './zendesk-http';
import { commentBody, commentMarker, createBody, resolveNote, ticketResult } from './zendesk.mapper';
import { authorization, credentialForms, zendeskAddresses, zendeskTargetSchema, type ZendeskConfig, type ZendeskTarget } from './zendesk.config';
import { mountWebhook } from './zendesk-webhook';

/**
 * How long an Idempotency-Key is trusted to be remembered. Zendesk's docs say 2 h, marked
 * UNCONFIRMED; past half of that a retry looks the ticket up by external_id before posting.
 */
const KEY_TRUSTED_MS = 60 * 60_000;
/** How long the hub remembers that it posted a ticket for a ref. */
const CREATED_MEMORY_MS = 30 * 86_400_000;

interface CreateRecord {
  /** When the first POST under this ref went out. */
  firstAt: number;
  /** The ticket, once Zendesk's answer arrived. */
  ticketId?: number;
}

/**
 * Tickets in Zendesk Support for the hub's ticket targets: `ticket.create` posts one ticket per
 * ref and never two, `ticket.comment` adds a note, `ticket.resolve` solves it. One attempt per
 * call; waits and retries are the outbox's. The webhook route (when configured) brings
 * agents' answers and solved tickets back.
 */
export class ZendeskRuntime implements ConnectorInstance {
  private readonly http: ZendeskHttp;
  private readonly agentBase: string;
  private readonly secrets: string[];
  private apiUserId: number | undefined;
  private account: Health | undefined;
  /** Deliveries Zendesk refused for good, per target, until one to that target gets through. */
  private readonly refusals = new TargetRefusals();

  constructor(private readonly ctx: ConnectorContext<ZendeskConfig>) {
    const { api, agent } = zendeskAddresses(ctx.config);
    this.http = new ZendeskHttp(api, authorization(ctx.config), ctx.config.timeout);
    this.agentBase = agent;
    this.secrets = credentialForms(ctx.config);
    if (ctx.config.webhook) mountWebhook(ctx, ctx.config.webhook, (signal) => this.apiUser(signal));
  }

  /** `GET /api/v2/users/me.json`: the credentials work, and who comments as the hub. */
  async verify(): Promise<Health> {
    try {
      const answer = await this.http.request({ method: 'GET', path: '/api/v2/users/me.json', signal: AbortSignal.timeout(this.ctx.config.timeout) });
      const { health: signedIn, userId } = meHealth(answer, this.ctx.clock.now());
      if (userId !== undefined) this.apiUserId = userId;
      const missing = signedIn.status === 'up' ? await this.missingGroups() : [];
      const health: Health = missing.length === 0 ? signedIn : { status: 'degraded', detail: `${signedIn.detail ?? 'signed in'}; ${missing.join('; ')}` };
      this.account = { ...health, ...(health.detail === undefined ? {} : { detail: this.scrub(health.detail) }) };
    } catch (error) {
      this.account = { status: 'degraded', detail: this.scrub(error instanceof Error ? error.message : String(error)) };
    }
    return this.health();
  }

  /** The account's health from the last verify(), with what Zendesk refused for good since, per target. */
  private health(): Health {
    const account = this.account ?? { status: 'up', detail: 'not checked yet' };
    const refused = this.refusals.part();
    if (!refused) return account;
    return { status: account.status === 'down' ? 'down' : 'degraded', detail: `${account.detail ?? account.status}; ${refused.name}: ${refused.detail ?? ''}`, parts: [refused] };
  }

  /**
   * Each ticket target's group, looked up: a group id that does not exist in the account
   * shows on /health/ready before the first ticket dead-letters on it.
   */
  private async missingGroups(): Promise<string[]> {
    const groups = new Map<number, string[]>();
    for (const target of this.ctx.rules.ticketTargets()) {
      const parsed = zendeskTargetSchema.safeParse(target.to);
      const group = parsed.success ? parsed.data.groupId : undefined;
      if (group !== undefined) groups.set(group, [...(groups.get(group) ?? []), target.name]);
    }
    const missing: string[] = [];
    for (const [group, targets] of groups) {
      const answer = await this.http.request({ method: 'GET', path: `/api/v2/groups/${group}.json`, signal: AbortSignal.timeout(this.ctx.config.timeout) });
      if (answer.status === 200) continue;
      missing.push(`ticket target${targets.length > 1 ? 's' : ''} ${targets.join(', ')}: ${answerError(answer, `reading group ${group}`, this.ctx.clock.now()).message}`);
    }
    return missing;
  }

  async deliver(delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    try {
      const payload = delivery.payload;
      if (!isTicketPayload(payload)) {
        throw new ConnectorError('INVALID_PAYLOAD', `a zendesk target takes ticket events only (ticket.create, ticket.comment, ticket.resolve), not ${payload.event}: use ${delivery.target.name} under tickets.targets in the rules, not as a duty target`);
      }
      const result = await this.deliverTicket(delivery as Delivery<TicketPayload>, payload, options.signal);
      if (this.refusals.delivered(delivery.target.name)) this.ctx.health.report(this.health());
      return result;
    } catch (error) {
      const failure = this.scrubbed(error);
      if (this.refusals.failed(delivery.target.name, failure)) this.ctx.health.report(this.health());
      throw failure;
    }
  }

  private deliverTicket(delivery: Delivery<TicketPayload>, payload: TicketPayload, signal: AbortSignal): Promise<DeliveryResult> {
    const target = this.target(delivery);
    switch (payload.event) {
      case 'ticket.create':
        return this.create(payload, target, delivery, signal);
      case 'ticket.comment':
        return this.comment(payload, target, delivery, signal);
      case 'ticket.resolve':
        return this.resolve(payload, signal);
    }
  }

  /**
   * One ticket per ref, whatever happens to the answers: the POST carries `Idempotency-Key:
   * ref` (a retry after a lost answer gets the same ticket back), and when Zendesk may have
   * forgotten the key, or refuses it because the body changed since (the rules were edited),
   * the ticket is looked up by `external_id: ref` instead of made again.
   */
  private async create(payload: TicketCreatePayload, target: ZendeskTarget, delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const ref = payload.ticket.ref;
    const key = `ticket:${ref}`;
    const record = (await this.ctx.state.get<CreateRecord>(key))?.value;
    if (record?.ticketId !== undefined) return ticketResult(record.ticketId, this.agentBase);
    const keyMayBeGone = record === undefined ? delivery.attempt > 1 : this.ctx.clock.now() - record.firstAt >= KEY_TRUSTED_MS;
    if (keyMayBeGone) {
      const found = await this.findByRef(ref, signal);
      if (found !== undefined) return this.created(key, record?.firstAt ?? this.ctx.clock.now(), found);
    }
    const firstAt = record?.firstAt ?? this.ctx.clock.now();
    if (record === undefined) await this.ctx.state.set<CreateRecord>(key, { firstAt }, { ttlMs: CREATED_MEMORY_MS });

    const { body, skippedFields } = createBody(payload, target);
    if (skippedFields.length > 0) this.ctx.logger.warn(`ticket ${ref}: fields ${skippedFields.join(', ')} are not custom field ids (digits) and were left out`);
    const answer = await this.http.request({ method: 'POST', path: '/api/v2/tickets.json', body, headers: { 'idempotency-key': ref }, signal });
    if (answer.status === 400 && errorCode(answer) === 'IdempotentRequestError') {
      // The key was used with another body: the ticket exists (or its creation failed).
      const found = await this.findByRef(ref, signal);
      if (found !== undefined) return this.created(key, firstAt, found);
      throw new ConnectorError('TEMPORARY', `creating the ticket: Zendesk refused Idempotency-Key ${ref} as used with another body, and no ticket has external_id ${ref} yet; tried again later`);
    }
    const ticket = expectJson(answer, 'creating the ticket', this.ctx.clock.now()).ticket as { id?: unknown } | undefined;
    if (typeof ticket?.id !== 'number') throw new ConnectorError('TEMPORARY', `creating the ticket: Zendesk answered HTTP ${answer.status} without a ticket id`);
    return this.created(key, firstAt, ticket.id);
  }

  private async created(key: string, firstAt: number, ticketId: number): Promise<DeliveryResult> {
    await this.ctx.state.set<CreateRecord>(key, { firstAt, ticketId }, { ttlMs: CREATED_MEMORY_MS });
    return ticketResult(ticketId, this.agentBase);
  }

  /** The first ticket with `external_id: ref` (external_id is not unique in Zendesk). */
  private async findByRef(ref: string, signal: AbortSignal): Promise<number | undefined> {
    const answer = await this.http.request({ method: 'GET', path: `/api/v2/tickets.json?external_id=${encodeURIComponent(ref)}`, signal });
    const tickets = expectJson(answer, `looking up the ticket with external_id ${ref}`, this.ctx.clock.now()).tickets;
    const ids = (Array.isArray(tickets) ? tickets : []).map((t) => (t as { id?: unknown } | null)?.id).filter((id): id is number => typeof id === 'number');
    return ids.length === 0 ? undefined : Math.min(...ids);
  }

  /** A note (public when the target says so); a retry first looks for the comment the first attempt may have made. */
  private async comment(payload: TicketCommentPayload, target: ZendeskTarget, delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const id = ticketIdOf(payload);
    const body = commentBody(payload, target.commentsPublic, delivery.idempotencyKey);
    if (delivery.attempt > 1 && (await this.alreadyCommented(id, body, target.commentsPublic ? undefined : commentMarker(delivery.idempotencyKey), signal))) return { externalId: String(id) };
    const answer = await this.put(id, { comment: { body, public: target.commentsPublic } }, signal);
    expectJson(answer, `commenting on ticket #${id}`, this.ctx.clock.now());
    return { externalId: String(id) };
  }

  private async alreadyCommented(id: number, body: string, marker: string | undefined, signal: AbortSignal): Promise<boolean> {
    const author = await this.apiUser(signal).catch(() => undefined);
    const answer = await this.http.request({ method: 'GET', path: `/api/v2/tickets/${id}/comments.json?sort_order=desc`, signal });
    const comments = expectJson(answer, `reading the comments of ticket #${id}`, this.ctx.clock.now()).comments;
    return (Array.isArray(comments) ? comments : []).some((c: unknown) => {
      const { body: text, author_id } = (c ?? {}) as { body?: unknown; author_id?: unknown };
      if (typeof text !== 'string' || (author !== undefined && author_id !== author)) return false;
      return marker === undefined ? text.trim() === body.trim() : text.includes(marker);
    });
  }

  /** Solved, with an internal note saying who resolved it; a ticket already solved or closed is left as it is. */
  private async resolve(payload: TicketResolvePayload, signal: AbortSignal): Promise<DeliveryResult> {
    const id = ticketIdOf(payload);
    const now = this.ctx.clock.now();
    const current = expectJson(await this.http.request({ method: 'GET', path: `/api/v2/tickets/${id}.json`, signal }), `reading ticket #${id}`, now).ticket as { status?: unknown } | undefined;
    if (current?.status === 'solved' || current?.status === 'closed') return { externalId: String(id) };
    const answer = await this.put(id, { status: 'solved', comment: { body: resolveNote(payload), public: false } }, signal);
    // Closed between the read and the update: closed is more than solved.
    if (answer.status === 422 && /ClosedTicket|closed prevents/i.test(answer.body)) return { externalId: String(id) };
    expectJson(answer, `solving ticket #${id}`, this.ctx.clock.now());
    return { externalId: String(id) };
  }

  private put(id: number, ticket: Record<string, unknown>, signal: AbortSignal): Promise<HttpAnswer> {
    return this.http.request({ method: 'PUT', path: `/api/v2/tickets/${id}.json`, body: { ticket }, signal });
  }

  /** The API user's id (whose comments are the hub's own), from verify() or asked now. */
  private async apiUser(signal: AbortSignal): Promise<number> {
    if (this.apiUserId !== undefined) return this.apiUserId;
    const answer = await this.http.request({ method: 'GET', path: '/api/v2/users/me.json', signal });
    const me = expectJson(answer, 'reading the API user', this.ctx.clock.now()).user as { id?: unknown } | undefined;
    if (typeof me?.id !== 'number' || me.id <= 0) throw new ConnectorError('AUTH_FAILED', 'reading the API user: Zendesk did not sign the API user in (anonymous user); check the credentials');
    this.apiUserId = me.id;
    return me.id;
  }

  private target(delivery: Delivery): ZendeskTarget {
    const { name, ...to } = delivery.target;
    const parsed = zendeskTargetSchema.safeParse(to);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'to'}: ${issue.message}`).join('; ');
    throw new ConnectorError('INVALID_PAYLOAD', `ticket target ${name}: ${issues}`);
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  /** Every error leaves as a ConnectorError with no credential in its words. */
  private scrubbed(error: unknown): ConnectorError {
    if (error instanceof ConnectorError) {
      const message = this.scrub(error.message);
      if (message === error.message) return error;
      return new ConnectorError(error.code, message, { ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }), ...(error.scope === undefined ? {} : { scope: error.scope }) });
    }
    return new ConnectorError('UNKNOWN', this.scrub(error instanceof Error ? error.message : String(error)));
  }
}

function ticketIdOf(payload: TicketCommentPayload | TicketResolvePayload): number {
  const id = payload.ticket.id;
  if (id === null || !/^\d+$/.test(id)) throw new ConnectorError('INVALID_PAYLOAD', `${payload.event} for ticket ref ${payload.ticket.ref} has no Zendesk ticket id (${String(id)})`);
  return Number(id);
}
