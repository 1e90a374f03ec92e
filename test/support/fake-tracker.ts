import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { lateOrClosed } from './webhook-receiver';

export interface TrackerUser {
  id: string;
  display: string;
}

export interface TrackerComment {
  id: number;
  longId: string;
  text: string;
  createdBy: TrackerUser;
  createdAt: string;
  updatedAt: string;
}

export interface TrackerIssue {
  id: string;
  key: string;
  summary: string;
  description?: string;
  queue: { key: string };
  status: { key: string };
  type?: { key: string };
  priority?: { key: string };
  assignee?: { id: string };
  followers?: Array<{ id: string }>;
  tags: string[];
  unique?: string;
  createdBy: TrackerUser;
  createdAt: string;
  updatedAt: string;
  /** Any other field the create body carried (custom fields), as sent. */
  [field: string]: unknown;
}

/** A request as the fake saw it. `body` is the parsed JSON, or undefined (none, or not JSON). */
export interface TrackerRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: unknown;
  /** The status answered; 0 while not answered, or never (dropped, or the client gave up first). */
  status: number;
  /** The client closed the connection before the answer was complete, this long after the request arrived. */
  closedAfterMs?: number;
  /** When it arrived, on the fake's clock (`now`): a VirtualClock's time in tests that drive one. */
  at: number;
}

/**
 * Something Tracker's documented path would not answer, for one request:
 * - `status` (+ `headers`, `body`): answered as is; a string body is sent raw (a proxy's page, a
 *   non-JSON 200), an absent body becomes Tracker's error shape for the status;
 * - `delayMs` alone: wait this long (real time, the one real wait here) before the normal answer;
 *   with `status`, before that answer;
 * - `drop`: destroy the connection without answering (after `delayMs`, if any);
 * - `lose`: do what the request asks (create the issue, post the comment), then destroy the
 *   connection instead of answering: the answer lost on its way back, which `unique` and a
 *   client's own checks exist for.
 */
export interface TrackerFault {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  delayMs?: number;
  drop?: boolean;
  lose?: boolean;
  /**
   * Do what the request asks at once, then hold the answer this long (real time): a client
   * that goes away meanwhile (killed, timed out) never learns that the issue exists.
   */
  answerAfterMs?: number;
}

export interface TrackerQueueOptions {
  /** Fields a create must carry (a queue with required custom fields). */
  requiredFields?: string[];
  /** What Tracker answers when one is missing; 422 by default (400 is also seen). */
  requiredFieldStatus?: 400 | 422;
}

export interface FakeTrackerOptions {
  /** The organization id the org header must carry. */
  orgId: string;
  oauthTokens?: string[];
  iamTokens?: string[];
  /** Time of createdAt/updatedAt; a VirtualClock's `now` in tests. */
  now?: () => number;
  /** Author of what the API client creates (the token's user). */
  robot?: TrackerUser;
}

interface Route {
  pattern: string;
  fault: TrackerFault;
  left: number;
}

interface Outage {
  pattern: string;
  fault: TrackerFault;
  until: number;
}

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** Tracker's workflow, trimmed: status → the transitions it offers. */
const WORKFLOW: Record<string, Array<{ id: string; to: string }>> = {
  open: [
    { id: 'start_progress', to: 'inProgress' },
    { id: 'resolve', to: 'resolved' },
    { id: 'close', to: 'closed' },
  ],
  inProgress: [
    { id: 'stop_progress', to: 'open' },
    { id: 'resolve', to: 'resolved' },
    { id: 'close', to: 'closed' },
  ],
  resolved: [
    { id: 'reopen', to: 'open' },
    { id: 'close', to: 'closed' },
  ],
  closed: [{ id: 'reopen', to: 'open' }],
};

const SEARCH_KEYS = ['queue', 'keys', 'filter', 'query'] as const;

/**
 * A Yandex Tracker peer speaking the documented v2 wire (CONTRACTS.md, "Yandex Tracker
 * API"): issues, comments, transitions and `_search`, with `OAuth`/`Bearer` auth and one org
 * header, `unique` idempotency (409, the body not naming the existing issue: that is UNCONFIRMED,
 * so a client must find it through `_search`), and Tracker's error shape
 * `{errors, errorMessages, statusCode}`. Faults are queued per route (`failNext`); tests act as an
 * agent in Tracker with `agentComment` / `agentTransition`. A queued fault answers before any
 * check (auth included), as a proxy or an overloaded front would.
 *
 * Org header: a missing, wrong or doubled org header answers 403 (the token is fine, the
 * organization is not one it may act in). Tracker's exact status here is not documented; a
 * client should treat 401 and 403 alike as "credentials or organization refused".
 */
