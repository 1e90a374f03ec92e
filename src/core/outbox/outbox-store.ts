import { type Database, type Sql } from '../persistence/database';
import { type DeliveryAttempt, type DeliveryStatus } from '../persistence/entities/delivery.entity';
import { circuitKey, CircuitStore, HEAD_OF_LINE, NOT_HELD } from './circuit-store';
import { type ConnectorLimits } from './delivery-policies';

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

/** Due, first in line for its ordering key, and not held by a breaker. */
const DUE = `status = 'pending' AND next_attempt_at <= $1 AND ${HEAD_OF_LINE} AND ${NOT_HELD}`;

/** How soon to look again when a connector's concurrency limit is full on other replicas. */
const FULL_RECHECK_MS = 100;

/** What one claim took, and what the worker needs to know about it. */
export interface Claim {
  rows: DeliveryRow[];
  /** Ids of the deliveries sent as a breaker's probe. */
  probes: Set<string>;
  /** A connector's limit held deliveries back: look again after this long. */
  throttledMs: number | undefined;
  /** Breakers (by circuitKey) with something for a success to reset. */
  unsettled: Set<string>;
  /** Some breaker holds deliveries (so the next wake-up may be its probe). */
  anyHeld: boolean;
}

/** A claim is ours only while status, claimant and attempt number are what we set. */
const OURS = `id = $1 AND status = 'in_flight' AND claimed_by = $2 AND attempts = $3`;

/** SQL of the outbox, for the worker, the CLI and the admin API. */
export class OutboxStore {
  readonly circuits: CircuitStore;

  constructor(private readonly db: Database) {
    this.circuits = new CircuitStore(db);
  }

