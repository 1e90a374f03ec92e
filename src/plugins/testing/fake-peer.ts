import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from './wait';

/** A request as the peer saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as requested, e.g. `/bot123:abc/sendMessage?x=1`. */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The client closed the connection before the peer answered. */
  aborted: boolean;
}

export interface PeerResponse {
  status: number;
  headers?: Record<string, string>;
  /**
   * A string is sent as is; anything else as JSON. For a status of 400 and up, an object (or no
   * body) also gets a `request` field echoing the method, URL and every header.
   */
  body?: unknown;
  /** Answer after this many ms of real time. */
  delayMs?: number;
  /** Never answer; the request stays open until the client goes away. */
  hang?: true;
}

export type PeerScript = PeerResponse | ((request: RecordedRequest) => PeerResponse);

/**
 * The remote API an outbound connector talks to. Its error answers echo the request URL and
 * every request header, as many real APIs do, so a connector that copies a response body
 * into its error message leaks its credentials where the kit can see it.
 */
export class FakePeer {
  readonly requests: RecordedRequest[] = [];
  private script: PeerScript = { status: 200, body: {} };
  private server: Server | undefined;
  private base: string | undefined;

  /** Starts listening on 127.0.0.1 (a free port); returns the base URL. */
  async start(): Promise<string> {
    if (this.base) return this.base;
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    this.base = await new Promise<string>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
    return this.base;
  }

  /** The base URL; start() first. */
  get url(): string {
    if (!this.base) throw new Error('FakePeer: call start() first');
    return this.base;
  }

  /** How the peer answers from now on (default 200 `{}`). */
  answer(script: PeerScript): void {
    this.script = script;
  }

  async waitForRequests(count: number, timeoutMs: number): Promise<void> {
    await waitUntil(() => this.requests.length >= count, timeoutMs, `${count} request(s) to the peer (saw ${this.requests.length})`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.base = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: headersOf(req), body: '', aborted: false };
    this.requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      recorded.body = Buffer.concat(chunks).toString('utf8');
    } catch {
      return; // the client went away while sending; 'close' has marked it
    }
    const response = typeof this.script === 'function' ? this.script(recorded) : this.script;
    if (response.hang) return;
    if (response.delayMs) await delay(response.delayMs);
    if (res.destroyed) return;
    const { body, type } = render(response, recorded);
    const own = response.headers ?? {};
    const typed = Object.keys(own).some((name) => name.toLowerCase() === 'content-type');
    const headers = { ...(type && !typed ? { 'content-type': type } : {}), ...own };
    res.writeHead(response.status, headers).end(body);
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function render(response: PeerResponse, request: RecordedRequest): { body: string; type: string | undefined } {
  let body = response.body;
  if (response.status >= 400 && (body === undefined || isPlainObject(body))) {
    const echo = { method: request.method, url: request.url, headers: request.headers };
    body = { error: STATUS_CODES[response.status] ?? 'Error', ...(isPlainObject(body) ? body : {}), request: echo };
  }
  if (body === undefined || response.status === 204 || response.status === 304) return { body: '', type: undefined };
  if (typeof body === 'string') return { body, type: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), type: 'application/json' };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
