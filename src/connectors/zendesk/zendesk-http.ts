import { ConnectorError, outboundHttp, type HttpAnswer } from 'replywatch/sdk';

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
 * The Support API with the connector's credentials, through the SDK's outboundHttp (redirects
 * not followed: one could take the Authorization header elsewhere; one attempt bounded by the
 * timeout and the delivery's signal; the answer read up to a limit). Every status is an
 * answer; a request that gets none rejects with a TEMPORARY ConnectorError naming the call.
 */
export class ZendeskHttp {
  private readonly http = outboundHttp();

  constructor(
    private readonly api: string,
    private readonly authorization: string,
    private readonly timeoutMs: number,
  ) {}

  async request(request: ZendeskRequest): Promise<HttpAnswer> {
    const headers = { accept: 'application/json', authorization: this.authorization, ...request.headers };
    try {
      return await this.http.request(request.method, `${this.api}${request.path}`, request.body, { headers, timeoutMs: this.timeoutMs, signal: request.signal, maxResponseBytes: MAX_ANSWER_BYTES });
    } catch (error) {
      // No `cause`: the client's error carries the request's headers, the credentials among them.
      const what = `${request.method} ${request.path.replace(/\?.*$/, '')}`;
      const message = error instanceof Error ? error.message : String(error);
      throw new ConnectorError(error instanceof ConnectorError ? error.code : 'TEMPORARY', `Zendesk ${what}: ${message}`);
    }
  }
}
