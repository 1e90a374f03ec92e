import { type Database } from '../persistence/database';

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
  return rows.map((r) => ({
    connector: r.connector,
    target: r.target,
    queued: Number(r.queued),
    retrying: Number(r.retrying),
    inFlight: Number(r.in_flight),
    dead: Number(r.dead),
    nextAttemptAt: iso(r.next_attempt_at),
    oldestWaitingSince: iso(r.oldest_waiting),
    lastError: r.last_error,
  }));
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
