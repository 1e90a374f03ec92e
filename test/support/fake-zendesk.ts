import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Clock } from '../../src/core/clock/clock';
import { lateOrClosed } from './webhook-receiver';

export type Priority = 'urgent' | 'high' | 'normal' | 'low';
export type Status = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
const PRIORITIES: readonly string[] = ['urgent', 'high', 'normal', 'low'];
const STATUSES: readonly string[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export interface ZendeskTicket {
  id: number;
  url: string;
  subject: string;
  description: string;
  status: Status;
  priority: Priority | null;
  type: string | null;
  requester_id: number;
  external_id: string | null;
  tags: string[];
  custom_fields: Array<{ id: number; value: unknown }>;
  group_id: number | null;
  brand_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ZendeskComment {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  public: boolean;
  created_at: string;
}

/** A request as the peer saw it; `body` is the parsed JSON, undefined when absent or not JSON. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
  /** The status answered; 0 while not answered, or never (dropped, or the client gave up first). */
  status: number;
  /** The client closed the connection before the answer was complete, this long after the request arrived. */
  closedAfterMs?: number;
  /** When it arrived, on the peer's clock (the injected one in tests that drive a VirtualClock). */
  at: number;
}

/**
 * A scripted answer in place of Zendesk's: `delayMs` before the headers (alone: a slow but
 * otherwise normal answer), `status` with `body` (a string is sent as text/html, anything else
 * as JSON) and `headers`, or `drop` to destroy the connection without an answer.
 */
export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  drop?: boolean;
  /** Do the work as Zendesk would, then cut the connection instead of answering: a lost answer. */
  loseAnswer?: boolean;
  /**
   * Do the work at once, then hold the answer this long (real time): a client that goes away
   * meanwhile (killed, timed out) never learns that the ticket exists.
   */
  answerAfterMs?: number;
}

