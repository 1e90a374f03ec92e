import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type KeyPair } from './test-certificates';
import { lateOrClosed, streamBody } from './webhook-receiver';

export interface SlackPost {
  channel: string;
  text: string;
  blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
  threadTs?: string;
  ts: string;
  via: 'bot' | 'webhook';
}

interface Channel {
  member: boolean;
  archived: boolean;
}

/** A request as the fake saw it, for a scripted answer to match on. */
export interface SeenRequest {
  path: string;
  body: string;
  /** `channel` of a JSON body, when it has one. */
  channel: string | undefined;
}

/**
 * An answer not in Slack's words (a proxy's page, a redirect, a huge or late body): `body` as
 * is, or `streamBytes` bytes written as the client reads them; `delayMs` before the status.
 */
export interface RawReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  streamBytes?: number;
}

export interface SeenAnswer {
  path: string;
  /** The status answered; 0 while not answered (or never: the client gave up first). */
  status: number;
  channel?: string;
  /** The request's body, for an answer by rule. */
  body?: string;
  /** The client closed the connection before the answer was complete, this long after the request arrived. */
  closedAfterMs?: number;
  /** Body bytes written for a `streamBytes` answer. */
  bytesSent?: number;
}

/**
 * A Slack peer speaking the documented wire: the Web API's `auth.test` and `chat.postMessage`
 * (Bearer token, JSON, HTTP 200 with `ok: false` and an error code, HTTP 429 with Retry-After
 * past about one message per second per channel) and incoming webhooks (plain-text errors:
 * 400 invalid_payload, 404 no_service, 410 channel_is_archived, 500 rollup_error). It also
 * checks what Slack checks: a fallback `text`, known block types, section text within 3000.
 * For faults, it serves over https with a given certificate, and answers requests that match a
 * rule with something Slack would not send (a web page, a redirect, 50 MB, nothing for a while).
 */
