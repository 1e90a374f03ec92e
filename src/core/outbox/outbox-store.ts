import { type Database, type Sql } from '../persistence/database';
import { type DeliveryAttempt } from '../persistence/entities/delivery.entity';
import { type DeliveryStatus } from '../persistence/statuses';
import { circuitKey, CircuitStore, HEAD_OF_LINE, NOT_HELD } from './circuit-store';
import { type ConnectorLimits } from './delivery-policies';
import { ASYNC_COMMIT } from './async-commit';
import { DeliveredMarks } from './delivered-marks';
import { type DueRun, findDueRuns, KEY_HEADS, lockRuns } from './due-runs';

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

/** How soon to look again when a connector's concurrency limit is full on other replicas. */
const FULL_RECHECK_MS = 100;

/** How often a claim also looks for claims whose lease ran out. */
const LEASE_SWEEP_MS = 1000;

/** What one claim took, and what the worker needs to know about it. */
export interface Claim {
  rows: DeliveryRow[];
  /** The same deliveries as runs (`rows` is them flattened): each run is sent in order, one after another. */
  runs: DeliveryRow[][];
  /** Ids of the deliveries sent as a breaker's probe. */
  probes: Set<string>;
  /** A connector's limit held deliveries back: look again after this long. */
  throttledMs: number | undefined;
  /** Breakers (by circuitKey) with something for a success to reset. */
  unsettled: Set<string>;
  /** Some breaker holds deliveries (so the next wake-up may be its probe). */
  anyHeld: boolean;
}

/** Which dead letters a replay puts back in line; `target` is the duty target's name. */
export interface ReplayFilter {
  id?: string;
  since?: Date;
  until?: Date;
  connector?: string;
  target?: string;
}

/** A claim is ours only while status, claimant and attempt number are what we set. */
const OURS = `id = $1 AND status = 'in_flight' AND claimed_by = $2 AND attempts = $3`;

/** SQL of the outbox, for the worker, the CLI and the admin API. */
export class OutboxStore {
  readonly circuits: CircuitStore;
  /** When this process next puts deliveries whose lease ran out back in line. */
  private nextLeaseSweep = -Infinity;
  /** Successes are written together; every worker of this process shares one writer. */
  readonly deliveredMarks: DeliveredMarks;

  constructor(private readonly db: Database) {
    this.circuits = new CircuitStore(db);
    this.deliveredMarks = new DeliveredMarks(db);
  }

