import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type InboundSource } from 'replywatch/testing';

export interface FakeUser {
  id: number;
  login: string;
  type: 'User' | 'Bot';
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  pull_request?: { url: string };
}

export interface FakeComment {
  id: number;
  issue_url: string;
  html_url: string;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  /** When set, a request with another bearer token gets 401; none is read anonymously. */
  token?: string;
  /** The server's clock, epoch ms (default Date.now). */
  now?: () => number;
  /** Every n-th request that is not a 304 gets a secondary-rate-limit 429 with `retry-after: 1`. */
  rateLimitEvery?: number;
}

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  status: number;
}

export const CUSTOMER: FakeUser = { id: 5001, login: 'customer-carla', type: 'User' };
export const STAFF: FakeUser = { id: 7001, login: 'support-sam', type: 'User' };
export const BOT: FakeUser = { id: 9001, login: 'helper[bot]', type: 'Bot' };

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * GitHub's issues API for one repository, as far as a poller sees it: `since` (inclusive, on
 * `updated_at`), `sort`/`direction`, `per_page` with `Link` pagination, ETags answered with
 * 304, bearer tokens, and rate limits (primary: 403 + `x-ratelimit-remaining: 0` +
 * `x-ratelimit-reset`; secondary: 429 + `retry-after`). Adding a comment bumps the issue's
 * `updated_at`, as on GitHub. Also an InboundSource for the contract kit.
 */
export class FakeGitHub implements InboundSource {
  readonly owner: string;
  readonly repo: string;
  readonly issues: FakeIssue[] = [];
  readonly comments: FakeComment[] = [];
  readonly requests: SeenRequest[] = [];
  url = '';
  private server: Server | undefined;
  private nextId = 1000;
  private counted = 0;
  private exhaustedUntil: number | undefined;

  constructor(private readonly options: FakeGitHubOptions = {}) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'widgets';
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addIssue(input: { title: string; body?: string | null; user?: FakeUser; pullRequest?: boolean; at?: number }): FakeIssue {
    const at = iso(input.at ?? this.now());
    const number = this.issues.length + 1;
    const issue: FakeIssue = { id: this.nextId++, number, title: input.title, body: input.body ?? null, user: input.user ?? CUSTOMER, created_at: at, updated_at: at };
    if (input.pullRequest) issue.pull_request = { url: `${this.url}/repos/${this.owner}/${this.repo}/pulls/${number}` };
    this.issues.push(issue);
    return issue;
  }

  addComment(issueNumber: number, input: { body: string; user?: FakeUser; at?: number }): FakeComment {
    const issue = this.issues.find((i) => i.number === issueNumber);
    if (!issue) throw new Error(`no issue #${issueNumber}`);
    const at = iso(input.at ?? this.now());
    const id = this.nextId++;
    const page = `https://github.com/${this.owner}/${this.repo}/${issue.pull_request ? 'pull' : 'issues'}/${issueNumber}#issuecomment-${id}`;
    const comment: FakeComment = { id, issue_url: `${this.url}/repos/${this.owner}/${this.repo}/issues/${issueNumber}`, html_url: page, body: input.body, user: input.user ?? CUSTOMER, created_at: at, updated_at: at };
    this.comments.push(comment);
    issue.updated_at = at;
    return comment;
  }

