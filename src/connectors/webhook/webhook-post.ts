import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ConnectorError } from 'replywatch/sdk';

export interface PostAnswer {
  status: number;
  /** The start of the receiver's body (capped), for error messages. */
  body: string;
  headers: IncomingHttpHeaders;
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;

/**
 * One axios instance per connector: redirects are not followed (a receiver moving the hub's
 * events to another host must be configured, not obeyed), every status is an answer, and the
 * body is read as a stream and cut at `maxResponseBytes`. Proxies come from HTTP(S)_PROXY and
 * NO_PROXY, which axios honours.
 */
export function createHttpClient(): AxiosInstance {
  return axios.create({ maxRedirects: 0, validateStatus: () => true, responseType: 'stream', decompress: true });
}

export async function postJson(http: AxiosInstance, url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; signal: AbortSignal; maxResponseBytes: number }): Promise<PostAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  try {
    const response = await http.post<Readable>(url, body, { headers: { 'content-type': 'application/json', 'user-agent': 'replywatch-webhooks/1', ...headers }, signal });
    return { status: response.status, body: await readCapped(response.data, options.maxResponseBytes), headers: response.headers as IncomingHttpHeaders };
  } catch (error) {
    if (timeout.aborted) throw new ConnectorError('TEMPORARY', `no answer within ${options.timeoutMs} ms; the attempt was aborted`, { cause: error });
    if (options.signal.aborted) throw new ConnectorError('TEMPORARY', 'the attempt was aborted by the hub', { cause: error });
    throw networkError(error);
  }
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
    // A body cut off by the receiver still has a status worth reporting.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function networkError(error: unknown): ConnectorError {
  const code = isAxiosError(error) ? (error.code ?? '') : ((error as { code?: string })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (TLS.test(code) || TLS.test(message)) return new ConnectorError('AUTH_FAILED', `the receiver's TLS certificate was not accepted (${code || message})`, { cause: error });
  if (NETWORK.has(code)) return new ConnectorError('TEMPORARY', `cannot reach the receiver (${code}: ${message})`, { cause: error });
  return new ConnectorError('TEMPORARY', `the request failed (${code ? `${code}: ` : ''}${message})`, { cause: error });
}
