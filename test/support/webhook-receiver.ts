import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type KeyPair } from './test-certificates';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signatures: string[];
  /** Which of the receiver's secrets verified it (index into `secrets`), or -1. */
  verifiedBy: number;
  body: string;
  json: { type: string; version: number; timestamp: string; data: Record<string, unknown> } | undefined;
  path: string;
  /** When the request's body had arrived (the receiver's clock). */
  arrivedAt: number;
  /** The status it was answered with (undefined: dropped or not answered yet). */
  answered?: number;
  /** The connection closed before the answer was complete (the client gave up, or a `reset` reply), this long after the request arrived. */
  closedAfterMs?: number;
  /** Body bytes written for a `streamBytes` reply before the answer ended or the connection closed. */
  bytesSent?: number;
}

/**
 * What the receiver does with one request: answer, answer late, or drop the connection.
 * `streamBytes` answers with a body of that many bytes, written as the client reads it.
 */
export type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number; streamBytes?: number } | { reset: true };

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
  /** TLS handshakes that failed (https only): a client that refused the certificate. */
  tlsFailures = 0;

  constructor(
    public secrets: string[],
    private readonly now: () => number = Date.now,
  ) {}

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
    const arrived = Date.now();
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
    const request: ReceivedWebhook = { id, timestamp, signatures, verifiedBy, body, json, path: req.url ?? '/', arrivedAt: this.now() };
    this.received.push(request);
    res.on('close', () => {
      if (!res.writableFinished) request.closedAfterMs = Date.now() - arrived;
    });
    if (verifiedBy < 0) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
    const next = this.script.shift();
    const reply = next?.(request) ?? this.otherwise(request);
    if ('reset' in reply) return void req.socket.destroy();
    if (reply.delayMs) await lateOrClosed(res, reply.delayMs);
    if (res.destroyed) return;
    request.answered = reply.status;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    if (reply.streamBytes === undefined) return void res.end(reply.body ?? '');
    request.bytesSent = await streamBody(res, reply.streamBytes);
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

/** Waits `ms`, or less when the connection closes first (a client that gave up): no timer outlives it. */
export function lateOrClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

/**
 * Writes `total` bytes in 64 KiB chunks, each after the client took the last (backpressure),
 * and ends the answer; stops when the client closes the connection. Returns the bytes written.
 */
export async function streamBody(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  while (sent < total && !res.destroyed) {
    const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
  return sent;
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
