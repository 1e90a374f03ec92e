/** A Bot API failure; the HTTP layer turns it into `{ok:false,…}` with the same HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(`${code}: ${description}`);
  }
}

export const badRequest = (what: string, parameters?: Record<string, unknown>): ApiError =>
  new ApiError(400, `Bad Request: ${what}`, parameters);

export type Params = Record<string, unknown>;

// Form and query values arrive as strings while JSON bodies carry numbers; accessors take
// both so every transport telegraf (or a hand-rolled client) might use reads the same.
export function optInt(p: Params, key: string): number | undefined {
  const value = p[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  throw badRequest(`invalid ${key} specified`);
}

export function reqInt(p: Params, key: string): number {
  const value = optInt(p, key);
  if (value === undefined) throw badRequest(`${key} is empty`);
  return value;
}

export function optStr(p: Params, key: string): string | undefined {
  const value = p[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`field "${key}" must be of type String`);
}

export function optBool(p: Params, key: string): boolean {
  const value = p[key];
  return value === true || value === 'true' || value === 1 || value === '1';
}

/** JSON-serialized fields (reply_markup, scope, allowed_updates…) may come as strings. */
export function optJson(p: Params, key: string): unknown {
  const value = p[key];
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`can't parse ${key} JSON object`);
  }
}

export function optObject(p: Params, key: string): Record<string, unknown> | undefined {
  const value = optJson(p, key);
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw badRequest(`can't parse ${key} JSON object`);
}

export function optArray(p: Params, key: string): unknown[] | undefined {
  const value = optJson(p, key);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value as unknown[];
  throw badRequest(`can't parse ${key} JSON array`);
}

/** chat_id may be numeric or an @username; returns the raw reference for the registry. */
export function chatRef(p: Params, key = 'chat_id'): number | string | undefined {
  const value = p[key];
  if (typeof value === 'string' && value.startsWith('@')) return value;
  return optInt(p, key);
}
