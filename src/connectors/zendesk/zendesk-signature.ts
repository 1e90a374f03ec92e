import { createHmac, timingSafeEqual } from 'node:crypto';
import { problem, type HttpProblem, type RouteRequest } from 'replywatch/sdk';

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/**
 * The one place the signed message's order lives: timestamp, then the raw body (CONTRACTS.md;
 * an older example in Zendesk's docs verifies as body + timestamp, the current one does not).
 */
export function zendeskSignature(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(timestamp, 'utf8')).update(rawBody).digest();
}

/**
 * Throws a 401 problem naming the header at fault unless the request carries Zendesk's
 * signature of its exact bytes under `secret`, made within ±`toleranceMs` of `now`.
 */
export function checkSignature(request: RouteRequest, secret: string, toleranceMs: number, now: number): void {
  const given = request.headers[SIGNATURE_HEADER];
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (given === undefined || given.trim() === '') throw refused(SIGNATURE_HEADER, `the ${headerName(SIGNATURE_HEADER)} header is missing`);
  if (timestamp === undefined || timestamp.trim() === '') throw refused(TIMESTAMP_HEADER, `the ${headerName(TIMESTAMP_HEADER)} header is missing`);
  const at = timestampMs(timestamp);
  if (at === undefined) throw refused(TIMESTAMP_HEADER, `the ${headerName(TIMESTAMP_HEADER)} header is not a time (expected ISO 8601 such as 2026-12-02T10:00:00Z)`);
  const skew = at - now;
  if (Math.abs(skew) > toleranceMs) {
    const minutes = Math.round(Math.abs(skew) / 60_000);
    throw refused(TIMESTAMP_HEADER, `the ${headerName(TIMESTAMP_HEADER)} header is ${minutes} min ${skew < 0 ? 'old' : 'ahead of the hub’s clock'}, more than the ${Math.round(toleranceMs / 1000)} s allowed (webhook.tolerance)`);
  }
  const expected = zendeskSignature(secret, timestamp, request.rawBody);
  const actual = Buffer.from(given.trim(), 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw refused(SIGNATURE_HEADER, `the ${headerName(SIGNATURE_HEADER)} header does not match the body: is connectors.zendesk.webhook.secret the webhook's signing secret?`);
  }
}

/** ISO 8601 as Zendesk sends it; digits alone are read as Unix seconds. */
function timestampMs(text: string): number | undefined {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

function refused(header: string, detail: string): HttpProblem {
  return problem(401, 'Unauthorized', `${detail}; nothing was changed`, { header });
}

function headerName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
}
