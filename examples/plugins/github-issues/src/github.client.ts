import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { ConnectorError, type Clock } from 'replywatch/sdk';
import { type z } from 'zod';
import { type GithubConfig } from './github.config';
import { answerError, githubMessage, transportError, type Headers } from './github.errors';

const REQUEST_TIMEOUT_MS = 30_000;

export type ListKind = 'issues' | 'comments';

/** One page of a list, or "unchanged" when GitHub answered 304 to our ETag. */
export type Fetched<T> = { notModified: true } | { notModified: false; items: T[]; etag: string | undefined; next: string | undefined };

/** The GitHub REST calls the connector makes, each one attempt; failures are ConnectorErrors. */
export class GithubClient {
  private readonly http: AxiosInstance;
  private readonly base: string;
  private readonly host: string;

  constructor(
    private readonly config: GithubConfig,
    private readonly clock: Clock,
  ) {
    const url = new URL(config.apiUrl);
    this.host = url.host;
    this.base = `${config.apiUrl}/repos/${encodeURIComponent(config.owner)}/${encodeURIComponent(config.repo)}`;
    // axios rather than fetch: it honours HTTP(S)_PROXY / NO_PROXY, which corporate networks need.
    this.http = axios.create({
      timeout: REQUEST_TIMEOUT_MS,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        // GitHub refuses requests without a User-Agent.
        'user-agent': 'replywatch-plugin-github-issues/0.1',
        ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
      },
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
  }

  get repository(): string {
    return `${this.config.owner}/${this.config.repo}`;
  }

  /**
   * The first page of a list, oldest change first: everything updated at or after `since`
   * (`state=all`, so closed issues are read too).
   */
  firstPageUrl(kind: ListKind, since: string): string {
    const path = kind === 'issues' ? '/issues?state=all&' : '/issues/comments?';
    return `${this.base}${path}sort=updated&direction=asc&per_page=${this.config.pageSize}&since=${encodeURIComponent(since)}`;
  }

  async list<T>(url: string, schema: z.ZodType<T>, options: { etag?: string; signal: AbortSignal }): Promise<Fetched<T>> {
    const what = `reading ${this.repository}`;
    const response = await this.get(url, what, options.signal, options.etag ? { 'if-none-match': options.etag } : {});
    if (response.status === 304) return { notModified: true };
    const headers = headersOf(response);
    if (response.status !== 200) throw this.failure(what, response, headers);
    const parsed = schema.array().safeParse(parseJson(response.data));
    if (!parsed.success) throw new ConnectorError('UNKNOWN', `unexpected answer from GitHub while ${what}: ${parsed.error.issues[0]?.message ?? 'not a list'}`);
    return { notModified: false, items: parsed.data, etag: headers.etag, next: this.nextLink(headers.link) };
  }

  /** `GET /repos/{owner}/{repo}`: whether the repository is there and readable. */
  async getRepository<T>(schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
    const what = `reading ${this.repository}`;
    const response = await this.get(this.base, what, signal, {});
    if (response.status !== 200) throw this.failure(what, response, headersOf(response));
    const parsed = schema.safeParse(parseJson(response.data));
    if (!parsed.success) throw new ConnectorError('UNKNOWN', `unexpected answer from GitHub while ${what}`);
    return parsed.data;
  }

  private async get(url: string, what: string, signal: AbortSignal, headers: Record<string, string>): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.get(url, { signal, headers });
    } catch (error) {
      if (signal.aborted) throw new ConnectorError('TEMPORARY', `stopped while ${what}`);
      // Not wrapped as `cause`: an axios error carries the request config, token header included.
      throw transportError(what, axios.isAxiosError(error) ? error.code : undefined, this.host);
    }
  }

  private failure(what: string, response: AxiosResponse<unknown>, headers: Headers): ConnectorError {
    const body = typeof response.data === 'string' ? response.data : '';
    return answerError(what, response.status, headers, githubMessage(body, (text) => this.scrub(text)), this.clock.now());
  }

  private scrub(text: string): string {
    const token = this.config.token;
    return token && token.length >= 4 ? text.split(token).join('[redacted]') : text;
  }

  /**
   * `Link: <…?page=2>; rel="next", <…>; rel="last"`. A next page on another origin is not
   * followed: the token would go with it.
   */
  private nextLink(link: string | undefined): string | undefined {
    if (!link) return undefined;
    for (const match of link.matchAll(/<([^>]+)>\s*;\s*rel="([^"]+)"/g)) {
      const [, target, rels] = match;
      if (!target || !rels?.split(/\s+/).includes('next')) continue;
      const next = new URL(target, this.config.apiUrl);
      return next.origin === new URL(this.config.apiUrl).origin ? next.toString() : undefined;
    }
    return undefined;
  }
}

function headersOf(response: AxiosResponse<unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
