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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Outbound HTTP as connectors need it (see outboundHttp). */
export interface OutboundHttp {
  /** POSTs `body` (a string as is; anything else as JSON). Rejects only with a ConnectorError. */
  post(url: string, body: unknown, options: HttpRequestOptions): Promise<HttpAnswer>;
  /**
   * Any method (since 2.9), for APIs that read and update as well as post (a helpdesk). `body`
   * undefined sends none; a string goes as is, anything else as JSON. Rejects only with a
   * ConnectorError.
   */
  request(method: HttpMethod, url: string, body: unknown, options: HttpRequestOptions): Promise<HttpAnswer>;
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
/**
 * Node's codes for a peer certificate that did not verify: OpenSSL's X509 verify results
 * (DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED, CERT_NOT_YET_VALID, CERT_REVOKED, …)
 * and the host name check (ERR_TLS_CERT_ALTNAME_INVALID).
 */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_|^INVALID_CA$|^INVALID_PURPOSE$|^PATH_LENGTH_EXCEEDED$|^HOSTNAME_MISMATCH$/;
/** A TLS handshake that failed for another reason: no common protocol, plain HTTP on an https port, a handshake timeout. */
const HANDSHAKE = /^EPROTO$|^ERR_SSL_|^ERR_TLS_/;
const DEFAULT_MAX_RESPONSE = 64 * 1024;
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * One HTTP client for a connector's deliveries (axios underneath): proxies from HTTP(S)_PROXY
 * and NO_PROXY; redirects not followed (a peer that moves must be configured, not obeyed,
 * and a redirect could carry a token to another host); each attempt bounded by its timeout
 * and the delivery's abort signal; the answer read as a stream and cut at a size limit, so a
 * huge or endless body costs nothing. TLS certificates are always verified (Node's trust
 * store, plus NODE_EXTRA_CA_CERTS for a private CA). Network failures become ConnectorErrors:
 * refused, reset, timed out and a certificate that does not verify are TEMPORARY (see
 * networkError for why a certificate is), so the outbox's retry budget ends them.
 */
export function outboundHttp(): OutboundHttp {
  const client = axios.create({ maxRedirects: 0, validateStatus: () => true, responseType: 'stream', decompress: true });
  return {
    post: (url, body, options) => send(client, 'POST', url, body, options),
    request: (method, url, body, options) => send(client, method, url, body, options),
  };
}

async function send(client: AxiosInstance, method: HttpMethod, url: string, body: unknown, options: HttpRequestOptions): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { ...(data === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  try {
    const response = await client.request<Readable>({ method, url, data, headers, signal });
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

/**
 * A failed request as a ConnectorError. A certificate that does not verify (self-signed, an
 * unknown or private CA, expired, issued for another host name) is TEMPORARY, on purpose, not
 * AUTH_FAILED or NOT_FOUND:
 * - nothing was sent: the handshake fails before the first byte of the request, so another
 *   attempt leaks nothing and cannot post twice; verification is never switched off;
 * - it will not fix itself within seconds, and the outbox does not retry within seconds: its
 *   schedule (5 s, 5 min, 30 min, 2 h, … 10 h) spans the time the usual fixes take — the peer
 *   renews or corrects its certificate, or the hub's operator trusts a private CA
 *   (NODE_EXTRA_CA_CERTS) or corrects the URL and restarts — after which the waiting
 *   deliveries go out by themselves, with no replay;
 * - AUTH_FAILED means "our credentials were refused": the outbox pauses the whole connector
 *   for it, which would stop every endpoint or channel for the certificate of one peer; and
 *   NOT_FOUND would dead-letter every event at once, for a fault that is often fixed in hours;
 * - it is never retried forever: past the retry budget the delivery is dead-lettered with this
 *   message, which is also its last error (and its target's in the outbox summary) meanwhile.
 * Other handshake failures (EPROTO: plain HTTP on the port, no common protocol) are TEMPORARY
 * for the same reasons.
 */
function networkError(error: unknown): ConnectorError {
  const code = isAxiosError(error) ? (error.code ?? '') : ((error as { code?: string } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (CERTIFICATE.test(code)) {
    const problem = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' ? `hostname mismatch: ${message}` : message;
    return new ConnectorError('TEMPORARY', `the peer's TLS certificate was not accepted (${problem}; ${code}), so nothing was sent: fix the certificate at the peer, or trust its CA with NODE_EXTRA_CA_CERTS`, { cause: error });
  }
  if (HANDSHAKE.test(code)) return new ConnectorError('TEMPORARY', `the TLS handshake with the peer failed (${code}: ${message}), so nothing was sent: is the URL's port serving https?`, { cause: error });
  if (NETWORK.has(code)) return new ConnectorError('TEMPORARY', `cannot reach the peer (${code}: ${message})`, { cause: error });
  return new ConnectorError('TEMPORARY', `the request failed (${code ? `${code}: ` : ''}${message})`, { cause: error });
}