export class FakeSlack {
  readonly posts: SlackPost[] = [];
  readonly requests: SeenAnswer[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly hooks = new Map<string, string>();
  private readonly lastPostAt = new Map<string, number>();
  /** Failures to play before normal answers: an HTTP status (with optional body) per request. */
  private readonly outages: Array<{ status: number; body?: string }> = [];
  /** Scripted answers, by request: the first rule that matches answers (see answer()). */
  private readonly rules: Array<{ match: (request: SeenRequest) => boolean; reply: RawReply }> = [];
  private server: Server | undefined;
  private seq = 0;
  url = '';
  /** TLS handshakes that failed (https only): a client that refused the certificate. */
  tlsFailures = 0;
  /** Slack's per-channel pace; set 0 to turn the limit off. */
  minIntervalMs = 1000;

  constructor(
    /** The one token accepted; a test may change it to revoke the bot's. */
    public token: string,
    private readonly now: () => number = Date.now,
  ) {}

  channel(id: string, options: Partial<Channel> = {}): this {
    this.channels.set(id, { member: true, archived: false, ...options });
    return this;
  }

  /** Registers an incoming webhook; returns its URL. */
  hook(path: string, channel: string): string {
    this.hooks.set(path, channel);
    return `${this.url}${path}`;
  }

  failNext(...failures: Array<{ status: number; body?: string }>): void {
    this.outages.push(...failures);
  }

  /** From now on, requests that `match` get `reply` instead of Slack's answer. */
  answer(match: (request: SeenRequest) => boolean, reply: RawReply): void {
    this.rules.push({ match, reply });
  }

  /** Listens on a loopback port: plain http, or https with `options.tls`. */
  async start(options: { tls?: KeyPair } = {}): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
    server.on('tlsClientError', () => this.tlsFailures++);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  postsTo(channel: string): SlackPost[] {
    return this.posts.filter((p) => p.channel === channel);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const seen: SeenRequest = { path, body: raw, channel: channelOf(raw) };
    const rule = this.rules.find((r) => r.match(seen));
    if (rule) return this.raw(seen, rule.reply, res, arrived);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ path, status });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers }).end(text);
    };
    const outage = this.outages.shift();
    if (outage) return send(outage.status, outage.body ?? 'rollup_error');
    if (path.startsWith('/services/')) return this.incomingWebhook(path, raw, send);
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(200, { ok: false, error: req.headers.authorization ? 'invalid_auth' : 'not_authed' });
    if (path === '/api/auth.test') return send(200, { ok: true, team: 'Acme', user: 'replywatch' });
    if (path !== '/api/chat.postMessage') return send(404, { ok: false, error: 'unknown_method' });
    let body: { channel?: string; text?: string; blocks?: SlackPost['blocks']; thread_ts?: string };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return send(200, { ok: false, error: 'invalid_json' });
    }
    const channel = this.channels.get(body.channel ?? '');
    if (!channel) return send(200, { ok: false, error: 'channel_not_found' });
    if (channel.archived) return send(200, { ok: false, error: 'is_archived' });
    if (!channel.member) return send(200, { ok: false, error: 'not_in_channel' });
    const problem = messageProblem(body);
    if (problem) return send(200, { ok: false, error: problem });
    const now = this.now();
    if (this.minIntervalMs > 0 && now - (this.lastPostAt.get(body.channel ?? '') ?? 0) < this.minIntervalMs) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    this.lastPostAt.set(body.channel ?? '', now);
    const ts = this.record(body.channel ?? '', body, 'bot');
    return send(200, { ok: true, channel: body.channel, ts });
  }

  private async raw(seen: SeenRequest, reply: RawReply, res: ServerResponse, arrived: number): Promise<void> {
    const record: SeenAnswer = { path: seen.path, status: 0, body: seen.body, ...(seen.channel === undefined ? {} : { channel: seen.channel }) };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.closedAfterMs = Date.now() - arrived;
    });
    if (reply.delayMs) await lateOrClosed(res, reply.delayMs);
    if (res.destroyed) return;
    record.status = reply.status;
    res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8', ...reply.headers });
    if (reply.streamBytes === undefined) return void res.end(reply.body ?? '');
    record.bytesSent = await streamBody(res, reply.streamBytes);
  }

  private incomingWebhook(path: string, raw: string, send: (status: number, body: unknown) => void): void {
    const channelId = this.hooks.get(path);
    if (channelId === undefined) return send(404, 'no_service');
    if (this.channels.get(channelId)?.archived) return send(410, 'channel_is_archived');
    let body: { text?: string; blocks?: SlackPost['blocks'] };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return send(400, 'invalid_payload');
    }
    if (messageProblem(body)) return send(400, 'invalid_payload');
    this.record(channelId, body, 'webhook');
    send(200, 'ok');
  }

  private record(channel: string, body: { text?: string; blocks?: SlackPost['blocks']; thread_ts?: string }, via: SlackPost['via']): string {
    const ts = `${Math.floor(this.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    this.posts.push({ channel, text: body.text ?? '', blocks: body.blocks ?? [], ts, via, ...(body.thread_ts ? { threadTs: body.thread_ts } : {}) });
    return ts;
  }
}

function channelOf(raw: string): string | undefined {
  try {
    const body = JSON.parse(raw) as { channel?: unknown } | null;
    return typeof body?.channel === 'string' ? body.channel : undefined;
  } catch {
    return undefined;
  }
}

const BLOCK_TYPES = new Set(['section', 'context', 'divider', 'header', 'actions', 'image']);

function messageProblem(body: { text?: string; blocks?: SlackPost['blocks'] }): string | undefined {
  if (typeof body.text !== 'string' || body.text === '') return 'no_text';
  if (body.text.length > 40_000) return 'msg_too_long';
  const blocks = body.blocks ?? [];
  if (blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks) {
    if (!BLOCK_TYPES.has(block.type)) return 'invalid_blocks';
    if (block.text && block.text.text.length > 3000) return 'invalid_blocks';
  }
  return undefined;
}
