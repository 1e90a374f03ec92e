import { type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultQueue } from './faults';
import { messageMethods } from './methods-messages';
import { serviceMethods } from './methods-service';
import { ApiError, optInt, type Params } from './params';
import { type BotApiState, type Handler } from './state';
import { type UploadedFile } from './types';
import { parseRequest, readBody } from './wire';

const METHODS: Record<string, Handler> = { ...messageMethods, ...serviceMethods };
// The real server matches method names case-insensitively.
const CANONICAL = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));
const PROXY_ERROR_PAGE = (status: number) =>
  `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`;

type Outcome =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'raw'; status: number; body: string; contentType: string }
  | { kind: 'drop' };

function errorOutcome(error: unknown): Outcome {
  const e = error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${String(error)}`);
  const body = { ok: false, error_code: e.code, description: e.description, ...(e.parameters && { parameters: e.parameters }) };
  return { kind: 'json', status: e.code, body };
}

/** Turns HTTP requests into method calls: auth, routing, scripted faults, replies. */
export class Dispatcher {
  readonly faults = new FaultQueue();
  tokenValid = true;
  /** Aborted on stop so delayed answers end instead of holding timers. */
  lifetime = new AbortController();
  readonly openResponses = new Set<ServerResponse>();

  constructor(
    private readonly state: BotApiState,
    private readonly token: string,
    private readonly maxBodyBytes?: number,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.serve(req, res);
    } catch (error) {
      // A bug in the fake must surface as a failed call in the test, not as an unhandled rejection.
      this.write(res, errorOutcome(error));
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.openResponses.add(res);
    const gone = new AbortController();
    res.on('close', () => {
      this.openResponses.delete(res);
      if (!res.writableFinished) gone.abort();
    });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/([^/]+)\/?$/.exec(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(req, this.maxBodyBytes);
    } catch {
      return this.write(res, errorOutcome(new ApiError(413, 'Request Entity Too Large')));
    }
    if (!match) return this.write(res, errorOutcome(new ApiError(404, 'Not Found')));
    const method = CANONICAL.get(match[2]!.toLowerCase()) ?? match[2]!;
    let parsed: { params: Params; files: UploadedFile[] } | ApiError;
    try {
      parsed = parseRequest(url.searchParams, req.headers['content-type'] ?? '', body);
    } catch (error) {
      parsed = error instanceof ApiError ? error : new ApiError(400, 'Bad Request: invalid request');
    }
    const record = this.state.recordCall(method, parsed instanceof ApiError ? {} : parsed.params);
    let outcome: Outcome;
    if (!this.tokenValid || safeDecode(match[1]!) !== this.token) outcome = errorOutcome(new ApiError(401, 'Unauthorized'));
    else if (!METHODS[method]) outcome = errorOutcome(new ApiError(404, 'Not Found: method not found'));
    else if (parsed instanceof ApiError) outcome = errorOutcome(parsed);
    else outcome = await this.invoke(method, parsed.params, parsed.files, gone.signal);
    record.status = outcome.kind === 'drop' ? 0 : outcome.status;
    this.write(res, outcome);
  }

  private async invoke(method: string, params: Params, files: UploadedFile[], signal: AbortSignal): Promise<Outcome> {
    const fault = this.faults.take(method, chatIdForFaults(this.state, params));
    const delay = this.faults.defaultDelay(method) + (fault?.kind === 'delay' ? fault.ms : 0);
    if (delay > 0) {
      const stopped = AbortSignal.any([this.lifetime.signal, signal]);
      if (await sleep(delay, false, { signal: stopped }).catch(() => true)) return { kind: 'drop' };
    }
    switch (fault?.kind) {
      case 'error':
        return errorOutcome(new ApiError(fault.code, fault.description, fault.parameters));
      case 'http': {
        const body = fault.body ?? PROXY_ERROR_PAGE(fault.status);
        const contentType = /^\s*[[{]/.test(body) ? 'application/json' : 'text/html';
        return { kind: 'raw', status: fault.status, body, contentType };
      }
      case 'drop':
        return { kind: 'drop' };
      default:
        break;
    }
    try {
      const result: unknown = await METHODS[method]!(this.state, { method, params, files, signal });
      return { kind: 'json', status: 200, body: { ok: true, result } };
    } catch (error) {
      return errorOutcome(error);
    }
  }

  private write(res: ServerResponse, outcome: Outcome): void {
    if (res.destroyed || res.writableEnded || res.headersSent) return;
    if (outcome.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    const isJson = outcome.kind === 'json';
    const body = isJson ? JSON.stringify(outcome.body) : outcome.body;
    res.writeHead(outcome.status, {
      'content-type': isJson ? 'application/json' : outcome.contentType,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  /** A method call returned in a webhook response body runs like a normal request, unseen by the receiver. */
  async runWebhookReply(call: Record<string, unknown>): Promise<void> {
    const { method: raw, ...params } = call;
    const method = CANONICAL.get(String(raw).toLowerCase());
    if (!method) return;
    const record = this.state.recordCall(method, params);
    const outcome = await this.invoke(method, params, [], this.lifetime.signal);
    record.status = outcome.kind === 'drop' ? 0 : outcome.status;
  }
}

function chatIdForFaults(state: BotApiState, params: Params): number | undefined {
  try {
    return optInt(params, 'chat_id');
  } catch {
    return typeof params.chat_id === 'string' ? state.chats.resolve(params.chat_id) : undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
