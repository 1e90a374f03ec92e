import { type Sql } from '../persistence/database';

export interface NewDelivery {
  /** Same key, same delivery: enqueuing it again is a no-op, and every attempt carries it. */
  idempotencyKey: string;
  connector: string;
  kind: string;
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  inquiryId?: string | null;
  /** Earliest attempt; defaults to now. */
  notBefore?: Date;
}

/**
 * Writes deliveries inside the caller's transaction (transactional outbox): the state change
 * and the deliveries it causes commit together or not at all.
 */
export async function enqueueDeliveries(sql: Sql, deliveries: readonly NewDelivery[], now: Date): Promise<number> {
  let written = 0;
  for (const d of deliveries) {
    const rows = await sql.query(
      `INSERT INTO deliveries (idempotency_key, connector, kind, target, payload, inquiry_id, status,
         next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [d.idempotencyKey, d.connector, d.kind, JSON.stringify(d.target), JSON.stringify(d.payload), d.inquiryId ?? null, d.notBefore ?? now, now],
    );
    written += rows.length;
  }
  return written;
}