/** Faults in Zendesk's words, for `failNext`. */
export const faults = {
  /** 429; Zendesk sends Retry-After in seconds on most endpoints, not all (omit `seconds`). */
  rateLimited: (seconds?: number): Fault => ({
    status: 429,
    headers: seconds === undefined ? {} : { 'retry-after': String(seconds) },
    // Body not in CONTRACTS.md: what Zendesk's docs show for a per-minute limit.
    body: { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
  }),
  unavailable: (status = 503): Fault => ({ status, body: '<html><body><h1>Service Unavailable</h1></body></html>' }),
  slow: (delayMs: number): Fault => ({ delayMs }),
  notJson: (): Fault => ({ status: 200, body: '<html><body>Maintenance</body></html>' }),
  dropped: (): Fault => ({ drop: true }),
  /** The request is carried out (a ticket made, a comment added), but its answer never arrives. */
  lostAnswer: (): Fault => ({ loseAnswer: true }),
};

export interface FakeZendeskOptions {
  subdomain: string;
  /** The API user: Basic `{email}/token:{apiToken}`; also the author of comments made through the API. */
  email: string;
  apiToken: string;
  /** Accepted as `Bearer {oauthToken}` when set. */
  oauthToken?: string;
  clock?: Pick<Clock, 'now'>;
  /** How long an Idempotency-Key is remembered. 2 h is UNCONFIRMED in Zendesk's docs. */
  idempotencyTtlMs?: number;
  groups?: number[];
  brands?: number[];
  /** Custom ticket fields an agent must fill in: creating a ticket without them is RecordInvalid. */
  requiredFields?: Array<{ id: number; title: string }>;
  /** Secret Zendesk signs its webhooks with. */
  webhookSecret?: string;
}

/**
 * What the peer's agent actions produce for a trigger's webhook. Zendesk lets the admin write
 * the body; this is the body the hub's setup instructions will ask for:
 * `{ ticket: {id, status, external_id, updated_at}, event, comment?: {id, author: {id, role}, public, body} }`
 * with `event` one of `comment.public`, `ticket.solved`, `ticket.closed`.
 */
export interface ZendeskEvent {
  ticket: { id: number; status: Status; external_id: string | null; updated_at: string };
  event: 'comment.public' | 'ticket.solved' | 'ticket.closed';
  comment?: { id: number; author: { id: number; role: 'agent' }; public: boolean; body: string };
  /** Who changed the status (`{{current_user.id}}`, `{{current_user.name}}` in the trigger's body). */
  agent?: { id: number; name: string };
}

export interface Delivery {
  url: string;
  raw: string;
  headers: Record<string, string>;
  /** The receiver's status; 0 when the delivery failed at the connection. */
  status: number;
  /** The receiver's answer as text; absent when the delivery failed at the connection. */
  answer?: string;
}

/** The agent `agentComment` writes as, and the API user (the hub) that PUT comments are authored by: a receiver tells its own comments apart by author. */
export const AGENT_ID = 7001;
export const API_USER_ID = 7000;
/** The name `agentSetStatus` reports for AGENT_ID. */
export const AGENT_NAME = 'Dana Agent';
const NOT_FOUND = { error: 'RecordNotFound', description: 'Not found' };

/**
 * A Zendesk Support peer speaking the documented wire under /api/v2 (see CONTRACTS.md,
 * "Zendesk Support API"): tickets created, read, looked up by a non-unique external_id,
 * commented on and re-statused; Basic api-token and Bearer OAuth auth; Idempotency-Key on
 * creation with `x-idempotency-lookup: miss|hit`, a key expiring on the injected clock;
 * RecordInvalid for unknown groups, brands and missing required fields. Faults are queued per
 * route (`failNext`). It also plays the agent side (`agentComment`, `agentSetStatus`) and sends
 * Zendesk's signed webhooks, genuine or forged, stale, repeated or reordered (`deliver`).
 */
export class FakeZendesk {
  readonly requests: SeenRequest[] = [];
  readonly tickets = new Map<number, ZendeskTicket>();
  private readonly comments = new Map<number, ZendeskComment[]>();
  private readonly users = new Map<string, number>();
  private readonly idempotency = new Map<string, { fingerprint: string; at: number; status: number; body: unknown }>();
  private readonly queued: Array<{ route: RegExp; fault: Fault }> = [];
  private readonly outages: Array<{ route: RegExp; fault: Fault; until: number }> = [];
  private server: Server | undefined;
  private ids = { ticket: 0, comment: 0, user: 8000, audit: 0 };
  url = '';
  /** False: the subdomain does not exist, and every request gets Zendesk's 404 web page. */
  subdomainExists = true;
  /** True: the API token and OAuth token were revoked; every request is 401. */
  revoked = false;

  constructor(readonly options: FakeZendeskOptions) {}

  private now(): number {
    return (this.options.clock ?? Date).now();
  }

  /**
   * Answers the next `count` requests on `route` ("POST /api/v2/tickets.json", `*` for one path
   * segment, or "*" for any request) with `fault` instead of Zendesk's answer.
   */
  failNext(route: string, fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.queued.push({ route: routePattern(route), fault });
  }

  /**
   * Every request on `route` (as for `failNext`) gets `fault` until the peer's clock reaches
   * `until`: an outage in the clock's time, however many requests arrive meanwhile. Of several
   * outages on a route, the first one added that has not ended answers (a 503 spell, then a
   * 429 one). It answers before the faults queued with `failNext`, which are kept for the
   * requests after it.
   */
  outage(route: string, fault: Fault, until: number): void {
    this.outages.push({ route: routePattern(route), fault, until });
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  commentsOf(ticketId: number): ZendeskComment[] {
    return this.comments.get(ticketId) ?? [];
  }

  /** An agent answers in Zendesk with a public comment; returns the trigger's webhook body. */
  agentComment(ticketId: number, body: string): ZendeskEvent {
    const ticket = this.mustFind(ticketId);
    const comment = this.addComment(ticket, AGENT_ID, body, true);
    if (ticket.status === 'new') ticket.status = 'open';
    return { ticket: eventTicket(ticket), event: 'comment.public', comment: { id: comment.id, author: { id: AGENT_ID, role: 'agent' }, public: true, body } };
  }

  /** An agent solves or closes the ticket; returns the trigger's webhook body. */
  agentSetStatus(ticketId: number, status: 'solved' | 'closed'): ZendeskEvent {
    const ticket = this.mustFind(ticketId);
    ticket.status = status;
    ticket.updated_at = this.iso();
    return { ticket: eventTicket(ticket), event: status === 'solved' ? 'ticket.solved' : 'ticket.closed', agent: { id: AGENT_ID, name: AGENT_NAME } };
  }

  /**
   * POSTs `event` to `url` signed as Zendesk signs: base64 HMAC-SHA256 under the secret's text
   * of timestamp + raw body. `secret` forges (another secret), `skewMinutes` moves the
   * timestamp off the clock (stale or from the future).
   */
  async deliver(url: string, event: unknown, options: { secret?: string; skewMinutes?: number } = {}): Promise<Delivery> {
    const raw = JSON.stringify(event);
    const timestamp = zendeskTimestamp(this.now() + (options.skewMinutes ?? 0) * 60_000);
    const secret = options.secret ?? this.options.webhookSecret ?? '';
    const headers = {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': zendeskSignature(secret, timestamp, raw),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    };
    return this.post({ url, raw, headers, status: 0 });
  }

  /** Sends a delivery again byte for byte (same timestamp and signature), as Zendesk's retries do. */
  redeliver(delivery: Delivery): Promise<Delivery> {
    return this.post({ ...delivery, status: 0 });
  }

  private async post(delivery: Delivery): Promise<Delivery> {
    try {
      const res = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.raw });
      return { ...delivery, status: res.status, answer: await res.text() };
    } catch {
      return delivery;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://zendesk.invalid');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: parsed.pathname, query: parsed.searchParams, headers: req.headers, raw, body: parseJson(raw), status: 0, at: this.now() };
    this.requests.push(seen);
    res.on('close', () => {
      if (!res.writableFinished) seen.closedAfterMs = Date.now() - arrived;
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      seen.status = status;
      const html = typeof body === 'string';
      res.writeHead(status, { 'content-type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', ...headers }).end(html ? body : JSON.stringify(body));
    };
    const down = this.outages.find((o) => seen.at < o.until && o.route.test(`${seen.method} ${seen.path}`));
    const index = down ? -1 : this.queued.findIndex((q) => q.route.test(`${seen.method} ${seen.path}`));
    const fault = down ? down.fault : index >= 0 ? this.queued.splice(index, 1)[0]?.fault : undefined;
    if (fault?.delayMs) await lateOrClosed(res, fault.delayMs);
    if (res.destroyed) return;
    if (fault?.drop) return void req.socket.destroy();
    if (fault?.status !== undefined) return send(fault.status, fault.body ?? '', fault.headers);
    if (!this.subdomainExists) return send(404, '<!DOCTYPE html><html><body><h1>Oops! The page you were looking for doesn\'t exist.</h1></body></html>');
    if (!this.authenticated(req.headers.authorization)) return send(401, { error: "Couldn't authenticate you" });
    const hold = fault?.answerAfterMs;
    if (hold !== undefined) {
      this.route(seen, (status, body, headers) => void lateOrClosed(res, hold).then(() => send(status, body, headers)));
      return;
    }
    if (fault?.loseAnswer) {
      this.route(seen, (status) => {
        seen.status = status;
        req.socket.destroy();
      });
      return;
    }
    this.route(seen, send);
  }

  private authenticated(header: string | undefined): boolean {
    if (this.revoked || !header) return false;
    const { email, apiToken, oauthToken } = this.options;
    if (oauthToken !== undefined && header === `Bearer ${oauthToken}`) return true;
    return header === `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;
  }

  private route(seen: SeenRequest, send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const group = /^\/api\/v2\/groups\/(\d+)\.json$/.exec(seen.path);
    if (seen.method === 'GET' && group) {
      const id = Number(group[1]);
      return (this.options.groups ?? []).includes(id) ? send(200, { group: { id, name: `Group ${id}`, deleted: false } }) : send(404, NOT_FOUND);
    }
    const one = /^\/api\/v2\/tickets\/(\d+)(\/comments)?\.json$/.exec(seen.path);
    const key = `${seen.method} ${one ? (one[2] ? 'comments' : 'ticket') : seen.path}`;
    const ticket = one ? this.tickets.get(Number(one[1])) : undefined;
    if (one && !ticket) return send(404, NOT_FOUND);
    switch (key) {
      case 'POST /api/v2/tickets.json':
        return this.create(seen, send);
      case 'GET /api/v2/users/me.json':
        return send(200, { user: { id: API_USER_ID, name: 'Replywatch', email: this.options.email, role: 'admin', active: true } });
      case 'GET /api/v2/tickets.json': {
        const externalId = seen.query.get('external_id');
        const tickets = [...this.tickets.values()].filter((t) => externalId === null || t.external_id === externalId);
        return send(200, { tickets, count: tickets.length, next_page: null, previous_page: null });
      }
      case 'GET ticket':
        return send(200, { ticket });
      case 'PUT ticket':
        return this.update(ticket!, seen, send);
      case 'GET comments': {
        const comments = this.commentsOf(ticket!.id);
        return send(200, { comments, count: comments.length, next_page: null, previous_page: null });
      }
      default:
        return send(404, { error: 'InvalidEndpoint', description: 'Not found' });
    }
  }

  private create(seen: SeenRequest, send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const key = header(seen.headers, 'idempotency-key');
    // Wording of this 400 is not in CONTRACTS.md; the limit is.
    if (key !== undefined && key.length > 255) return send(400, { error: 'IdempotentRequestError', description: 'Idempotency-Key must be 255 characters or fewer' });
    const input = ticketOf(seen);
    if (typeof input === 'string') return send(400, { error: 'InvalidJSON', description: input });
    const fingerprint = canonical(input);
    const remembered = key === undefined ? undefined : this.idempotency.get(key);
    if (remembered && this.now() - remembered.at < (this.options.idempotencyTtlMs ?? 2 * 3600_000)) {
      if (remembered.fingerprint !== fingerprint) return send(400, { error: 'IdempotentRequestError', description: 'Request parameters differ from the original request with this Idempotency-Key' });
      return send(remembered.status, remembered.body, { 'x-idempotency-lookup': 'hit' });
    }
    const details = this.invalid(input);
    if (details) return send(422, { error: 'RecordInvalid', description: 'Record validation errors', details });
    const body = this.open(input);
    if (key !== undefined) this.idempotency.set(key, { fingerprint, at: this.now(), status: 201, body });
    send(201, body, { ...(key === undefined ? {} : { 'x-idempotency-lookup': 'miss' }), location: body.ticket.url });
  }

  private invalid(input: Record<string, unknown>): Record<string, Array<{ description: string; error: string }>> | undefined {
    const details: Record<string, Array<{ description: string; error: string }>> = {};
    const comment = input.comment as { body?: unknown } | undefined;
    if (typeof comment?.body !== 'string' || comment.body.trim() === '') details.description = [{ description: 'Description: cannot be blank', error: 'BlankValue' }];
    if (input.priority !== undefined && !oneOf(PRIORITIES, input.priority)) details.priority = [{ description: 'Priority: is invalid', error: 'InvalidValue' }];
    if (input.group_id !== undefined && !(this.options.groups ?? []).includes(Number(input.group_id))) details.group = [{ description: 'Group: is invalid', error: 'InvalidValue' }];
    if (input.brand_id !== undefined && !(this.options.brands ?? []).includes(Number(input.brand_id))) details.brand = [{ description: 'Brand: is invalid', error: 'InvalidValue' }];
    const given = new Map(((input.custom_fields ?? []) as Array<{ id: number; value: unknown }>).map((f) => [f.id, f.value]));
    for (const field of this.options.requiredFields ?? []) {
      const value = given.get(field.id);
      if (value === undefined || value === null || value === '') (details.base ??= []).push({ description: `${field.title}: field is required`, error: 'FieldRequired' });
    }
    return Object.keys(details).length > 0 ? details : undefined;
  }

  private open(input: Record<string, unknown>): { ticket: ZendeskTicket; audit: unknown } {
    const requester = (input.requester ?? {}) as { email?: string };
    const email = requester.email ?? this.options.email;
    if (!this.users.has(email)) this.users.set(email, ++this.ids.user);
    const comment = input.comment as { body: string; public?: boolean };
    const id = ++this.ids.ticket;
    const at = this.iso();
    const ticket: ZendeskTicket = {
      id, url: `https://${this.options.subdomain}.zendesk.com/api/v2/tickets/${id}.json`,
      subject: typeof input.subject === 'string' ? input.subject : '', description: comment.body,
      status: oneOf(STATUSES, input.status) ? (input.status as Status) : 'new',
      priority: (input.priority as Priority | undefined) ?? null, type: (input.type as string | undefined) ?? null,
      requester_id: this.users.get(email)!, external_id: (input.external_id as string | undefined) ?? null,
      tags: (input.tags as string[] | undefined) ?? [], custom_fields: (input.custom_fields as ZendeskTicket['custom_fields'] | undefined) ?? [],
      group_id: (input.group_id as number | undefined) ?? null, brand_id: (input.brand_id as number | undefined) ?? null,
      created_at: at, updated_at: at,
    };
    this.tickets.set(id, ticket);
    const first = this.addComment(ticket, ticket.requester_id, comment.body, comment.public ?? true);
    return { ticket: { ...ticket }, audit: this.audit(ticket, [{ id: first.id, type: 'Comment', body: first.body, public: first.public }, { type: 'Create', field_name: 'status', value: ticket.status }]) };
  }

  private update(ticket: ZendeskTicket, seen: SeenRequest, send: (status: number, body: unknown) => void): void {
    const input = ticketOf(seen);
    if (typeof input === 'string') return send(400, { error: 'InvalidJSON', description: input });
    if (ticket.status === 'closed') return send(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed prevents ticket update', error: 'ClosedTicket' }] } });
    if (input.status !== undefined && !oneOf(STATUSES, input.status)) return send(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: is invalid', error: 'InvalidValue' }] } });
    const events: unknown[] = [];
    const comment = input.comment as { body?: unknown; public?: boolean } | undefined;
    if (comment !== undefined) {
      if (typeof comment.body !== 'string' || comment.body.trim() === '') return send(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { comment: [{ description: 'Comment: cannot be blank', error: 'BlankValue' }] } });
      const added = this.addComment(ticket, API_USER_ID, comment.body, comment.public ?? true);
      events.push({ id: added.id, type: 'Comment', body: added.body, public: added.public });
    }
    if (input.status !== undefined && input.status !== ticket.status) {
      events.push({ type: 'Change', field_name: 'status', value: input.status, previous_value: ticket.status });
      ticket.status = input.status as Status;
    }
    ticket.updated_at = this.iso();
    send(200, { ticket: { ...ticket }, audit: this.audit(ticket, events) });
  }

  private addComment(ticket: ZendeskTicket, authorId: number, body: string, isPublic: boolean): ZendeskComment {
    const comment: ZendeskComment = { id: ++this.ids.comment, type: 'Comment', author_id: authorId, body, public: isPublic, created_at: this.iso() };
    this.comments.set(ticket.id, [...this.commentsOf(ticket.id), comment]);
    ticket.updated_at = comment.created_at;
    return comment;
  }

  private audit(ticket: ZendeskTicket, events: unknown[]): unknown {
    return { id: ++this.ids.audit, ticket_id: ticket.id, author_id: API_USER_ID, created_at: this.iso(), events };
  }

  private mustFind(ticketId: number): ZendeskTicket {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new Error(`no ticket ${ticketId} in the fake Zendesk`);
    return ticket;
  }

  private iso(): string {
    return zendeskTimestamp(this.now());
  }
}

/** Zendesk's timestamps: ISO 8601 to the second, e.g. 2026-12-02T10:00:00Z. */
export function zendeskTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The one place the signed message's order lives: timestamp, then raw body (CONTRACTS.md). */
export function zendeskSignature(secret: string, timestamp: string, raw: string): string {
  return createHmac('sha256', secret).update(timestamp + raw).digest('base64');
}

function eventTicket(ticket: ZendeskTicket): ZendeskEvent['ticket'] {
  return { id: ticket.id, status: ticket.status, external_id: ticket.external_id, updated_at: ticket.updated_at };
}

/** The `ticket` object of a request body, or why the body is a 400. */
function ticketOf(seen: SeenRequest): Record<string, unknown> | string {
  if (seen.body === undefined) return 'The request body is not valid JSON';
  const ticket = (seen.body as { ticket?: unknown } | null | undefined)?.ticket;
  if (typeof ticket !== 'object' || ticket === null || Array.isArray(ticket)) return 'The request body has no ticket object';
  return ticket as Record<string, unknown>;
}

function oneOf(values: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && values.includes(value);
}

function parseJson(raw: string): unknown {
  try {
    return raw === '' ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

/** JSON with object keys sorted, so the same body serialized in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function routePattern(route: string): RegExp {
  if (route === '*') return /^/;
  const escaped = route.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/ ]+');
  return new RegExp(`^${escaped}$`);
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
