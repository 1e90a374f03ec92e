import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

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

/**
 * A Slack peer speaking the documented wire: the Web API's `auth.test` and `chat.postMessage`
 * (Bearer token, JSON, HTTP 200 with `ok: false` and an error code, HTTP 429 with Retry-After
 * past about one message per second per channel) and incoming webhooks (plain-text errors:
 * 400 invalid_payload, 404 no_service, 410 channel_is_archived, 500 rollup_error). It also
 * checks what Slack checks: a fallback `text`, known block types, section text within 3000.
 */
export class FakeSlack {
  readonly posts: SlackPost[] = [];
  readonly requests: Array<{ path: string; status: number }> = [];
  private readonly channels = new Map<string, Channel>();
  private readonly hooks = new Map<string, string>();
  private readonly lastPostAt = new Map<string, number>();
  /** Failures to play before normal answers: an HTTP status (with optional body) per request. */
  private readonly outages: Array<{ status: number; body?: string }> = [];
  private server: Server | undefined;
  private seq = 0;
  url = '';
  /** Slack's per-channel pace; set 0 to turn the limit off. */
  minIntervalMs = 1000;

  constructor(
    readonly token: string,
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

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
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
