import { type Database } from '../persistence/database';
import { hotConversations, type HotConversation } from './hot-conversations';
import { roundTenth, toMinutes } from './minutes';
import { reportScope } from './report-scope';

export interface ReportFilter {
  channel?: string;
  policy?: string;
  conversation?: string;
  /** Conversation ids carrying a customer tag (see conversationsTagged). */
  conversations?: string[];
}

export interface Distribution {
  average: number | null;
  median: number | null;
  p90: number | null;
}

export interface SlaReport {
  from: string;
  to: string;
  inquiries: number;
  answered: number;
  stillOpen: number;
  resolvedWithoutAnswer: number;
  /** First response in minutes: business time (the SLA's clock) and calendar time. */
  firstResponseBusinessMinutes: Distribution;
  firstResponseCalendarMinutes: Distribution;
  /** Share of answered inquiries with a policy that were answered by the deadline, 0..100. */
  withinSlaPercent: number | null;
  breaches: number;
  escalated: number;
  escalatedPercent: number | null;
  hotConversations: HotConversation[];
  responders: Array<{ responder: string; answered: number; medianBusinessMinutes: number | null }>;
}

/**
 * SLA figures for inquiries opened in [from, to), computed in the database (aggregates and
 * percentiles in SQL, never rows loaded into memory), so a quarter of a large hub stays cheap.
 */
export async function buildReport(db: Database, from: Date, to: Date, filter: ReportFilter = {}): Promise<SlaReport> {
  const scope = reportScope(from, to, filter);
  const { where, params } = scope;
  // One snapshot for all three queries. JIT compilation cost more than it saved, and the
  // default 4 MB work_mem sent a quarter's sorts to disk (bench/report).
  return db.transaction(async (sql) => {
    await sql.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
    await sql.query(`SET LOCAL jit = off`);
    await sql.query(`SET LOCAL work_mem = '64MB'`);
    // percentile_cont over an array sorts once for both quantiles instead of once each.
    const [totals] = await sql.query<Record<string, number | null>>(
      `SELECT t.*, t.b_pct[1] AS b_median, t.b_pct[2] AS b_p90, t.c_pct[1] AS c_median, t.c_pct[2] AS c_p90
       FROM (SELECT count(*)::int AS inquiries,
         count(*) FILTER (WHERE i.status = 'answered')::int AS answered,
         count(*) FILTER (WHERE i.status IN ('open', 'on_hold'))::int AS still_open,
         count(*) FILTER (WHERE i.status = 'resolved' AND i.answered_at IS NULL)::int AS resolved,
         count(*) FILTER (WHERE i.breached)::int AS breaches,
         count(*) FILTER (WHERE i.status = 'answered' AND i.policy IS NOT NULL)::int AS answered_with_policy,
         count(*) FILTER (WHERE i.status = 'answered' AND i.breached = false)::int AS within,
         avg(i.frt_business_ms)::float8 AS b_avg,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY i.frt_business_ms) AS b_pct,
         avg(i.first_response_ms)::float8 AS c_avg,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY i.first_response_ms) AS c_pct,
         count(*) FILTER (WHERE esc.inquiry_id IS NOT NULL)::int AS escalated
       FROM inquiries i
         LEFT JOIN (SELECT DISTINCT inquiry_id FROM inquiry_events WHERE type = 'escalated') esc ON esc.inquiry_id = i.id
       WHERE ${where}) t`,
      params,
    );
    const hot = await hotConversations(sql, scope);
    const responders = await sql.query<{ responder: string; answered: number; median: number | null }>(
      `SELECT COALESCE(i.responder_name, i.responder_id) AS responder, count(*)::int AS answered,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY i.frt_business_ms)::float8 AS median
       FROM inquiries i
       WHERE ${where} AND i.status = 'answered'
       GROUP BY 1 ORDER BY answered DESC, responder`,
      params,
    );
    const t = totals ?? {};
    const n = (key: string) => Number(t[key] ?? 0);
    const answeredWithPolicy = n('answered_with_policy');
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      inquiries: n('inquiries'),
      answered: n('answered'),
      stillOpen: n('still_open'),
      resolvedWithoutAnswer: n('resolved'),
      firstResponseBusinessMinutes: { average: toMinutes(t.b_avg), median: toMinutes(t.b_median), p90: toMinutes(t.b_p90) },
      firstResponseCalendarMinutes: { average: toMinutes(t.c_avg), median: toMinutes(t.c_median), p90: toMinutes(t.c_p90) },
      withinSlaPercent: answeredWithPolicy === 0 ? null : roundTenth((100 * n('within')) / answeredWithPolicy),
      breaches: n('breaches'),
      escalated: n('escalated'),
      escalatedPercent: n('inquiries') === 0 ? null : roundTenth((100 * n('escalated')) / n('inquiries')),
      hotConversations: hot,
      responders: responders.map((r) => ({ responder: r.responder, answered: r.answered, medianBusinessMinutes: toMinutes(r.median) })),
    };
  });
}
