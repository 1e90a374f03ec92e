import { enqueueDeliveries, type NewDelivery } from '../outbox/outbox-writer';
import { type Sql } from '../persistence/database';

const MINUTE = 60_000;

/**
 * Sends SLA alerts individually until a target has had `limit` of them in the current minute;
 * the rest of that minute goes into one digest delivery per target, sent when the minute ends.
 * Each alert still lands exactly once: either as its own delivery or as an item of the digest.
 */
export async function enqueueAlerts(sql: Sql, alerts: readonly NewDelivery[], limit: number, now: Date): Promise<number> {
  let written = 0;
  for (const alert of alerts) {
    const targetName = typeof alert.target.name === 'string' ? alert.target.name : '';
    const minuteStart = Math.floor(now.getTime() / MINUTE) * MINUTE;
    const [recent] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries
       WHERE kind = 'notify' AND connector = $1 AND target->>'name' = $2 AND created_at >= $3`,
      [alert.connector, targetName, new Date(minuteStart)],
    );
    if ((recent?.n ?? 0) < limit) {
      written += await enqueueDeliveries(sql, [alert], now);
      continue;
    }
    written += await addToDigest(sql, alert, targetName, minuteStart, now);
  }
  return written;
}

async function addToDigest(sql: Sql, alert: NewDelivery, targetName: string, minuteStart: number, now: Date): Promise<number> {
  const key = `digest:${alert.connector}:${targetName}:${new Date(minuteStart).toISOString()}`;
  const item = { key: alert.idempotencyKey, text: alert.payload.text, inquiryId: alert.inquiryId ?? null, conversation: alert.payload.conversation };
  // The digest waits for the end of its minute; items are appended while it is still pending.
  const created = await enqueueDeliveries(
    sql,
    [
      {
        idempotencyKey: key,
        connector: alert.connector,
        kind: 'digest',
        target: alert.target,
        notBefore: new Date(minuteStart + MINUTE),
        payload: { event: 'sla.digest', text: 'Too many SLA alerts at once; the rest of this minute:', items: [] },
      },
    ],
    now,
  );
  const appended = await sql.query(
    `UPDATE deliveries SET payload = jsonb_set(payload, '{items}', (payload->'items') || $2::jsonb), updated_at = $3
     WHERE idempotency_key = $1 AND status = 'pending' AND NOT (payload->'items' @> $4::jsonb)
     RETURNING id`,
    [key, JSON.stringify([item]), now, JSON.stringify([{ key: alert.idempotencyKey }])],
  );
  // A digest already sent (a very late alert) cannot grow; the alert goes out on its own.
  if (appended.length === 0) {
    const [has] = await sql.query(`SELECT 1 FROM deliveries WHERE idempotency_key = $1 AND payload->'items' @> $2::jsonb`, [
      key,
      JSON.stringify([{ key: alert.idempotencyKey }]),
    ]);
    if (!has) return created + (await enqueueDeliveries(sql, [alert], now));
  }
  return created + appended.length;
}
