import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { ConnectorError, type HttpAnswer } from 'replywatch/sdk';

const MAX_ANSWER_BYTES = 1024 * 1024;

export interface ZendeskRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Under the API's address, e.g. `/api/v2/tickets.json?external_id=…`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/**
 * The Support API over HTTP. The SDK's outboundHttp() only POSTs, and Zendesk needs GET and
 * PUT too, so this is the same recipe for every method: axios, redirects not followed (one
 * could take the Authorization header elsewhere), one attempt bounded by the timeout and the
 * delivery's signal, the answer read up to a limit. Every status is an answer; a request that
 * gets none rejects with a TEMPORARY ConnectorError.
 */
export class ZendeskHttp {
  private readonly client: AxiosInstance = axios.create({ maxRedirects: 0, validateStatus: () => true, responseType: 'stream', decompress: true });

  constructor(
    private readonly api: string,
    private readonly authorization: string,
    private readonly timeoutMs: number,
  ) {}

  async request(request: ZendeskRequest): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    const data = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers = { accept: 'application/json', authorization: this.authorization, ...(data === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers };
    try {
      const response = await this.client.request<Readable>({ method: request.method, url: `${this.api}${request.path}`, data, headers, signal });
      return { status: response.status, body: await readCapped(response.data), headers: response.headers as IncomingHttpHeaders };
    } catch (error) {
      const what = `${request.method} ${request.path.replace(/\?.*$/, '')}`;
      if (timeout.aborted) throw new ConnectorError('TEMPORARY', `Zendesk did not answer ${what} within ${this.timeoutMs} ms; the request was aborted`);
      if (request.signal.aborted) throw new ConnectorError('TEMPORARY', `${what}: the attempt was aborted by the hub`);
      const code = isAxiosError(error) ? (error.code ?? '') : '';
      const message = error instanceof Error ? error.message : String(error);
      throw new ConnectorError('TEMPORARY', `cannot reach Zendesk for ${what} (${code ? `${code}: ` : ''}${message})`);
    }
  }
}

async function readCapped(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer.subarray(0, Math.max(0, MAX_ANSWER_BYTES - size)));
      size += buffer.length;
      if (size >= MAX_ANSWER_BYTES) break;
    }
  } catch {
    // A body cut off by the peer still has a status worth reporting.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
