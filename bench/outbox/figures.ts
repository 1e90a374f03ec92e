import { type LatencySummary, summarize } from '../intake/stats';
import { type PeerArrival } from './peer-protocol';
import { type StoredDelivery } from './stored';

/** What one phase's deliveries did, from the database and the peer's arrivals. */
export interface PhaseFigures {
  /** Deliveries expected: acknowledged messages × endpoints. */
  expected: number;
  stored: number;
  arrived: number;
  dead: number;
  /**
   * The bench stopped waiting at the phase limit with deliveries still queued: throughput is
   * over the time until then, and the latencies count each missing delivery as arriving at
   * the cut, so they are lower bounds.
   */
  cutOff: boolean;
  /** First enqueue (created_at) to the last arrival (or the cut). */
  seconds: number;
  /** Arrived deliveries per second over `seconds`. */
  perSecond: number;
  /** Peer arrival − deliveries.created_at. */
  latencyMs: LatencySummary;
  /** 2xx answers beyond the first per webhook-id: each one a duplicate a receiver has to drop. */
  duplicates: number;
  /** Consecutive deliveries of one target (by seq) that arrived out of order. */
  outOfOrder: number;
  /** Attempts per delivery, mean (1 = each went through the first time). */
  meanAttempts: number;
  /** Arrived deliveries per replica (by the worker of the last claim), in replica order of first appearance. */
  byWorker: number[];
}

export interface DrainFigures extends PhaseFigures {
  /** Peer healthy again → the first (NaN: none arrived) and the last arrival of the queued deliveries (or the cut). */
  firstAfterMs: number;
  drainMs: number;
  /** Queued deliveries per second from "healthy" to the last arrival. */
  drainPerSecond: number;
}

/** `cutAt`: wall clock when the bench stopped waiting, if it did before everything arrived. */
export function phaseFigures(phase: string, expected: number, stored: readonly StoredDelivery[], arrivals: ReadonlyMap<string, PeerArrival>, cutAt?: number): PhaseFigures {
  const rows = stored.filter((d) => d.phase === phase);
  const arrived = rows.flatMap((d) => {
    const a = arrivals.get(d.id);
    return a ? [{ d, a }] : [];
  });
  const cutOff = cutAt !== undefined && arrived.length < expected;
  const firstEnqueue = least(rows.map((d) => d.createdAt));
  const end = cutOff ? cutAt : greatest(arrived.map(({ a }) => a.at));
  const seconds = arrived.length > 0 || cutOff ? (end - firstEnqueue) / 1000 : 0;
  const workers = new Map<string, number>();
  for (const { d } of arrived) workers.set(d.claimedBy ?? '?', (workers.get(d.claimedBy ?? '?') ?? 0) + 1);
  const latencies = rows.flatMap((d) => {
    const at = arrivals.get(d.id)?.at ?? (cutOff ? cutAt : undefined);
    return at === undefined ? [] : [at - d.createdAt];
  });
  return {
    expected,
    stored: rows.length,
    arrived: arrived.length,
    dead: rows.filter((d) => d.status === 'dead').length,
    cutOff,
    seconds,
    perSecond: seconds > 0 ? arrived.length / seconds : 0,
    latencyMs: summarize(Float64Array.from(latencies)),
    duplicates: arrived.reduce((sum, { a }) => sum + a.okCount - 1, 0),
    outOfOrder: outOfOrder(rows, arrivals),
    meanAttempts: rows.length > 0 ? rows.reduce((sum, d) => sum + d.attempts, 0) / rows.length : 0,
    byWorker: [...workers.values()],
  };
}

export function drainFigures(expected: number, stored: readonly StoredDelivery[], arrivals: ReadonlyMap<string, PeerArrival>, healthyAt: number, cutAt?: number): DrainFigures {
  const figures = phaseFigures('outage', expected, stored, arrivals, cutAt);
  const times = stored.filter((d) => d.phase === 'outage').flatMap((d) => arrivals.get(d.id)?.at ?? []);
  const first = times.length > 0 ? least(times) - healthyAt : NaN;
  const drainMs = (figures.cutOff && cutAt !== undefined ? cutAt : greatest(times)) - healthyAt;
  return { ...figures, firstAfterMs: first, drainMs, drainPerSecond: drainMs > 0 ? times.length / (drainMs / 1000) : 0 };
}

/**
 * The outbox promises that deliveries with one ordering key leave in the order written (seq):
 * each arrival must come after the previous one's of the same key, by the peer's arrival order
 * (times tie at 1 ms). Deliveries without a key (webhooks since contract 2.6) promise no order
 * and are not counted, nor is a delivery that never arrived.
 */
function outOfOrder(rows: readonly StoredDelivery[], arrivals: ReadonlyMap<string, PeerArrival>): number {
  const byTarget = new Map<string, StoredDelivery[]>();
  for (const d of rows) {
    if (d.orderingKey === null) continue;
    const list = byTarget.get(d.orderingKey);
    if (list) list.push(d);
    else byTarget.set(d.orderingKey, [d]);
  }
  let count = 0;
  for (const list of byTarget.values()) {
    const order = list
      .sort((x, y) => x.seq - y.seq)
      .flatMap((d) => arrivals.get(d.id)?.sequence ?? []);
    for (let i = 1; i < order.length; i++) if ((order[i] ?? 0) < (order[i - 1] ?? 0)) count++;
  }
  return count;
}

/** Math.min/max over large arrays without spreading them onto the stack. */
function least(values: readonly number[]): number {
  return values.reduce((m, v) => (v < m ? v : m), Infinity);
}

function greatest(values: readonly number[]): number {
  return values.reduce((m, v) => (v > m ? v : m), -Infinity);
}
