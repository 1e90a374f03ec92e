import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { HttpProblem, problem, type ConnectorLogger, type RouteHandler, type RouteOptions, type RouteRequest, type RouteResponse } from '../sdk';

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_BODY_LIMIT = 16 * 1024 * 1024;

interface Route {
  handler: RouteHandler;
  bodyLimit: number;
  contentTypes: readonly string[] | undefined;
  logger: ConnectorLogger;
}

/**
 * Serves connectors' routes on 127.0.0.1 the way the hub does: exact paths, body limit (413),
 * content types (415), raw bytes to the handler, problem+json for an HttpProblem and a bare
 * 500 for anything else. One server can outlive a connector instance, so a restarted one
 * is reached at the same URL.
 */
export class RouteServer {
  private readonly routes = new Map<string, Route>();
  private server: Server | undefined;
  private starting: Promise<string> | undefined;

  /** Adds a route; returns a function that removes it again. */
  register(method: 'GET' | 'POST', path: string, handler: RouteHandler, options: RouteOptions, logger: ConnectorLogger): () => void {
    if (!path.startsWith('/')) throw new Error(`route path "${path}" must start with "/"`);
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`route ${key} is already registered`);
    const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!(bodyLimit > 0 && bodyLimit <= MAX_BODY_LIMIT)) throw new Error(`route ${key}: bodyLimit must be between 1 byte and 16 MiB`);
    const route: Route = { handler, bodyLimit, contentTypes: options.contentTypes, logger };
    this.routes.set(key, route);
    return () => {
      if (this.routes.get(key) === route) this.routes.delete(key);
    };
  }

  /** The base URL (`http://127.0.0.1:<port>`), starting the server on first use. */
  url(): Promise<string> {
    this.starting ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this.serve(req, res));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      this.server = server;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = this.routes.get(`${method} ${url.pathname}`);
    try {
      if (!route) throw this.missing(method, url.pathname);
      const rawBody = method === 'POST' ? await readBody(req, route) : await drain(req);
      const request: RouteRequest = { method, path: url.pathname, headers: headersOf(req), query: url.searchParams, rawBody, json: () => parseJson(rawBody) };
      send(res, await route.handler(request));
    } catch (error) {
      if (HttpProblem.is(error)) return sendProblem(req, res, error);
      route?.logger.error(`route ${method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  }

  private missing(method: string, path: string): HttpProblem {
    const other = method === 'POST' ? 'GET' : 'POST';
    if (this.routes.has(`${other} ${path}`)) return problem(405, 'Method Not Allowed', `${path} accepts ${other} only`, {}, { allow: other });
    return problem(404, 'Not Found', `no route ${path}`);
  }
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

async function readBody(req: IncomingMessage, route: Route): Promise<Buffer> {
  if (route.contentTypes) {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!route.contentTypes.some((accepted) => type.startsWith(accepted.toLowerCase()))) {
      req.resume();
      throw problem(415, 'Unsupported Media Type', `content-type must be one of: ${route.contentTypes.join(', ')}`, { header: 'content-type' });
    }
  }
  const tooLarge = (): HttpProblem => problem(413, 'Content Too Large', `the request body exceeds ${route.bodyLimit} bytes`, { header: 'content-length' });
  if (Number(req.headers['content-length'] ?? 0) > route.bodyLimit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > route.bodyLimit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<Buffer> {
  for await (const _chunk of req as AsyncIterable<Buffer>) {
    // A GET body is read and dropped, so the connection stays usable.
  }
  return Buffer.alloc(0);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw problem(400, 'Malformed JSON', position ? `the body is not valid JSON (at byte ${position})` : 'the body is not valid JSON');
  }
}

function send(res: ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  let body: string | Buffer = '';
  if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) body = response.body;
  else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    if (!hasType) headers['content-type'] = 'application/json';
  }
  if (typeof response.body === 'string' && !hasType) headers['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(response.status, headers).end(body);
}

function sendProblem(req: IncomingMessage, res: ServerResponse, error: HttpProblem): void {
  const status = Number.isInteger(error.problem.status) && error.problem.status >= 400 && error.problem.status <= 599 ? error.problem.status : 500;
  // Answering before the body was read: close the connection rather than read a large body.
  const close = req.complete ? {} : { connection: 'close' };
  res.writeHead(status, { ...error.headers, ...close, 'content-type': 'application/problem+json' }).end(JSON.stringify({ ...error.problem, status }));
}
