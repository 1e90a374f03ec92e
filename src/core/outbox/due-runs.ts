import { type Sql } from '../persistence/database';
import { NOT_HELD } from './circuit-store';

/**
 * Every ordering key with an unfinished delivery, found by a loose index scan of
 * `deliveries_unfinished_by_key`: one index probe per key. The claim used to filter the whole
 * queue for heads of line instead, which read every pending row (20,000 with ten duty targets)
 * to find ten; this reads ten keys.
 */
const ORDERING_KEYS = `keys(k) AS (
    (SELECT ordering_key FROM deliveries WHERE status IN ('pending', 'in_flight') AND ordering_key IS NOT NULL ORDER BY ordering_key LIMIT 1)
    UNION ALL
    SELECT (SELECT e.ordering_key FROM deliveries e WHERE e.status IN ('pending', 'in_flight') AND e.ordering_key > keys.k ORDER BY e.ordering_key LIMIT 1)
      FROM keys WHERE keys.k IS NOT NULL)`;

/** The first unfinished delivery of each ordering key, as `heads` (alias it `d` for NOT_HELD). */
export const KEY_HEADS = `WITH RECURSIVE ${ORDERING_KEYS},
  heads AS (
    SELECT h.* FROM keys CROSS JOIN LATERAL (
      SELECT f.status, f.next_attempt_at, f.connector, f.target FROM deliveries f
       WHERE f.ordering_key = keys.k AND f.status IN ('pending', 'in_flight') ORDER BY f.seq LIMIT 1) h
     WHERE keys.k IS NOT NULL)`;

/** Which connectors a claim may take from: one of them, or any but those with limits of their own. */
export type ConnectorScope = { only: string } | { except: readonly string[] };

/** Deliveries one claim sends one after another, in order; a run of one where order does not matter. */
export interface DueRun {
  ids: string[];
  due: Date;
  seq: number;
}

interface RunRow {
  id: string;
  k: string;
  due: Date;
  head_seq: string;
}

/**
 * Up to `maxRuns` runs that may start now, earliest due first. A run is the due head of an
 * ordering key (not held by a breaker) and the deliveries right behind it that are due too, up
 * to `runLength`: sending them one after another under one claim keeps the key's order and
 * saves a claim and a commit per delivery. Deliveries without an ordering key are spread over
 * the runs (see `spreadUnordered`). Nothing is locked here; `lockRuns` does that.
 */
export async function findDueRuns(sql: Sql, now: Date, scope: ConnectorScope, maxRuns: number, runLength: number): Promise<DueRun[]> {
  if (maxRuns <= 0) return [];
  const only = 'only' in scope ? scope.only : null;
  const except = 'except' in scope ? [...scope.except] : [];
  const keyed = await sql.query<RunRow>(
    `WITH RECURSIVE ${ORDERING_KEYS},
     lines AS (
       SELECT keys.k, w.* FROM keys CROSS JOIN LATERAL (
         SELECT f.id, f.seq, f.next_attempt_at, f.connector, f.target,
                row_number() OVER (ORDER BY f.seq) AS pos,
                bool_and(f.status = 'pending' AND f.next_attempt_at <= $1) OVER (ORDER BY f.seq) AS runnable
           FROM (SELECT * FROM deliveries g WHERE g.ordering_key = keys.k AND g.status IN ('pending', 'in_flight') ORDER BY g.seq LIMIT $2) f) w
        WHERE keys.k IS NOT NULL),
     heads AS (
       SELECT d.k, d.next_attempt_at, d.seq FROM lines d
        WHERE d.pos = 1 AND d.runnable AND ($4::text IS NULL OR d.connector = $4) AND NOT (d.connector = ANY($5::text[])) AND ${NOT_HELD}
        ORDER BY d.next_attempt_at, d.seq LIMIT $3)
     SELECT l.id, l.k, h.next_attempt_at AS due, h.seq AS head_seq FROM lines l JOIN heads h ON h.k = l.k
      WHERE l.runnable ORDER BY h.next_attempt_at, h.seq, l.pos`,
    [now, runLength, maxRuns, only, except],
  );
  const unordered = await sql.query<{ id: string; due: Date; seq: string; peer: string }>(
    `SELECT d.id, d.next_attempt_at AS due, d.seq, d.connector || '/' || coalesce(d.target->>'name', '') AS peer FROM deliveries d
      WHERE d.status = 'pending' AND d.ordering_key IS NULL AND d.next_attempt_at <= $1
        AND ($3::text IS NULL OR d.connector = $3) AND NOT (d.connector = ANY($4::text[])) AND ${NOT_HELD}
      ORDER BY d.next_attempt_at LIMIT $2`,
    [now, maxRuns * runLength, only, except],
  );
  const runs = new Map<string, DueRun>();
  for (const row of keyed) {
    const run = runs.get(row.k) ?? { ids: [], due: new Date(row.due), seq: Number(row.head_seq) };
    run.ids.push(row.id);
    runs.set(row.k, run);
  }
  const all = [...runs.values(), ...spreadUnordered(unordered, maxRuns - Math.min(runs.size, maxRuns), runLength)];
  return all.sort((a, b) => a.due.getTime() - b.due.getTime() || a.seq - b.seq).slice(0, maxRuns);
}

/**
 * Deliveries that keep no order still go out in runs: a claim per slot was the bound at a few
 * hundred a second. The backlog is spread evenly over the free slots (runs of one while it is
 * small, up to `runLength` when it is deep), and each run holds deliveries to one peer only,
 * so a slow receiver slows its own deliveries, not another's.
 */
export function spreadUnordered(rows: ReadonlyArray<{ id: string; due: Date; seq: string; peer: string }>, slots: number, runLength: number): DueRun[] {
  if (slots <= 0 || rows.length === 0) return [];
  const size = Math.min(runLength, Math.ceil(rows.length / slots));
  const open = new Map<string, DueRun>();
  const runs: DueRun[] = [];
  for (const row of rows) {
    let run = open.get(row.peer);
    if (!run || run.ids.length >= size) {
      run = { ids: [], due: new Date(row.due), seq: Number(row.seq) };
      open.set(row.peer, run);
      runs.push(run);
    }
    run.ids.push(row.id);
  }
  return runs.slice(0, slots);
}

/**
 * Locks what is still claimable of `runs` (SKIP LOCKED: another replica may have taken a
 * run since they were read) and returns each run cut before its first delivery that could not
 * be locked or is no longer due and pending: a run is sent in order, so it may not skip one.
 */
export async function lockRuns(sql: Sql, runs: readonly DueRun[], now: Date): Promise<DueRun[]> {
  const ids = runs.flatMap((r) => r.ids);
  if (ids.length === 0) return [];
  const locked = await sql.query<{ id: string }>(
    `SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'pending' AND next_attempt_at <= $2 FOR UPDATE SKIP LOCKED`,
    [ids, now],
  );
  const held = new Set(locked.map((r) => r.id));
  return runs
    .map((run) => {
      const gap = run.ids.findIndex((id) => !held.has(id));
      return { ...run, ids: gap === -1 ? run.ids : run.ids.slice(0, gap) };
    })
    .filter((run) => run.ids.length > 0);
}
