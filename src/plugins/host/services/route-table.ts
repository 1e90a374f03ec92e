import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { HttpProblem, type RouteHandler, type RouteOptions, type RouteRequest } from '../../sdk/http';
import { knownProblem } from '../../../core/http/problem.filter';
import { ClientGoneError, parseJsonBody, readRawBody } from '../../../core/http/read-body';

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_BODY_LIMIT = 16 * 1024 * 1024;
/** The hub's own endpoints; a connector cannot take them over. */
const RESERVED = ['/health', '/metrics', '/api/v1/inquiries', '/api/v1/deliveries', '/api/v1/reports', '/console'];

interface Route {
  connector: string;
  handler: RouteHandler;
  bodyLimit: number;
  contentTypes: readonly string[] | undefined;
  scrub: (text: string) => string;
}

/**
 * The HTTP routes connectors register (webhook endpoints). Served by one middleware placed in
 * front of the hub's controllers, so a connector needs no edit of the hub's module; the body
 * limit and content type are enforced here and the handler gets the exact bytes.
 */
@Injectable()
export class RouteTable {
  private readonly logger = new Logger('routes');
  private readonly routes = new Map<string, Route>();

  add(connector: string, method: 'GET' | 'POST', path: string, handler: RouteHandler, options: RouteOptions, scrub: (text: string) => string): void {
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes('//') || path.includes('/..')) throw new Error(`connector ${connector}: route path "${path}" must be a plain absolute path`);
    const reserved = RESERVED.find((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path === '/');
    if (reserved !== undefined) throw new Error(`connector ${connector}: route ${path} is the hub's own; use /${connector}/…`);
    const key = `${method} ${path}`;
    const existing = this.routes.get(key);
    if (existing && existing.connector !== connector) throw new Error(`connector ${connector}: ${key} is already served by connector ${existing.connector}`);
    const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!(bodyLimit > 0 && bodyLimit <= MAX_BODY_LIMIT)) throw new Error(`connector ${connector}: bodyLimit of ${key} must be 1..${MAX_BODY_LIMIT} bytes`);
    this.routes.set(key, { connector, handler, bodyLimit, contentTypes: options.contentTypes, scrub });
    this.logger.log(`${key} served by connector ${connector}`);
  }

  /** Express-style middleware: handles registered routes, passes everything else on. */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = this.routes.get(`${request.method ?? 'GET'} ${path}`);
    if (!route) return next();
    void this.serve(route, request, response);
  };

  private async serve(route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      checkContentType(route, request);
      const rawBody = request.method === 'GET' ? Buffer.alloc(0) : await readRawBody(request, route.bodyLimit);
      const url = new URL(request.url ?? '/', 'http://hub.invalid');
      const routeRequest: RouteRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        headers: headersOf(request),
        query: url.searchParams,
        rawBody,
        json: () => parseJsonBody(rawBody),
      };
      const answer = await route.handler(routeRequest);
      send(response, answer.status, answer.headers ?? {}, answer.body);
    } catch (error) {
      this.fail(route, response, error);
    }
  }

  private fail(route: Route, response: ServerResponse, error: unknown): void {
    if (error instanceof ClientGoneError) return void this.logger.debug(`${route.connector}: ${error.message}`);
    if (HttpProblem.is(error)) return sendProblem(response, error.problem, error.headers);
    // The hub's own errors from the sink (intake closed, database gone, invalid message).
    const known = knownProblem(error);
    if (known) return sendProblem(response, known.body, known.headers);
    this.logger.error(`connector ${route.connector} route failed: ${route.scrub(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
    sendProblem(response, { type: 'about:blank', title: 'Internal Server Error', status: 500 }, {});
  }
}

function checkContentType(route: Route, request: IncomingMessage): void {
  if (!route.contentTypes || request.method === 'GET') return;
  const given = (request.headers['content-type'] ?? '').toLowerCase();
  if (route.contentTypes.some((type) => given.startsWith(type.toLowerCase()))) return;
  throw new HttpProblem({ type: 'about:blank', title: 'Unsupported Media Type', status: 415, detail: `content-type must be ${route.contentTypes.join(' or ')}`, header: 'content-type' });
}

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (response.headersSent) return;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (body === undefined) return void response.writeHead(status).end();
  if (typeof body === 'string' || Buffer.isBuffer(body)) return void response.writeHead(status).end(body);
  if (!response.hasHeader('content-type')) response.setHeader('content-type', 'application/json; charset=utf-8');
  response.writeHead(status).end(JSON.stringify(body));
}

function sendProblem(response: ServerResponse, problem: { status: number; title: string; type?: string }, headers: Record<string, string>): void {
  send(response, problem.status, { ...headers, 'content-type': 'application/problem+json' }, JSON.stringify(problem));
}
