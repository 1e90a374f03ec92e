import { type Request } from 'express';
import { readRawBody } from '../http/read-body';

/** An HTML form's fields (application/x-www-form-urlencoded); the hub has no global body parser. */
export async function readForm(req: Request, limit = 16 * 1024): Promise<URLSearchParams> {
  const raw = await readRawBody(req, limit);
  return new URLSearchParams(raw.toString('utf8'));
}

/** A browser script asked (fetch with Accept: application/json), not a plain form post. */
export function wantsJson(req: Request): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

/** One query parameter as a short string; repeated or oversized values count as absent. */
export function queryParam(req: Request, name: string, max = 200): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : undefined;
}
