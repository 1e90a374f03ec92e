import { type Database } from '../persistence/database';
import { CircuitStore, type Circuit } from './circuit-store';

/** Where one duty target's deliveries stand, for operators. */
export interface TargetSummary {
  connector: string;
  target: string;
  /** Waiting for their first attempt (due, or behind an earlier delivery to the same target). */
  queued: number;
  /** Waiting for another attempt after a failure or a rate limit. */
  retrying: number;
  inFlight: number;
  dead: number;
  /** The soonest retry among `retrying` (ISO 8601). */
  nextAttemptAt: string | null;
  /** When the oldest undelivered one was written (ISO 8601): how far behind the target is. */
  oldestWaitingSince: string | null;
  /** The newest error of a waiting or dead delivery, in the connector's words. */
  lastError: string | null;
  /** The breaker holding this target's deliveries (its own, or its connector's pause), if any. */
  breaker: BreakerView | null;
}

/** A breaker that is not closed, for operators. */
export interface BreakerView {
  connector: string;
  /** The duty target, or '' when the whole connector is paused. */
  target: string;
  state: 'open' | 'half_open';
  /** `failures`: the peer kept failing; `auth`: credentials refused. */
  reason: string | null;
  since: string | null;
  /** When the next probe may go (open), or when the probe in flight times out (half-open). */
  nextProbeAt: string | null;
  failures: number;
  lastError: string | null;
}

export function breakerViews(circuits: readonly Circuit[]): BreakerView[] {
  return circuits
    .filter((c) => c.state !== 'closed')
    .map((c) => ({
      connector: c.connector,
      target: c.target,
      state: c.state as 'open' | 'half_open',
      reason: c.reason,
      since: c.openedAt?.toISOString() ?? null,
      nextProbeAt: c.probeAt?.toISOString() ?? null,
      failures: c.failures,
      lastError: c.lastError,
    }));
}

interface Row {
  connector: string;
  target: string;
  queued: number | string;
  retrying: number | string;
  in_flight: number | string;
  dead: number | string;
  next_attempt_at: Date | string | null;
  oldest_waiting: Date | string | null;
  last_error: string | null;
}

/**
 * Every connector and duty target with undelivered or dead deliveries. Delivered ones are not
 * read: the summary stays cheap however long the outbox's history grows.
 */
export async function summarizeOutbox(db: Database): Promise<TargetSummary[]> {
  const rows = await db.query<Row>(
    `SELECT connector, coalesce(target->>'name', '') AS target,
            count(*) FILTER (WHERE status = 'pending' AND attempts = 0) AS queued,
            count(*) FILTER (WHERE status = 'pending' AND attempts > 0) AS retrying,
            count(*) FILTER (WHERE status = 'in_flight') AS in_flight,
            count(*) FILTER (WHERE status = 'dead') AS dead,
            min(next_attempt_at) FILTER (WHERE status = 'pending' AND attempts > 0) AS next_attempt_at,
            min(created_at) FILTER (WHERE status IN ('pending', 'in_flight')) AS oldest_waiting,
            (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL))[1] AS last_error
       FROM deliveries
      WHERE status IN ('pending', 'in_flight', 'dead')
      GROUP BY 1, 2
      ORDER BY 1, 2`,
  );
  const breakers = breakerViews(await new CircuitStore(db).list());
  const breakerOf = (connector: string, target: string) =>
    breakers.find((b) => b.connector === connector && b.target === '') ?? breakers.find((b) => b.connector === connector && b.target === target) ?? null;
  const summaries = rows.map((r) => ({
    connector: r.connector,
    target: r.target,
    queued: Number(r.queued),
    retrying: Number(r.retrying),
    inFlight: Number(r.in_flight),
    dead: Number(r.dead),
    nextAttemptAt: iso(r.next_attempt_at),
    oldestWaitingSince: iso(r.oldest_waiting),
    lastError: r.last_error,
    breaker: breakerOf(r.connector, r.target),
  }));
  // A breaker with nothing waiting behind it (yet) is still worth showing.
  for (const b of breakers) {
    if (b.target !== '' && !summaries.some((s) => s.connector === b.connector && s.target === b.target)) {
      summaries.push({ connector: b.connector, target: b.target, queued: 0, retrying: 0, inFlight: 0, dead: 0, nextAttemptAt: null, oldestWaitingSince: null, lastError: b.lastError, breaker: b });
    }
  }
  return summaries;
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