  /**
   * Claims up to `limit` deliveries for one worker: those whose claimant's lease ran out (it
   * died or hung) first, then one probe per breaker whose wait is over, then due deliveries
   * that no breaker holds, within each connector's shared concurrency and rate limits. SKIP
   * LOCKED lets replicas claim side by side; the limits' bucket rows make them take turns.
   */
  claim(workerId: string, now: Date, leaseMs: number, limit: number, limits: readonly ConnectorLimits[] = []): Promise<Claim> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.transaction(async (sql) => {
      const claim: Claim = { rows: [], probes: new Set(), throttledMs: undefined, unsettled: new Set(), anyHeld: false };
      const take = async (condition: string, order: string, max: number, extra: unknown[] = []): Promise<DeliveryRow[]> => {
        const rows = await this.claimWhere(sql, condition, order, [now, leaseUntil, workerId, Math.min(max, limit - claim.rows.length), ...extra]);
        claim.rows.push(...rows);
        return rows;
      };
      const unsettled = await this.circuits.unsettled(sql);
      claim.unsettled = new Set(unsettled.map((c) => circuitKey(c.connector, c.target)));
      claim.anyHeld = unsettled.some((c) => c.state !== 'closed');
      await take(`status = 'in_flight' AND lease_until <= $1`, 'lease_until', limit);
      const probes = claim.anyHeld ? await this.circuits.takeProbes(sql, now, leaseUntil, limit - claim.rows.length) : [];
      for (const circuit of probes) {
        // The probe itself is held only by the breaker it probes.
        const [probe] = await take(`status = 'pending' AND next_attempt_at <= $1 AND ${HEAD_OF_LINE} AND connector = $5 AND ($6 = '' OR coalesce(target->>'name', '') = $6)`, 'next_attempt_at, seq', 1, [circuit.connector, circuit.target]);
        if (probe) claim.probes.add(probe.id);
        else await this.circuits.releaseProbe(sql, circuit, now);
      }
      for (const connectorLimits of limits) {
        if (claim.rows.length >= limit) break;
        const allowance = await this.limitAllowance(sql, connectorLimits, now, limit - claim.rows.length);
        const rows = allowance.n > 0 ? await take(`${DUE} AND connector = $5`, 'next_attempt_at, seq', allowance.n, [connectorLimits.connector]) : [];
        await this.spendTokens(sql, connectorLimits, rows.length, now, allowance.tokens);
        if (rows.length === allowance.n && allowance.waitMs !== undefined) claim.throttledMs = Math.min(claim.throttledMs ?? Infinity, allowance.waitMs);
      }
      const limited = limits.map((l) => l.connector);
      if (claim.rows.length < limit) await take(`${DUE} AND NOT (connector = ANY($5::text[]))`, 'next_attempt_at, seq', limit, [limited]);
      return claim;
    });
  }

  /**
   * How many of `connector`'s deliveries may start now: its bucket row is locked for the rest
   * of the claim, so replicas see each other's spending. `waitMs` says when more may start
   * if the limit, not a lack of due deliveries, is what stops the claim.
   */
  private async limitAllowance(sql: Sql, limits: ConnectorLimits, now: Date, room: number): Promise<{ n: number; tokens: number; waitMs: number | undefined }> {
    await sql.query(`INSERT INTO outbox_buckets (connector, tokens, refilled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [limits.connector, limits.burst, now]);
    const [bucket] = await sql.query<{ tokens: number; refilled_at: Date }>(`SELECT tokens, refilled_at FROM outbox_buckets WHERE connector = $1 FOR UPDATE`, [limits.connector]);
    let n = room;
    let tokens = Infinity;
    let waitMs: number | undefined;
    if (limits.ratePerSecond !== undefined && bucket) {
      const elapsed = Math.max(0, now.getTime() - new Date(bucket.refilled_at).getTime()) / 1000;
      tokens = Math.min(limits.burst, Number(bucket.tokens) + elapsed * limits.ratePerSecond);
      n = Math.min(n, Math.floor(tokens));
      waitMs = Math.ceil(((Math.floor(tokens) + 1 - tokens) / limits.ratePerSecond) * 1000);
    }
    if (limits.concurrency !== undefined) {
      const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE connector = $1 AND status = 'in_flight' AND lease_until > $2`, [limits.connector, now]);
      const free = Math.max(0, limits.concurrency - Number(row?.n ?? 0));
      // Full: a finishing attempt here wakes the worker; one on another replica is seen at the next look.
      if (free <= n) waitMs = Math.min(waitMs ?? Infinity, free === 0 ? FULL_RECHECK_MS : Infinity);
      n = Math.min(n, free);
    }
    return { n: Math.max(0, n), tokens, waitMs: waitMs === Infinity ? undefined : waitMs };
  }

  private async spendTokens(sql: Sql, limits: ConnectorLimits, spent: number, now: Date, tokens: number): Promise<void> {
    if (limits.ratePerSecond === undefined) return;
    await sql.query(`UPDATE outbox_buckets SET tokens = $2, refilled_at = $3 WHERE connector = $1`, [limits.connector, tokens - spent, now]);
  }

  private claimWhere(sql: Sql, condition: string, order: string, params: unknown[]): Promise<DeliveryRow[]> {
    if ((params[3] as number) <= 0) return Promise.resolve([]);
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

  /**
   * When the worker has something to do next: a delivery falls due, a lease runs out, or a
   * breaker's probe may go. Deliveries waiting behind another or held by a breaker do not count.
   */
  async nextWakeAt(options: { probes?: boolean } = {}): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }>(
      `SELECT LEAST(
         (SELECT min(next_attempt_at) FROM deliveries d WHERE status = 'pending' AND ${HEAD_OF_LINE} AND ${NOT_HELD}),
         (SELECT min(lease_until) FROM deliveries WHERE status = 'in_flight')) AS at`,
    );
    const probe = options.probes === false ? null : await this.circuits.nextProbeAt();
    const at = row?.at ?? null;
    if (!probe) return at;
    return !at || probe < at ? probe : at;
  }
}