export class FakeTracker {
  readonly requests: TrackerRequest[] = [];
  readonly issues = new Map<string, TrackerIssue>();
  private readonly comments = new Map<string, TrackerComment[]>();
  private readonly queues = new Map<string, TrackerQueueOptions & { counter: number }>();
  private readonly tokens: Set<string>;
  private readonly routes: Route[] = [];
  private readonly outages: Outage[] = [];
  private readonly now: () => number;
  private readonly robot: TrackerUser;
  private server: Server | undefined;
  private commentSeq = 0;
  url = '';

  constructor(private readonly options: FakeTrackerOptions) {
    this.tokens = new Set([...(options.oauthTokens ?? []).map((t) => `OAuth ${t}`), ...(options.iamTokens ?? []).map((t) => `Bearer ${t}`)]);
    this.now = options.now ?? Date.now;
    this.robot = options.robot ?? { id: '1130000000000001', display: 'Replywatch Robot' };
  }

  queue(key: string, options: TrackerQueueOptions = {}): this {
    this.queues.set(key, { ...options, counter: 0 });
    return this;
  }

  /** A token stops working (revoked, or an IAM token expired): its requests now get 401. */
  revoke(token: string): void {
    this.tokens.delete(`OAuth ${token}`);
    this.tokens.delete(`Bearer ${token}`);
  }

  /**
   * The next `count` requests matching `route` get `fault`. A route is `METHOD /path` (query
   * left out), `*` matching one path segment, or `*` alone for any request.
   */
  failNext(route: string, fault: TrackerFault, count = 1): void {
    this.routes.push({ pattern: route, fault, left: count });
  }

  /**
   * Every request matching `route` (as for `failNext`) gets `fault` until the fake's clock
   * (`now`) reaches `until`: an outage measured in the clock's time, however many requests
   * arrive meanwhile. It answers before the faults queued with `failNext`, which are kept
   * for the requests after it.
   */
  outage(route: string, fault: TrackerFault, until: number): void {
    this.outages.push({ pattern: route, fault, until });
  }

  requestsTo(method: string, path: string): TrackerRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  commentsOf(key: string): TrackerComment[] {
    return this.comments.get(key) ?? [];
  }

  /** An agent writes in the issue inside Tracker (what back-sync polls for). */
  agentComment(key: string, author: TrackerUser, text: string): TrackerComment {
    const issue = this.issues.get(key);
    if (!issue) throw new Error(`no issue ${key}`);
    return this.addComment(issue, author, text);
  }

