import { timingSafeEqual } from 'node:crypto';
import { type RouteRequest, type RouteResponse } from 'replywatch/sdk';
import { type WireUpdate } from './telegram.wire';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are small; anything near this is not one. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export type WebhookOutcome = 'accepted' | 'failed' | 'stopped';

/**
 * Webhook mode: Telegram posts each update to /telegram/webhook. Answers 200 only after the
 * update is committed; a failure answers 500 and Telegram delivers it again later. A wrong or
 * missing secret header is 401, a body that is not an update 400 (Telegram would only resend it).
 */
export async function receiveWebhook(request: RouteRequest, secretToken: string, process: (update: WireUpdate) => Promise<WebhookOutcome>): Promise<RouteResponse> {
  if (!sameSecret(request.headers[SECRET_HEADER], secretToken)) return { status: 401, body: { ok: false, description: `missing or wrong ${SECRET_HEADER} header` } };
  let update: unknown;
  try {
    update = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { status: 400, body: { ok: false, description: 'the body is not a JSON update' } };
  }
  if (typeof update !== 'object' || update === null || typeof (update as { update_id?: unknown }).update_id !== 'number') {
    return { status: 400, body: { ok: false, description: 'the body is not an update (no update_id)' } };
  }
  const outcome = await process(update as WireUpdate);
  return { status: { accepted: 200, failed: 500, stopped: 503 }[outcome], body: { ok: outcome === 'accepted' } };
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