  editComment(id: number, body: string): void {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) throw new Error(`no comment ${id}`);
    comment.body = body;
    comment.updated_at = iso(this.now());
  }

  /** The primary limit is used up until `resetAt` (epoch ms). */
  exhaustRateLimit(resetAt: number): void {
    this.exhaustedUntil = resetAt;
  }

  // --- InboundSource ---------------------------------------------------------------------

  reset(): Promise<void> {
    this.issues.length = 0;
    this.comments.length = 0;
    this.exhaustedUntil = undefined;
    return Promise.resolve();
  }

  /**
   * A new issue with `count - 1` comments (the last by a bot when there are two or more), plus
   * a pull request with a comment, which the connector must skip and so are not returned.
   */
  publish(count: number): Promise<string[]> {
    const issue = this.addIssue({ title: `Order export fails (${this.nextId})`, body: 'The CSV export stops at 1000 rows.' });
    const ids = [`issue-${issue.number}`];
    for (let i = 1; i < count; i++) {
      const user = count > 2 && i === count - 1 ? BOT : CUSTOMER;
      ids.push(`comment-${this.addComment(issue.number, { body: `Still failing, attempt ${i}`, user }).id}`);
    }
    const pr = this.addIssue({ title: 'Fix export paging', body: 'Closes the export bug', user: STAFF, pullRequest: true });
    this.addComment(pr.number, { body: 'LGTM', user: STAFF });
    return Promise.resolve(ids);
  }

  // --- HTTP ------------------------------------------------------------------------------

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ path: url.pathname, query: url.searchParams, status });
      const limits = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(Math.ceil(this.now() / 1000) + 3600) };
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...limits, ...headers }).end(status === 304 ? undefined : JSON.stringify(body));
    };
    const auth = req.headers.authorization;
    if (auth !== undefined && (!this.options.token || auth !== `Bearer ${this.options.token}`)) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    const base = `/repos/${this.owner}/${this.repo}`;
    let list: Array<FakeIssue | FakeComment>;
    if (url.pathname === base) list = [];
    else if (url.pathname === `${base}/issues`) list = this.issuesFor(url.searchParams.get('state'));
    else if (url.pathname === `${base}/issues/comments`) list = [...this.comments];
    else return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

    const limited = this.rateLimit();
    if (limited) return send(limited.status, limited.body, limited.headers);
    if (url.pathname === base) return send(200, { id: 1, full_name: `${this.owner}/${this.repo}`, private: false, has_issues: true });

    const { items, next } = this.page(list, url);
    const json = JSON.stringify(items);
    const etag = `W/"${createHash('sha1').update(json).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      this.counted--; // conditional requests answered 304 do not count against the limit
      return send(304, undefined, { etag });
    }
    send(200, items, { etag, ...(next ? { link: `<${next}>; rel="next"` } : {}) });
  }

  private issuesFor(state: string | null): FakeIssue[] {
    // Every fake issue is open; `state=closed` would list none.
    return state === 'closed' ? [] : [...this.issues];
  }

  private page(list: Array<FakeIssue | FakeComment>, url: URL): { items: Array<FakeIssue | FakeComment>; next: string | undefined } {
    const query = url.searchParams;
    const since = query.get('since');
    let items = since ? list.filter((item) => Date.parse(item.updated_at) >= Date.parse(since)) : list;
    const sort = query.get('sort');
    if (sort === 'updated' || sort === 'created') {
      const key = sort === 'updated' ? 'updated_at' : 'created_at';
      const sign = query.get('direction') === 'asc' ? 1 : -1;
      items = [...items].sort((a, b) => sign * (Date.parse(a[key]) - Date.parse(b[key]) || a.id - b.id));
    } else {
      items = [...items].sort((a, b) => a.id - b.id);
    }
    // GitHub's default page is 30 items, its largest 100.
    const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
    const pageNo = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    if (pageNo * perPage >= items.length) return { items: slice, next: undefined };
    const next = new URL(url.toString());
    next.searchParams.set('page', String(pageNo + 1));
    return { items: slice, next: next.toString() };
  }

  private rateLimit(): { status: number; body: unknown; headers: Record<string, string> } | undefined {
    this.counted++;
    const now = this.now();
    if (this.exhaustedUntil !== undefined && now < this.exhaustedUntil) {
      const headers = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(this.exhaustedUntil / 1000)) };
      return { status: 403, body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/rate-limit' }, headers };
    }
    const every = this.options.rateLimitEvery;
    if (every && this.counted % every === 0) {
      return { status: 429, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': '1' } };
    }
    return undefined;
  }
}
