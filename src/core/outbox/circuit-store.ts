import { type Database, type Sql } from '../persistence/database';
import { type DeliveryPolicy } from './delivery-policies';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** One breaker: a duty target's, or a whole connector's (target '') held after refused credentials. */
export interface Circuit {
  connector: string;
  target: string;
  state: CircuitState;
  /** `failures` (the peer kept failing) or `auth` (credentials refused). */
  reason: string | null;
  failures: number;
  opens: number;
  openedAt: Date | null;
  /** When open: when the next probe may go. When half-open: when the probe's claim runs out. */
  probeAt: Date | null;
  lastError: string | null;
}

/** How an attempt ended, as far as the breaker cares. */
export type AttemptSignal = 'answered' | 'failed' | 'refused';

/** What changed, so the worker can log it and tell the duty targets once. */
export type CircuitChange = 'opened' | 'reopened' | 'paused' | 'closed' | null;

interface Row {
  connector: string;
  target: string;
  state: CircuitState;
  reason: string | null;
  failures: number;
  opens: number;
  opened_at: Date | null;
  probe_at: Date | null;
  last_error: string | null;
}

/** Only the oldest unfinished delivery of an ordering key may go; the rest wait their turn. */
export const HEAD_OF_LINE = `(d.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM deliveries e WHERE e.ordering_key = d.ordering_key AND e.status IN ('pending', 'in_flight') AND e.seq < d.seq))`;

/** A delivery is held while its target's or its connector's breaker is not closed. */
export const NOT_HELD = `NOT EXISTS (SELECT 1 FROM outbox_circuits c
  WHERE c.connector = d.connector AND c.target IN ('', coalesce(d.target->>'name', '')) AND c.state <> 'closed')`;

/** Matches the deliveries one circuit `c` holds. */
const HELD_BY_C = `d.connector = c.connector AND (c.target = '' OR coalesce(d.target->>'name', '') = c.target)`;

export const circuitKey = (connector: string, target: string): string => `${connector}\u0000${target}`;

/**
 * The breakers, kept in the database so every replica holds a target back together and only
 * one of them probes it. Transitions run in a transaction with the row locked: two replicas
 * failing at once count two failures, and only one of them sees the breaker open.
 */
export class CircuitStore {
  constructor(private readonly db: Database) {}

  /**
   * Turns breakers whose wait is over into half-open, claimed until `leaseUntil` by the caller,
   * which sends one held delivery as the probe. Only breakers whose first delivery in line is
   * due take part (the probe must be that one: the others wait behind it), and at most `room`.
   */
  async takeProbes(sql: Sql, now: Date, leaseUntil: Date, room: number): Promise<Array<{ connector: string; target: string }>> {
    if (room <= 0) return [];
    return sql.query<{ connector: string; target: string }>(
      `UPDATE outbox_circuits o SET state = 'half_open', probe_at = $2, updated_at = $1
        WHERE (o.connector, o.target) IN (
          SELECT c.connector, c.target FROM outbox_circuits c
           WHERE c.state <> 'closed' AND c.probe_at <= $1
             AND EXISTS (SELECT 1 FROM deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND ${HELD_BY_C} AND ${HEAD_OF_LINE})
           ORDER BY c.probe_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING o.connector, o.target`,
      [now, leaseUntil, room],
    );
  }

  /** A probe whose delivery another replica took first goes back to open, due at once. */
  async releaseProbe(sql: Sql, circuit: { connector: string; target: string }, now: Date): Promise<void> {
    await sql.query(`UPDATE outbox_circuits SET state = 'open', probe_at = $3, updated_at = $3 WHERE connector = $1 AND target = $2 AND state = 'half_open'`, [circuit.connector, circuit.target, now]);
  }

  /**
   * Breakers with failures counted or not closed: a success there has something to reset, and
   * only those not closed can hold deliveries or be probed. Usually none: then the claim skips
   * the probe step.
   */
  async unsettled(sql: Sql): Promise<Array<{ connector: string; target: string; state: CircuitState }>> {
    return sql.query<{ connector: string; target: string; state: CircuitState }>(`SELECT connector, target, state FROM outbox_circuits WHERE state <> 'closed' OR failures > 0`);
  }

