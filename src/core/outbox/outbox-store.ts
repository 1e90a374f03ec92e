import { type Database, type Sql } from '../persistence/database';
import { type DeliveryAttempt, type DeliveryStatus } from '../persistence/entities/delivery.entity';

export interface DeliveryRow {
  id: string;
  idempotency_key: string;
  connector: string;
  kind: string;
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  inquiry_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  failures: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  claimed_by: string | null;
  last_error: string | null;
  history: DeliveryAttempt[];
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
  dead_at: Date | null;
}

const HEAD_OF_LINE = `(d.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM deliveries e WHERE e.ordering_key = d.ordering_key AND e.status IN ('pending', 'in_flight') AND e.seq < d.seq))`;

/** A claim is ours only while status, claimant and attempt number are what we set. */
const OURS = `id = $1 AND status = 'in_flight' AND claimed_by = $2 AND attempts = $3`;

/** SQL of the outbox, for the worker, the CLI and the admin API. */
export class OutboxStore {
  constructor(private readonly db: Database) {}

  /**
   * Claims up to `limit` deliveries that are due, or whose claimant's lease ran out (it died
   * or hung). SKIP LOCKED lets replicas claim side by side without waiting on each other.
   */
  claim(workerId: string, now: Date, leaseMs: number, limit: number): Promise<DeliveryRow[]> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.transaction(async (sql) => {
      const expired = await this.claimWhere(sql, `status = 'in_flight' AND lease_until <= $1`, 'lease_until', [now, leaseUntil, workerId, limit]);
      // Only the oldest unfinished delivery of an ordering key may go; the rest wait their turn.
      const due = await this.claimWhere(sql, `status = 'pending' AND next_attempt_at <= $1 AND ${HEAD_OF_LINE}`, 'next_attempt_at, seq', [
        now,
        leaseUntil,
        workerId,
        limit - expired.length,
      ]);
      return [...expired, ...due];
    });
  }

  private claimWhere(sql: Sql, condition: string, order: string, params: [Date, Date, string, number]): Promise<DeliveryRow[]> {
    if (params[3] <= 0) return Promise.resolve([]);
    return sql.query<DeliveryRow>(
      `UPDATE deliveries SET status = 'in_flight', attempts = attempts + 1, lease_until = $2, claimed_by = $3, updated_at = $1
       WHERE id IN (SELECT d.id FROM deliveries d WHERE ${condition} ORDER BY ${order} LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      params,
    );
  }

  async markDelivered(row: DeliveryRow, now: Date, attempt: DeliveryAttempt, externalId: string | undefined): Promise<boolean> {
    const updated = await this.db.query(
      `UPDATE deliveries SET status = 'delivered', delivered_at = $4, updated_at = $4, lease_until = NULL, last_error = NULL,
         external_id = COALESCE($5, external_id), history = history || $6::jsonb
       WHERE ${OURS} RETURNING id`,
      [row.id, row.claimed_by, row.attempts, now, externalId ?? null, JSON.stringify([attempt])],
    );
    return updated.length === 1;
  }

  async scheduleRetry(row: DeliveryRow, now: Date, attempt: DeliveryAttempt, retryAt: Date, countsAsFailure: boolean): Promise<boolean> {
    const updated = await this.db.query(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = $4, updated_at = $5, lease_until = NULL,
         failures = failures + $6, last_error = $7, history = history || $8::jsonb
       WHERE ${OURS} RETURNING id`,
      [row.id, row.claimed_by, row.attempts, retryAt, now, countsAsFailure ? 1 : 0, attempt.error ?? null, JSON.stringify([attempt])],
    );
    return updated.length === 1;
  }

  async markDead(row: DeliveryRow, now: Date, attempt: DeliveryAttempt): Promise<boolean> {
    const updated = await this.db.query(
      `UPDATE deliveries SET status = 'dead', dead_at = $4, updated_at = $4, lease_until = NULL,
         failures = failures + 1, last_error = $5, history = history || $6::jsonb
       WHERE ${OURS} RETURNING id`,
      [row.id, row.claimed_by, row.attempts, now, attempt.error ?? null, JSON.stringify([attempt])],
    );
    return updated.length === 1;
  }

  /**
   * Puts dead letters back in line with the same idempotency key and a whole new attempt
   * budget: both counters start again (a delivery dead-lettered by the cap on all attempts
   * would otherwise get one try), and the history keeps every earlier attempt.
   */
  async replay(filter: { id?: string; since?: Date; until?: Date; connector?: string }, now: Date): Promise<string[]> {
    const note = JSON.stringify([{ attempt: 0, at: now.toISOString(), outcome: 'replayed' }]);
    const rows = await this.db.query<{ id: string }>(
      `UPDATE deliveries SET status = 'pending', failures = 0, attempts = 0, next_attempt_at = $1, updated_at = $1, dead_at = NULL,
         history = history || $2::jsonb
       WHERE status = 'dead' AND ($3::uuid IS NULL OR id = $3::uuid) AND ($4::timestamptz IS NULL OR dead_at >= $4)
         AND ($5::text IS NULL OR connector = $5) AND ($6::timestamptz IS NULL OR dead_at < $6)
       RETURNING id`,
      [now, note, filter.id ?? null, filter.since ?? null, filter.connector ?? null, filter.until ?? null],
    );
    return rows.map((r) => r.id);
  }

  list(filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT * FROM deliveries WHERE ($1::text IS NULL OR status = $1) ORDER BY updated_at DESC, id LIMIT $2`,
      [filter.status ?? null, filter.limit],
    );
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    const [row] = await this.db.query<DeliveryRow>(`SELECT * FROM deliveries WHERE id = $1`, [id]);
    return row;
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db.query<{ status: DeliveryStatus; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`);
    const counts: Record<DeliveryStatus, number> = { pending: 0, in_flight: 0, delivered: 0, dead: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /** When the next delivery falls due or the next lease runs out, if any. */
  /** When the worker has something to do next; a delivery waiting behind another does not count. */
  async nextWakeAt(): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }>(
      `SELECT LEAST(
         (SELECT min(next_attempt_at) FROM deliveries d WHERE status = 'pending' AND ${HEAD_OF_LINE}),
         (SELECT min(lease_until) FROM deliveries WHERE status = 'in_flight')) AS at`,
    );
    return row?.at ?? null;
  }
}
