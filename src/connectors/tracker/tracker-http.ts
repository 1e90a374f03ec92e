import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import axios, { isAxiosError } from 'axios';
import { ConnectorError, outboundHttp, scrubSecrets, type HttpAnswer } from 'replywatch/sdk';
import { type TrackerConfig } from './tracker.config';

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Tracker's API with the connector's credentials: `Authorization: OAuth|Bearer <token>` and
 * exactly one organization header. Every answer is returned as is (the caller classifies it);
 * a request that gets no answer rejects with a TEMPORARY ConnectorError.
 *
 * POST goes through the SDK's outboundHttp. The SDK has no GET (contract 2.9), and Tracker
 * reads (`/v2/myself`, an issue, its comments) are GETs only, so `get` is a stand-in here with
 * the same rules: no redirects followed (one could carry the token to another host), the
 * answer read as a stream and capped, bounded by the timeout and the caller's signal.
 * Replace it with the SDK's once there is one.
 */
export class TrackerApi {
  private readonly post$ = outboundHttp();
  private readonly client = axios.create({ maxRedirects: 0, validateStatus: () => true, responseType: 'stream', decompress: true });
  private readonly base: string;

  constructor(private readonly config: TrackerConfig) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  /** The configured token, for scrubbing: it must never reach a message. */
  get secrets(): string[] {
    return [this.config.token];
  }

  post(path: string, body: unknown, signal: AbortSignal): Promise<HttpAnswer> {
    return this.post$.post(this.url(path), body, { headers: this.headers(), timeoutMs: this.config.timeout, signal, maxResponseBytes: MAX_RESPONSE_BYTES }).catch((error: unknown) => {
      throw this.scrubbed(error);
    });
  }

  async get(path: string, signal: AbortSignal): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(this.config.timeout);
    try {
      const response = await this.client.get<Readable>(this.url(path), { headers: this.headers(), signal: AbortSignal.any([signal, timeout]) });
      return { status: response.status, body: await readCapped(response.data, MAX_RESPONSE_BYTES), headers: response.headers as IncomingHttpHeaders };
    } catch (error) {
      // No `cause`: an axios error carries the request's headers, the token among them.
      if (timeout.aborted) throw new ConnectorError('TEMPORARY', `Tracker gave no answer within ${this.config.timeout} ms; the request was aborted`);
      if (signal.aborted) throw new ConnectorError('TEMPORARY', 'the request to Tracker was aborted by the hub');
      const code = isAxiosError(error) ? (error.code ?? '') : '';
      const message = error instanceof Error ? error.message : String(error);
      throw new ConnectorError('TEMPORARY', this.scrub(`cannot reach Tracker (${code ? `${code}: ` : ''}${message})`));
    }
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  private headers(): Record<string, string> {
    const [orgHeader, org] = this.config.orgId !== undefined ? ['x-org-id', this.config.orgId] : ['x-cloud-org-id', this.config.cloudOrgId ?? ''];
    return { authorization: `${this.config.tokenType} ${this.config.token}`, accept: 'application/json', 'user-agent': 'replywatch-tracker/1', [orgHeader]: org };
  }

  private url(path: string): string {
    return `${this.base}${path}`;
  }

  /** The SDK's error without its cause (an axios error holding the request's headers), scrubbed. */
  private scrubbed(error: unknown): ConnectorError {
    if (!(error instanceof ConnectorError)) return new ConnectorError('TEMPORARY', this.scrub(`the request to Tracker failed (${error instanceof Error ? error.message : String(error)})`));
    return new ConnectorError(error.code, this.scrub(error.message), error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs });
  }
}

/** A path segment for an issue (its key or id) or a transition id. */
export function segment(value: string): string {
  return encodeURIComponent(value);
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