  /** When a held delivery could next go out as a probe, if any breaker holds one. */
  async nextProbeAt(): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }>(
      `SELECT min(GREATEST(c.probe_at, due.at)) AS at FROM outbox_circuits c
         CROSS JOIN LATERAL (SELECT min(d.next_attempt_at) AS at FROM deliveries d WHERE d.status = 'pending' AND ${HELD_BY_C} AND ${HEAD_OF_LINE}) due
        WHERE c.state <> 'closed' AND due.at IS NOT NULL`,
    );
    return row?.at ?? null;
  }

  /**
   * Records how an attempt to `target` of `connector` ended and moves the breakers: a peer
   * that answered closes both; a failure counts toward the target's breaker (a failed probe
   * opens it again for twice as long); refused credentials pause the connector, or only the
   * target when the connector said the refusal is the target's own.
   */
  async record(
    connector: string,
    target: string,
    signal: AttemptSignal,
    policy: DeliveryPolicy,
    now: Date,
    detail: { error?: string; scope?: 'connector' | 'target' } = {},
  ): Promise<{ change: CircuitChange; circuit?: Circuit }> {
    if (signal === 'answered') return this.close(connector, target, now);
    const key = signal === 'refused' && detail.scope !== 'target' ? '' : target;
    return this.db.transaction(async (sql) => {
      await sql.query(`INSERT INTO outbox_circuits (connector, target, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [connector, key, now]);
      const [row] = await sql.query<Row>(`SELECT * FROM outbox_circuits WHERE connector = $1 AND target = $2 FOR UPDATE`, [connector, key]);
      if (!row) return { change: null };
      const next = signal === 'refused' ? refusedTransition(row, policy, now) : failedTransition(row, policy, now);
      const updated = { ...row, ...next.row, last_error: detail.error ?? row.last_error };
      await sql.query(
        `UPDATE outbox_circuits SET state = $3, reason = $4, failures = $5, opens = $6, opened_at = $7, probe_at = $8, last_error = $9, updated_at = $10
          WHERE connector = $1 AND target = $2`,
        [connector, key, updated.state, updated.reason, updated.failures, updated.opens, updated.opened_at, updated.probe_at, updated.last_error, now],
      );
      return { change: next.change, circuit: toCircuit(updated) };
    });
  }

  private async close(connector: string, target: string, now: Date): Promise<{ change: CircuitChange }> {
    const rows = await this.db.query<{ state: CircuitState }>(
      `WITH before AS (
         SELECT connector, target, state FROM outbox_circuits
          WHERE connector = $1 AND target IN ('', $2) AND (state <> 'closed' OR failures > 0) FOR UPDATE)
       UPDATE outbox_circuits o SET state = 'closed', reason = NULL, failures = 0, opens = 0, opened_at = NULL, probe_at = NULL, updated_at = $3
         FROM before WHERE o.connector = before.connector AND o.target = before.target
       RETURNING before.state`,
      [connector, target, now],
    );
    return { change: rows.some((r) => r.state !== 'closed') ? 'closed' : null };
  }

  async list(): Promise<Circuit[]> {
    const rows = await this.db.query<Row>(`SELECT * FROM outbox_circuits WHERE state <> 'closed' ORDER BY connector, target`);
    return rows.map(toCircuit);
  }
}

function failedTransition(row: Row, policy: DeliveryPolicy, now: Date): { row: Partial<Row>; change: CircuitChange } {
  const failures = row.failures + 1;
  const { breaker } = policy;
  if (row.state === 'half_open') {
    // The probe failed: wait twice as long as last time, up to the cap.
    const wait = Math.min(breaker.maxOpenFor, breaker.openFor * 2 ** row.opens);
    return { row: { state: 'open', failures, opens: row.opens + 1, probe_at: new Date(now.getTime() + wait) }, change: 'reopened' };
  }
  if (row.state === 'closed' && breaker.failures > 0 && failures >= breaker.failures) {
    return { row: { state: 'open', reason: 'failures', failures, opens: 1, opened_at: now, probe_at: new Date(now.getTime() + breaker.openFor) }, change: 'opened' };
  }
  return { row: { failures }, change: null };
}

function refusedTransition(row: Row, policy: DeliveryPolicy, now: Date): { row: Partial<Row>; change: CircuitChange } {
  const probeAt = new Date(now.getTime() + policy.authPause);
  if (row.state === 'closed' || row.reason !== 'auth') {
    return { row: { state: 'open', reason: 'auth', opens: 1, opened_at: now, probe_at: probeAt }, change: 'paused' };
  }
  // Still refused at a probe (or by an attempt that was already under way): keep waiting.
  return { row: { state: 'open', opens: row.opens + 1, probe_at: probeAt }, change: row.state === 'half_open' ? 'reopened' : null };
}

function toCircuit(row: Row): Circuit {
  return {
    connector: row.connector,
    target: row.target,
    state: row.state,
    reason: row.reason,
    failures: Number(row.failures),
    opens: Number(row.opens),
    openedAt: row.opened_at,
    probeAt: row.probe_at,
    lastError: row.last_error,
  };
}
