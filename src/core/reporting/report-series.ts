import { DateTime } from 'luxon';
import { type Sql } from '../persistence/database';
import { type Period } from './period';
import { type ReportScope } from './report-scope';

export interface DayCount {
  /** The day's date in the period's zone, `2026-11-02`. */
  day: string;
  /** The day's start, epoch ms (a chart's x). */
  start: number;
  count: number;
}

export interface HistogramBin {
  /** Lower bound in business minutes, inclusive. */
  from: number;
  /** Upper bound, exclusive; null for the last, open bin. */
  to: number | null;
  count: number;
}

/** Bin edges of the first-response histogram, in business minutes: short answers in detail, long ones coarse. */
export const FRT_BIN_EDGES = [0, 5, 15, 30, 60, 120, 240, 480] as const;

/**
 * Breached inquiries per day of opening, in the period's zone: the report's `breaches`, spread
 * over the days (so the days add up to it). Every day of the period is listed, zeros included.
 */
export async function breachesPerDay(sql: Pick<Sql, 'query'>, scope: ReportScope, period: Period): Promise<DayCount[]> {
  const zoneParam = `$${scope.params.length + 1}`;
  const rows = await sql.query<{ day: string; count: number }>(
    `SELECT to_char(i.opened_at AT TIME ZONE ${zoneParam}, 'YYYY-MM-DD') AS day, count(*)::int AS count
     FROM inquiries i WHERE ${scope.where} AND i.breached
     GROUP BY 1`,
    [...scope.params, period.timezone],
  );
  const counts = new Map(rows.map((r) => [r.day, Number(r.count)]));
  const days: DayCount[] = [];
  const end = DateTime.fromJSDate(period.to, { zone: period.timezone });
  for (let day = DateTime.fromJSDate(period.from, { zone: period.timezone }).startOf('day'); day < end; day = day.plus({ days: 1 })) {
    const key = day.toISODate() ?? '';
    days.push({ day: key, start: day.toMillis(), count: counts.get(key) ?? 0 });
  }
  return days;
}

/**
 * Inquiries with a first response by business minutes to it, in FRT_BIN_EDGES bins: the same
 * inquiries as the report's first-response average, median and p90.
 */
export async function frtHistogram(sql: Pick<Sql, 'query'>, scope: ReportScope): Promise<HistogramBin[]> {
  const edgesParam = `$${scope.params.length + 1}`;
  // width_bucket over the edges in ms: bucket n is [edge n-1, edge n); past the last edge is the open bin.
  const rows = await sql.query<{ bucket: number; count: number }>(
    `SELECT width_bucket(i.frt_business_ms::float8, ${edgesParam}::float8[]) AS bucket, count(*)::int AS count
     FROM inquiries i WHERE ${scope.where} AND i.frt_business_ms IS NOT NULL
     GROUP BY 1`,
    [...scope.params, FRT_BIN_EDGES.map((m) => m * 60_000)],
  );
  const counts = new Map(rows.map((r) => [Number(r.bucket), Number(r.count)]));
  return FRT_BIN_EDGES.map((from, i) => ({ from, to: FRT_BIN_EDGES[i + 1] ?? null, count: counts.get(i + 1) ?? 0 }));
}