  /**
   * Claims deliveries for one worker, up to `limit` runs of up to `runLength` each. First the
   * claims whose lease ran out (their worker died or hung) go back in line, in their order;
   * then one probe per breaker whose wait is over; then due runs that no breaker holds, within
   * each connector's shared concurrency and rate limits (one delivery a run there: a run holds
   * its deliveries in flight while it sends them one by one). SKIP LOCKED lets replicas claim
   * side by side; the limits' bucket rows make them take turns.
   */
  claim(workerId: string, now: Date, leaseMs: number, limit: number, limits: readonly ConnectorLimits[] = [], runLength = 1): Promise<Claim> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.transaction(async (sql) => {
      await sql.query(ASYNC_COMMIT);
      const claim: Claim = { rows: [], runs: [], probes: new Set(), throttledMs: undefined, unsettled: new Set(), anyHeld: false };
      const room = (): number => limit - claim.runs.length;
      const takeRuns = async (runs: DueRun[]): Promise<number> => {
        const locked = await lockRuns(sql, runs, now);
        const ids = locked.flatMap((r) => r.ids);
        if (ids.length === 0) return 0;
        const rows = await sql.query<DeliveryRow>(
          `UPDATE deliveries SET status = 'in_flight', attempts = attempts + 1, lease_until = $2, claimed_by = $3, updated_at = $1
            WHERE id = ANY($4::uuid[]) RETURNING *`,
          [now, leaseUntil, workerId, ids],
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const run of locked) claim.runs.push(run.ids.map((id) => byId.get(id)).filter((r): r is DeliveryRow => r !== undefined));
        return ids.length;
      };
      const unsettled = await this.circuits.unsettled(sql);
      claim.unsettled = new Set(unsettled.map((c) => circuitKey(c.connector, c.target)));
      claim.anyHeld = unsettled.some((c) => c.state !== 'closed');
      if (now.getTime() >= this.nextLeaseSweep) {
        // Leases are long (a minute by default): looking once a second is plenty, and under
        // load a claim runs many times a second.
        this.nextLeaseSweep = now.getTime() + LEASE_SWEEP_MS;
        // Back in line rather than claimed as they are: a dead worker's run holds several
        // deliveries of one key, and they must go out one after another again.
        await sql.query(`UPDATE deliveries SET status = 'pending', lease_until = NULL, updated_at = $1 WHERE status = 'in_flight' AND lease_until <= $1`, [now]);
      }
      const probes = claim.anyHeld ? await this.circuits.takeProbes(sql, now, leaseUntil, room()) : [];
      for (const circuit of probes) {
        // The probe itself is held only by the breaker it probes.
        const [probe] = await sql.query<{ id: string; due: Date; seq: string }>(
          `SELECT d.id, d.next_attempt_at AS due, d.seq FROM deliveries d
            WHERE status = 'pending' AND next_attempt_at <= $1 AND ${HEAD_OF_LINE} AND connector = $2 AND ($3 = '' OR coalesce(target->>'name', '') = $3)
            ORDER BY next_attempt_at, seq LIMIT 1`,
          [now, circuit.connector, circuit.target],
        );
        const taken = probe ? await takeRuns([{ ids: [probe.id], due: probe.due, seq: Number(probe.seq) }]) : 0;
        if (probe && taken > 0) claim.probes.add(probe.id);
        else await this.circuits.releaseProbe(sql, circuit, now);
      }
      // The search for due runs is a recursive query that costs milliseconds to plan even on an
      // empty table; an idle hub polls every second, so one index probe decides first.
      if (room() <= 0 || !(await anyDue(sql, now))) return { ...claim, rows: claim.runs.flat() };
      for (const connectorLimits of limits) {
        if (room() <= 0) break;
        const allowance = await this.limitAllowance(sql, connectorLimits, now, room());
        const taken = allowance.n > 0 ? await takeRuns(await findDueRuns(sql, now, { only: connectorLimits.connector }, allowance.n, 1)) : 0;
        await this.spendTokens(sql, connectorLimits, taken, now, allowance.tokens);
        if (taken === allowance.n && allowance.waitMs !== undefined) claim.throttledMs = Math.min(claim.throttledMs ?? Infinity, allowance.waitMs);
      }
      if (room() > 0) await takeRuns(await findDueRuns(sql, now, { except: limits.map((l) => l.connector) }, room(), runLength));
      return { ...claim, rows: claim.runs.flat() };
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

  /**
   * Puts claimed deliveries a run did not get to back in line as if never claimed: the attempt
   * counted at the claim is taken back, since nothing was sent.
   */
  async release(rows: readonly DeliveryRow[], now: Date): Promise<void> {
    await this.db.transaction(async (sql) => {
      await sql.query(ASYNC_COMMIT);
      await sql.query(
      `UPDATE deliveries d SET status = 'pending', attempts = d.attempts - 1, lease_until = NULL, updated_at = $2
        FROM json_to_recordset($1::json) AS r(id uuid, claimed_by text, attempts int)
       WHERE d.id = r.id AND d.status = 'in_flight' AND d.claimed_by = r.claimed_by AND d.attempts = r.attempts`,
        [JSON.stringify(rows.map((r) => ({ id: r.id, claimed_by: r.claimed_by, attempts: r.attempts }))), now],
      );
    });
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
  async replay(filter: ReplayFilter, now: Date): Promise<string[]> {
    const note = JSON.stringify([{ attempt: 0, at: now.toISOString(), outcome: 'replayed' }]);
    const rows = await this.db.query<{ id: string }>(
      `UPDATE deliveries SET status = 'pending', failures = 0, attempts = 0, next_attempt_at = $1, updated_at = $1, dead_at = NULL,
         history = history || $2::jsonb
       WHERE status = 'dead' AND ($3::uuid IS NULL OR id = $3::uuid) AND ($4::timestamptz IS NULL OR dead_at >= $4)
         AND ($5::text IS NULL OR connector = $5) AND ($6::timestamptz IS NULL OR dead_at < $6)
         AND ($7::text IS NULL OR coalesce(target->>'name', '') = $7)
       RETURNING id`,
      [now, note, filter.id ?? null, filter.since ?? null, filter.connector ?? null, filter.until ?? null, filter.target ?? null],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Newest change first. `troubled`: only dead letters and deliveries waiting for another
   * attempt after a failure (what an operator looks at); `offset` pages on from there.
   */
  list(filter: { status?: DeliveryStatus; limit: number; troubled?: boolean; connector?: string; target?: string; inquiryId?: string; offset?: number }): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT * FROM deliveries
        WHERE ($1::text IS NULL OR status = $1)
          AND ($3::boolean IS NULL OR status = 'dead' OR (status = 'pending' AND attempts > 0))
          AND ($4::text IS NULL OR connector = $4) AND ($5::text IS NULL OR coalesce(target->>'name', '') = $5)
          AND ($6::uuid IS NULL OR inquiry_id = $6::uuid)
        ORDER BY updated_at DESC, id LIMIT $2 OFFSET $7`,
      [filter.status ?? null, filter.limit, filter.troubled ? true : null, filter.connector ?? null, filter.target ?? null, filter.inquiryId ?? null, filter.offset ?? 0],
    );
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    const [row] = await this.db.query<DeliveryRow>(`SELECT * FROM deliveries WHERE id = $1`, [id]);
    return row;
  }

  /**
   * Moves whenever a delivery is queued, claimed, retried, dead-lettered, replayed or leaves
   * the unfinished set, on any replica: counts and the newest change of the unfinished and
   * dead rows. It reads only those rows (their partial indexes), never the delivered history.
   */
  async changeMark(): Promise<string> {
    // One branch per status, so each reads its partial index (an IN list scans the whole table).
    const rows = await this.db.query<{ status: string; n: number | string; at: Date | null }>(
      ['pending', 'in_flight', 'dead'].map((status) => `SELECT '${status}' AS status, count(*) AS n, max(updated_at) AS at FROM deliveries WHERE status = '${status}'`).join(' UNION ALL '),
    );
    return rows.map((r) => `${r.status}:${Number(r.n)}:${r.at === null ? '' : new Date(r.at).getTime()}`).join(' ');
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db.query<{ status: DeliveryStatus; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`);
    const counts: Record<DeliveryStatus, number> = { pending: 0, in_flight: 0, delivered: 0, dead: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /** No delivery is pending or in flight: an idle hub, most of the time. */
  async isIdle(): Promise<boolean> {
    return !(await anyUnfinished(this.db));
  }

  /**
   * When the worker has something to do next: a delivery falls due, a lease runs out, or a
   * breaker's probe may go. Deliveries waiting behind another or held by a breaker do not count.
   */
  async nextWakeAt(options: { probes?: boolean } = {}): Promise<Date | null> {
    // Nothing unfinished: no delivery and no probe to wait for.
    if (await this.isIdle()) return null;
    const [row] = await this.db.query<{ at: Date | null }>(
      `${KEY_HEADS}
       SELECT LEAST(
         (SELECT min(next_attempt_at) FROM heads d WHERE status = 'pending' AND ${NOT_HELD}),
         (SELECT min(next_attempt_at) FROM deliveries d WHERE status = 'pending' AND ordering_key IS NULL AND ${NOT_HELD}),
         (SELECT min(lease_until) FROM deliveries WHERE status = 'in_flight')) AS at`,
    );
    const probe = options.probes === false ? null : await this.circuits.nextProbeAt();
    const at = row?.at ?? null;
    if (!probe) return at;
    return !at || probe < at ? probe : at;
  }
}

/** Whether any delivery waits to be sent now: one probe of the `deliveries_due` index. */
async function anyDue(sql: Pick<Sql, 'query'>, now: Date): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 LIMIT 1`, [now]);
  return rows.length > 0;
}

/** Whether any delivery is pending or in flight: the partial indexes on each status answer it. */
async function anyUnfinished(sql: Pick<Sql, 'query'>): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 WHERE EXISTS (SELECT 1 FROM deliveries WHERE status = 'pending') OR EXISTS (SELECT 1 FROM deliveries WHERE status = 'in_flight')`,
  );
  return rows.length > 0;
}
