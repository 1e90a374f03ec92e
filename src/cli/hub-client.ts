import { type HubAddress } from './hub-address';
import { hubUnreachable, unreachableReason } from './hub-unreachable';
import { UsageError } from './usage-error';

/** How long the hub may take to start answering; a long CSV export may then stream for longer. */
const ANSWER_TIMEOUT_MS = 60_000;

/** Nothing answered at the hub's address: the caller may read the database itself instead. */
export class HubUnreachableError extends Error {
  constructor(
    readonly url: string,
    /** In words: "connection refused: nothing listens there". */
    readonly reason: string,
    explained: Error,
  ) {
    super(explained.message, { cause: explained.cause });
    this.name = 'HubUnreachableError';
  }
}

/** A hub answered but would not serve the admin API to this command: a wrong or missing token. */
export class HubRefusedError extends Error {
  override name = 'HubRefusedError';
}

interface Problem {
  title?: unknown;
  detail?: unknown;
  parameter?: unknown;
}

/**
 * The running hub's admin API, as the CLI reads it: bearer ADMIN_TOKEN, problem+json errors
 * turned into words for a terminal. A request that reaches no hub is a HubUnreachableError; a
 * 401 or 403 is a HubRefusedError, so that a wrong token is never mistaken for "no hub".
 */
export class HubClient {
  constructor(
    readonly address: HubAddress,
    private readonly token: string,
    /** The command reading, for the advice in errors: `report`, `outbox list`. */
    private readonly command: string,
  ) {}

  /** The JSON body of a GET; undefined for a 404 when `allowNotFound` (an unknown id). */
  async json<T>(pathAndQuery: string, options: { allowNotFound?: boolean } = {}): Promise<T | undefined> {
    const response = await this.get(pathAndQuery, options);
    if (!response) return undefined;
    return (await response.json()) as T;
  }

  /** The body of a GET as a stream, for a CSV export. */
  async stream(pathAndQuery: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.get(pathAndQuery, {});
    if (!response?.body) throw new Error(`the hub at ${this.address.base} sent an empty answer to ${pathAndQuery}`);
    return response.body;
  }

  private async get(pathAndQuery: string, options: { allowNotFound?: boolean }): Promise<Response | undefined> {
    const url = `${this.address.base}${pathAndQuery}`;
    // Only the wait for an answer is bounded: an export may stream for a long while after it.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('no answer in time', 'TimeoutError')), ANSWER_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${this.token}` }, signal: abort.signal });
    } catch (error) {
      const explained = hubUnreachable(this.address.base, error, this.address.source, this.command);
      // A hub that took the request but did not answer in time is there: do not go around it.
      if (abort.signal.aborted) throw explained;
      throw new HubUnreachableError(this.address.base, unreachableReason(error), explained);
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    const problem = await readProblem(response);
    if (response.status === 404 && options.allowNotFound) return undefined;
    throw this.refusal(response.status, problem);
  }

  private configFile(): string {
    const source = this.address.source;
    return source.kind === 'config' && !source.builtIn ? source.file : 'hub.yaml';
  }

  private refusal(status: number, problem: Problem): Error {
    const detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : `HTTP ${status}`;
    const at = `the hub at ${this.address.base}`;
    if (status === 401) {
      return new HubRefusedError(`${at} refused the admin token (${detail}).\nSet ADMIN_TOKEN (or admin.token in ${this.configFile()}) to the token that hub runs with.`);
    }
    if (status === 403) {
      return new HubRefusedError(`${at} does not serve its admin API (${detail}).\nStart the hub with ADMIN_TOKEN set (the same token this command reads), or stop it to read the database directly.`);
    }
    // The command checks its words first, so a 400 is the hub's own view (an unknown tag in its rules).
    if (status === 400) return new UsageError(typeof problem.parameter === 'string' ? `--${detail}` : detail);
    if (status === 404) return new Error(`${at} has no ${this.command} endpoint (404): is it a replywatch hub of this version?`);
    return new Error(`${at} answered ${status}: ${detail}`);
  }
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return { detail: text.slice(0, 200) || undefined };
  }
}
