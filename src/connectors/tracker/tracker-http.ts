import { ConnectorError, outboundHttp, scrubSecrets, type HttpAnswer } from 'replywatch/sdk';
import { type TrackerConfig } from './tracker.config';

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Tracker's API with the connector's credentials: `Authorization: OAuth|Bearer <token>` and
 * exactly one organization header. Every answer is returned as is (the caller classifies it);
 * a request that gets no answer rejects with a TEMPORARY ConnectorError.
 * Both go through the SDK's outboundHttp: no redirects followed (one could carry the token to
 * another host), the answer read as a stream and capped, bounded by the timeout and the
 * caller's signal.
 */
export class TrackerApi {
  private readonly http = outboundHttp();
  private readonly base: string;

  constructor(private readonly config: TrackerConfig) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  /** The configured token, for scrubbing: it must never reach a message. */
  get secrets(): string[] {
    return [this.config.token];
  }

  post(path: string, body: unknown, signal: AbortSignal): Promise<HttpAnswer> {
    return this.send('POST', path, body, signal);
  }

  get(path: string, signal: AbortSignal): Promise<HttpAnswer> {
    return this.send('GET', path, undefined, signal);
  }

  private send(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<HttpAnswer> {
    return this.http.request(method, this.url(path), body, { headers: this.headers(), timeoutMs: this.config.timeout, signal, maxResponseBytes: MAX_RESPONSE_BYTES }).catch((error: unknown) => {
      throw this.scrubbed(error);
    });
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
