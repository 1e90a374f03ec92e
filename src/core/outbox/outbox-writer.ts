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
  /**
   * Deliveries with the same key leave strictly in the order written. Defaults to the
   * connector and the target's name (one duty chat, one channel), or none for a connector
   * whose manifest says `deliveryOrder: none`; null opts out.
   */
  orderingKey?: string | null;
}

/** Notifications to one place should read in the order they happened. */
export function defaultOrderingKey(delivery: Pick<NewDelivery, 'connector' | 'target'>): string | null {
  const name = delivery.target.name;
  return typeof name === 'string' ? `${delivery.connector}/${name}` : null;
}

/**
 * Writes deliveries inside the caller's transaction (transactional outbox): the state change
 * and the deliveries it causes commit together or not at all.
 */
export async function enqueueDeliveries(sql: Sql, deliveries: readonly NewDelivery[], now: Date): Promise<number> {
  if (deliveries.length === 0) return 0;
  const rows = await sql.query(
    `INSERT INTO deliveries (idempotency_key, connector, kind, target, payload, inquiry_id, status, next_attempt_at, created_at, updated_at, ordering_key)
     SELECT d.idempotency_key, d.connector, d.kind, d.target, d.payload, d.inquiry_id, 'pending', COALESCE(d.not_before, $2), $2, $2,
            CASE WHEN d.default_order AND EXISTS (SELECT 1 FROM outbox_unordered_connectors u WHERE u.connector = d.connector) THEN NULL ELSE d.ordering_key END
     FROM json_to_recordset($1::json) AS d(ord int, idempotency_key text, connector text, kind text, target jsonb, payload jsonb, inquiry_id uuid, not_before timestamptz, ordering_key text, default_order boolean)
     ORDER BY d.ord
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      JSON.stringify(
        deliveries.map((d, ord) => ({
          ord,
          idempotency_key: d.idempotencyKey,
          connector: d.connector,
          kind: d.kind,
          target: d.target,
          payload: d.payload,
          inquiry_id: d.inquiryId ?? null,
          not_before: d.notBefore ?? null,
          ordering_key: d.orderingKey === undefined ? defaultOrderingKey(d) : d.orderingKey,
          default_order: d.orderingKey === undefined,
        })),
      ),
      now,
    ],
  );
  return rows.length;
}
