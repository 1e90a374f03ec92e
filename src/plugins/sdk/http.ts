import { HTTP_PROBLEM_BRAND, hasBrand } from './brand';

/** One HTTP request to a connector's route, with the exact body bytes for signature checks. */
export interface RouteRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  /** The body as received, within the route's size limit (checked by the hub). */
  rawBody: Buffer;
  /** The body parsed as JSON; throws a 400 problem (naming the byte) when it is not JSON. */
  json(): unknown;
}

export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export type RouteHandler = (request: RouteRequest) => Promise<RouteResponse>;

export interface RouteOptions {
  /** Largest body accepted, in bytes (default 1 MiB, at most 16 MiB); larger gets 413. */
  bodyLimit?: number;
  /** Accepted content types (prefix match, e.g. `application/json`); others get 415. */
  contentTypes?: readonly string[];
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/**
 * Throw from a route handler to answer with an RFC 9457 problem+json body. `detail` should say
 * which header or field is at fault, and never echo a secret.
 */
export class HttpProblem extends Error {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;

  constructor(problem: ProblemDetails, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'HttpProblem';
    this.problem = problem;
    this.headers = headers;
    Object.defineProperty(this, HTTP_PROBLEM_BRAND, { value: true });
  }

  /** True for an HttpProblem from any copy of the SDK. */
  static is(value: unknown): value is HttpProblem {
    return hasBrand(value, HTTP_PROBLEM_BRAND);
  }
}

export function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpProblem {
  return new HttpProblem({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...extra }, headers);
}
