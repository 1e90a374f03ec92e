import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signatures: string[];
  /** Which of the receiver's secrets verified it (index into `secrets`), or -1. */
  verifiedBy: number;
  body: string;
  json: { type: string; version: number; timestamp: string; data: Record<string, unknown> } | undefined;
  path: string;
  /** The status it was answered with (undefined: dropped or not answered yet). */
  answered?: number;
}

/** What the receiver does with one request: answer, answer late, or drop the connection. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | { reset: true };

/**
 * A webhook receiver that checks Standard Webhooks signatures with its own HMAC code (not the
 * library the hub signs with): `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under
 * the base64-decoded part of each `whsec_` secret, timestamps within 5 minutes, constant-time
 * comparison. Unsigned or badly signed requests get 401, like a careful receiver. Replies are
 * scripted per request; by default 204.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;
  private script: Array<(request: ReceivedWebhook) => Reply | undefined> = [];
  /** Answers every request the script does not (default: 204). */
  otherwise: (request: ReceivedWebhook) => Reply = () => ({ status: 204 });
  url = '';

  constructor(
    public secrets: string[],
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Replies for the next requests, in order; after them, 204. A function may decline (undefined). */
  reply(...replies: Array<Reply | ((request: ReceivedWebhook) => Reply | undefined)>): void {
    this.script.push(...replies.map((r) => (typeof r === 'function' ? r : () => r)));
  }

  /** Ids of the requests answered 2xx: what a receiver has taken. */
  acceptedIds(): string[] {
    return this.received.filter((r) => r.verifiedBy >= 0 && (r.answered ?? 0) >= 200 && (r.answered ?? 0) < 300).map((r) => r.id);
  }

  /** Requests that verified, by webhook-id: a receiver deduplicates by it. */
  uniqueIds(): string[] {
    return [...new Set(this.received.filter((r) => r.verifiedBy >= 0).map((r) => r.id))];
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const id = header(req, 'webhook-id');
    const timestamp = Number(header(req, 'webhook-timestamp'));
    const signatures = header(req, 'webhook-signature').split(' ').filter(Boolean);
    const verifiedBy = this.verify(id, timestamp, body, signatures);
    let json: ReceivedWebhook['json'];
    try {
      json = JSON.parse(body) as ReceivedWebhook['json'];
    } catch {
      json = undefined;
    }
    const request: ReceivedWebhook = { id, timestamp, signatures, verifiedBy, body, json, path: req.url ?? '/' };
    this.received.push(request);
    if (verifiedBy < 0) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
    const next = this.script.shift();
    const reply = next?.(request) ?? this.otherwise(request);
    if ('reset' in reply) return void req.socket.destroy();
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    request.answered = reply.status;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
  }

  private verify(id: string, timestamp: number, body: string, signatures: string[]): number {
    if (!id || !Number.isFinite(timestamp) || Math.abs(this.now() / 1000 - timestamp) > 300) return -1;
    const content = Buffer.from(`${id}.${timestamp}.${body}`);
    return this.secrets.findIndex((secret) => {
      const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(content).digest();
      return signatures.some((signature) => {
        const [version, value] = signature.split(',');
        if (version !== 'v1' || value === undefined) return false;
        const given = Buffer.from(value, 'base64');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    });
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
