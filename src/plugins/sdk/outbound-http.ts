import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ConnectorError } from './connector-error';

/** A peer's answer: every status is an answer; the body is the start of it, capped. */
export interface HttpAnswer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  /** One attempt's limit: the request is aborted after it and the attempt fails (TEMPORARY). */
  timeoutMs: number;
  /** The delivery's signal (DeliverOptions.signal): the hub gave up on the attempt. */
  signal: AbortSignal;
  /** The most of the answer that is read; the rest is dropped unread. Default 64 KiB. */
  maxResponseBytes?: number;
}

/** Outbound HTTP as connectors need it (see outboundHttp). */
export interface OutboundHttp {
  /** POSTs `body` (a string as is; anything else as JSON). Rejects only with a ConnectorError. */
  post(url: string, body: unknown, options: HttpRequestOptions): Promise<HttpAnswer>;
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;
const DEFAULT_MAX_RESPONSE = 64 * 1024;
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * One HTTP client for a connector's deliveries (axios underneath): proxies from HTTP(S)_PROXY
 * and NO_PROXY; redirects not followed (a peer that moves must be configured, not obeyed,
 * and a redirect could carry a token to another host); each attempt bounded by its timeout
 * and the delivery's abort signal; the answer read as a stream and cut at a size limit, so a
 * huge or endless body costs nothing. Network failures become ConnectorErrors: refused,
 * reset and timed out are TEMPORARY; a certificate that does not verify is AUTH_FAILED.
 */
export function outboundHttp(): OutboundHttp {
  const client = axios.create({ maxRedirects: 0, validateStatus: () => true, responseType: 'stream', decompress: true });
  return { post: (url, body, options) => post(client, url, body, options) };
}

async function post(client: AxiosInstance, url: string, body: unknown, options: HttpRequestOptions): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const response = await client.post<Readable>(url, data, { headers: { 'content-type': 'application/json', ...options.headers }, signal });
    return { status: response.status, body: await readCapped(response.data, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE), headers: response.headers as IncomingHttpHeaders };
  } catch (error) {
    if (timeout.aborted) throw new ConnectorError('TEMPORARY', `no answer within ${options.timeoutMs} ms; the attempt was aborted`, { cause: error });
    if (options.signal.aborted) throw new ConnectorError('TEMPORARY', 'the attempt was aborted by the hub', { cause: error });
    throw networkError(error);
  }
}

/**
 * A `Retry-After` header in ms: seconds or an HTTP date, against `now` (the hub's clock).
 * Capped at an hour, so a broken header cannot park deliveries for days.
 */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/** The start of a peer's body on one line, for an error message in the peer's own words. */
export function bodySnippet(body: string, max = 300): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, max);
}

async function readCapped(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer.subarray(0, Math.max(0, limit - size)));
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // A body cut off by the peer still has a status worth reporting.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function networkError(error: unknown): ConnectorError {
  const code = isAxiosError(error) ? (error.code ?? '') : ((error as { code?: string } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (TLS.test(code) || TLS.test(message)) return new ConnectorError('AUTH_FAILED', `the peer's TLS certificate was not accepted (${code || message})`, { cause: error });
  if (NETWORK.has(code)) return new ConnectorError('TEMPORARY', `cannot reach the peer (${code}: ${message})`, { cause: error });
  return new ConnectorError('TEMPORARY', `the request failed (${code ? `${code}: ` : ''}${message})`, { cause: error });
}