  /** An agent moves the issue (e.g. `resolve`), as Tracker's UI would; `author` becomes `updatedBy` (and `resolvedBy`). */
  agentTransition(key: string, transitionId: string, author?: TrackerUser): void {
    const issue = this.issues.get(key);
    const to = issue && WORKFLOW[issue.status.key]?.find((t) => t.id === transitionId)?.to;
    if (!issue || !to) throw new Error(`no transition ${transitionId} for ${key}`);
    issue.status = { key: to };
    issue.updatedAt = this.stamp();
    if (author) {
      issue.updatedBy = author;
      if (to === 'resolved' || to === 'closed') issue.resolvedBy = author;
    }
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://tracker');
    const record: TrackerRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      raw,
      body: parseJson(raw),
      status: 0,
      at: this.now(),
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.closedAfterMs = Date.now() - arrived;
    });
    const send: Send = (status, body, headers = {}) => {
      if (res.destroyed) return;
      record.status = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', ...headers }).end(text);
    };
    const fault = this.takeFault(record);
    if (fault?.delayMs) await lateOrClosed(res, fault.delayMs);
    if (res.destroyed) return;
    if (fault?.drop) return void res.destroy();
    if (fault?.status !== undefined) return send(fault.status, fault.body ?? trackerError(fault.status, 'Injected fault.'), fault.headers);
    const hold = fault?.answerAfterMs;
    if (hold !== undefined) {
      return this.answer(record, (status, body, headers) => void lateOrClosed(res, hold).then(() => send(status, body, headers)));
    }
    if (fault?.lose) {
      return this.answer(record, (status) => {
        record.status = status;
        res.destroy();
      });
    }
    this.answer(record, send);
  }

  private takeFault(request: TrackerRequest): TrackerFault | undefined {
    const down = this.outages.find((o) => request.at < o.until && routeMatches(o.pattern, request));
    if (down) return down.fault;
    const route = this.routes.find((r) => r.left > 0 && routeMatches(r.pattern, request));
    if (!route) return undefined;
    route.left--;
    return route.fault;
  }

  private answer(request: TrackerRequest, send: Send): void {
    const auth = request.headers.authorization;
    if (typeof auth !== 'string' || !this.tokens.has(auth)) return send(401, trackerError(401, 'Not authorized.'));
    const orgs = [request.headers['x-org-id'], request.headers['x-cloud-org-id']].filter((h) => h !== undefined);
    if (orgs.length !== 1 || orgs[0] !== this.options.orgId) return send(403, trackerError(403, 'Organization is missing, unknown or given twice.'));
    const { method, path } = request;
    if (method === 'POST' && request.body === undefined) return send(400, trackerError(400, 'Request body is not valid JSON.'));
    if (method === 'GET' && path === '/v2/myself') return send(200, this.myself());
    const queuePath = /^\/v2\/queues\/([^/]+)\/?$/.exec(path);
    if (method === 'GET' && queuePath) {
      const key = decodeURIComponent(queuePath[1] ?? '');
      return this.queues.has(key) ? send(200, { self: `${this.url}/v2/queues/${key}`, id: key.length, key, name: key }) : send(404, trackerError(404, `Queue ${key} does not exist.`));
    }
    if (method === 'POST' && path === '/v2/issues/') return this.create(request.body, send);
    if (method === 'POST' && path === '/v2/issues/_search') return this.search(request, send);
    const match = /^\/v2\/issues\/([^/]+)(\/comments|\/transitions|\/transitions\/([^/]+)\/_execute)?\/?$/.exec(path);
    const issue = match ? this.issues.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!match) return send(404, trackerError(404, 'Resource not found.'));
    if (!issue) return send(404, trackerError(404, 'Issue does not exist.'));
    const [, , sub, transitionId] = match;
    if (method === 'GET' && sub === undefined) return send(200, issue);
    if (method === 'GET' && sub === '/comments') return send(200, this.commentsAfter(issue.key, request.query.id));
    if (method === 'POST' && sub === '/comments') return this.comment(issue, request.body, send);
    if (method === 'GET' && sub === '/transitions') return send(200, transitionsOf(issue));
    if (method === 'POST' && transitionId !== undefined) return this.execute(issue, decodeURIComponent(transitionId), request.body, send);
    send(405, trackerError(405, 'Method not allowed.'));
  }

  private create(body: unknown, send: Send): void {
    if (!isObject(body)) return send(400, trackerError(400, 'Request body must be an object.'));
    const queueKey = typeof body.queue === 'string' ? body.queue : isObject(body.queue) && typeof body.queue.key === 'string' ? body.queue.key : undefined;
    if (queueKey === undefined) return send(400, trackerError(400, 'Field queue is required.', { queue: 'Required field.' }));
    const queue = this.queues.get(queueKey);
    if (!queue) return send(404, trackerError(404, `Queue ${queueKey} does not exist.`));
    if (typeof body.summary !== 'string' || body.summary.trim() === '') return send(400, trackerError(400, 'Field summary is required.', { summary: 'Required field.' }));
    const missing = (queue.requiredFields ?? []).filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
    if (missing.length > 0) {
      const status = queue.requiredFieldStatus ?? 422;
      return send(status, trackerError(status, `Required fields are missing: ${missing.join(', ')}.`, Object.fromEntries(missing.map((f) => [f, 'Required field.']))));
    }
    const unique = typeof body.unique === 'string' ? body.unique : undefined;
    if (unique !== undefined && [...this.issues.values()].some((i) => i.unique === unique)) {
      return send(409, trackerError(409, 'An issue with this unique value already exists.'));
    }
    const stamp = this.stamp();
    const key = `${queueKey}-${++queue.counter}`;
    const issue: TrackerIssue = {
      ...body,
      id: (this.issues.size + 1).toString(16).padStart(24, '5'),
      key,
      summary: body.summary,
      queue: { key: queueKey },
      status: { key: 'open' },
      tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
      createdBy: this.robot,
      createdAt: stamp,
      updatedAt: stamp,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      ...(typeof body.type === 'string' ? { type: { key: body.type } } : {}),
      ...(typeof body.priority === 'string' ? { priority: { key: body.priority } } : {}),
      ...(typeof body.assignee === 'string' ? { assignee: { id: body.assignee } } : {}),
      ...(Array.isArray(body.followers) ? { followers: body.followers.map((id) => ({ id: String(id) })) } : {}),
      ...(unique === undefined ? {} : { unique }),
    };
    this.issues.set(key, issue);
    send(201, issue);
  }

  private search(request: TrackerRequest, send: Send): void {
    const body = request.body;
    if (!isObject(body)) return send(400, trackerError(400, 'Request body must be an object.'));
    const given = SEARCH_KEYS.filter((k) => body[k] !== undefined);
    if (given.length !== 1) return send(400, trackerError(400, 'Exactly one of queue, keys, filter or query must be given.'));
    const found = [...this.issues.values()].filter(searchPredicate(given[0] ?? 'queue', body));
    const perPage = Math.max(1, Number(request.query.perPage ?? 50) || 50);
    const page = Math.max(1, Number(request.query.page ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    send(200, found.slice((page - 1) * perPage, page * perPage), { 'x-total-pages': String(pages), 'x-total-count': String(found.length) });
  }

  private comment(issue: TrackerIssue, body: unknown, send: Send): void {
    if (!isObject(body) || typeof body.text !== 'string' || body.text === '') return send(400, trackerError(400, 'Field text is required.', { text: 'Required field.' }));
    send(201, this.addComment(issue, this.robot, body.text));
  }

  private execute(issue: TrackerIssue, transitionId: string, body: unknown, send: Send): void {
    const to = WORKFLOW[issue.status.key]?.find((t) => t.id === transitionId)?.to;
    if (!to) return send(404, trackerError(404, `Transition ${transitionId} is not available.`));
    if (!isObject(body)) return send(400, trackerError(400, 'Request body must be an object.'));
    if (typeof body.comment === 'string' && body.comment !== '') this.addComment(issue, this.robot, body.comment);
    issue.status = { key: to };
    issue.updatedAt = this.stamp();
    send(200, transitionsOf(issue));
  }

  private addComment(issue: TrackerIssue, author: TrackerUser, text: string): TrackerComment {
    const stamp = this.stamp();
    const id = ++this.commentSeq;
    const comment: TrackerComment = { id, longId: id.toString(16).padStart(24, '6'), text, createdBy: author, createdAt: stamp, updatedAt: stamp };
    this.comments.set(issue.key, [...this.commentsOf(issue.key), comment]);
    issue.updatedAt = stamp;
    return comment;
  }

  /**
   * `GET /v2/myself`: the token's user. Tracker gives several ids (`uid`, `passportUid` for
   * Yandex 360, `cloudUid` for a Cloud organization, `trackerUid`); `createdBy.id` of what the
   * user writes is one of them, as a string.
   */
  private myself(): Record<string, unknown> {
    const uid = Number(this.robot.id);
    return { self: `${this.url}/v2/users/${this.robot.id}`, uid, login: 'replywatch-robot', trackerUid: uid, passportUid: uid, display: this.robot.display, email: 'robot@example.org', external: false };
  }

  /** Tracker's `id` cursor: comments after the given one (its numeric id), oldest first. */
  private commentsAfter(key: string, cursor: string | undefined): TrackerComment[] {
    const all = this.commentsOf(key);
    if (cursor === undefined) return all;
    return all.filter((c) => c.id > Number(cursor));
  }

  /** Tracker's timestamp format: `2026-12-02T14:00:00.000+0000`. */
  private stamp(): string {
    return new Date(this.now()).toISOString().replace('Z', '+0000');
  }
}

function transitionsOf(issue: TrackerIssue): Array<{ id: string; to: { key: string } }> {
  return (WORKFLOW[issue.status.key] ?? []).map((t) => ({ id: t.id, to: { key: t.to } }));
}

/** Search by one criterion; `filter` matches fields by equality (a list field by membership). */
function searchPredicate(by: (typeof SEARCH_KEYS)[number], body: Record<string, unknown>): (issue: TrackerIssue) => boolean {
  switch (by) {
    case 'queue':
      return (issue) => issue.queue.key === body.queue;
    case 'keys': {
      const keys = Array.isArray(body.keys) ? body.keys : [body.keys];
      return (issue) => keys.includes(issue.key);
    }
    case 'filter': {
      const filter = isObject(body.filter) ? body.filter : {};
      return (issue) => Object.entries(filter).every(([field, want]) => fieldMatches(issue, field, want));
    }
    case 'query': {
      // A tiny subset of the query language: `Field: "value"` terms joined by AND.
      const terms = String(body.query)
        .split(/\s+AND\s+/i)
        .map((term) => /^\s*(\w+)\s*:\s*"?([^"]*)"?\s*$/.exec(term));
      return (issue) => terms.every((t) => t !== null && fieldMatches(issue, (t[1] ?? '').toLowerCase(), t[2]));
    }
  }
}

function fieldMatches(issue: TrackerIssue, field: string, want: unknown): boolean {
  const value = issue[field];
  const have = isObject(value) && 'key' in value ? value.key : value;
  if (Array.isArray(have)) return Array.isArray(want) ? want.every((w) => have.includes(w)) : have.includes(want);
  return have === want;
}

function routeMatches(pattern: string, request: TrackerRequest): boolean {
  if (pattern === '*') return true;
  const [method, path] = pattern.split(' ');
  if (method !== request.method || path === undefined) return false;
  const regex = new RegExp(`^${path.split('*').map(escapeRegExp).join('[^/]+')}$`);
  return regex.test(request.path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function trackerError(statusCode: number, message: string, errors: Record<string, string> = {}): { errors: Record<string, string>; errorMessages: string[]; statusCode: number } {
  return { errors, errorMessages: [message], statusCode };
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
