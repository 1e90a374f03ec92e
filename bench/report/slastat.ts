import { type Database } from '../../src/core/persistence/database';
import { parsePeriod, type Period } from '../../src/core/reporting/period';
import { buildReport, type SlaReport } from '../../src/core/reporting/sla-report';
import { perStatement, recording, summarize, timed, type Call, type Summary } from './timing';

/** The periods measured: /slastat's default (this month to date), last month, last quarter. */
export const PERIODS = ['this-month', 'last-month', 'last-quarter'] as const;
export type PeriodName = (typeof PERIODS)[number];

export interface SlastatFigures {
  name: PeriodName;
  label: string;
  from: string;
  to: string;
  /** count(*) of inquiries opened in the range (the baseline's answer). */
  rows: number;
  /** First call after seeding (not counted in `report`). */
  firstMs: number;
  report: Summary;
  baseline: Summary;
  /** report median / baseline median. */
  ratio: number;
  statements: Array<{ name: string; median: number; max: number }>;
  /** What buildReport said, for the checks and a sanity read. */
  result: Pick<SlaReport, 'inquiries' | 'answered' | 'stillOpen' | 'resolvedWithoutAnswer' | 'breaches' | 'escalated' | 'escalatedPercent' | 'withinSlaPercent'> & {
    medianBusinessMinutes: number | null;
    hotConversations: number;
    responders: number;
  };
  /** The slowest statement's text and parameters from the last run, for EXPLAIN. */
  slowest: Call | undefined;
  /** The baseline statement, for EXPLAIN. */
  baselineCall: Call;
}

export function periodOf(name: PeriodName, zone: string, nowMs: number): Period {
  return parsePeriod([name], zone, nowMs);
}

const COUNT = `SELECT count(*)::int AS n FROM inquiries WHERE opened_at >= $1 AND opened_at < $2`;

/**
 * buildReport exactly as /slastat calls it (no filter), one warm-up then `repeat` runs, and the
 * baseline — a bare count(*) over the same opening range — interleaved with it run by run.
 */
export async function benchSlastat(db: Database, name: PeriodName, zone: string, nowMs: number, repeat: number): Promise<SlastatFigures> {
  const period = periodOf(name, zone, nowMs);
  const recorded = recording(db);
  const first = await timed(() => buildReport(recorded.db, period.from, period.to));
  await db.query(COUNT, [period.from, period.to]);
  const reportMs: number[] = [];
  const baselineMs: number[] = [];
  const runs: Call[][] = [];
  let report: SlaReport = first.result;
  let rows = 0;
  for (let i = 0; i < repeat; i++) {
    recorded.calls.length = 0;
    const run = await timed(() => buildReport(recorded.db, period.from, period.to));
    reportMs.push(run.ms);
    report = run.result;
    runs.push([...recorded.calls]);
    const count = await timed(() => db.query<{ n: number }>(COUNT, [period.from, period.to]));
    baselineMs.push(count.ms);
    rows = Number(count.result[0]?.n ?? 0);
  }
  const statements = perStatement(runs);
  const last = runs[runs.length - 1] ?? [];
  const summary = summarize(reportMs);
  const baseline = summarize(baselineMs);
  return {
    name,
    label: period.label,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    rows,
    firstMs: first.ms,
    report: summary,
    baseline,
    ratio: baseline.median > 0 ? summary.median / baseline.median : Number.NaN,
    statements,
    result: {
      inquiries: report.inquiries,
      answered: report.answered,
      stillOpen: report.stillOpen,
      resolvedWithoutAnswer: report.resolvedWithoutAnswer,
      breaches: report.breaches,
      escalated: report.escalated,
      escalatedPercent: report.escalatedPercent,
      withinSlaPercent: report.withinSlaPercent,
      medianBusinessMinutes: report.firstResponseBusinessMinutes.median,
      hotConversations: report.hotConversations.length,
      responders: report.responders.length,
    },
    slowest: last.find((c) => c.name === statements[0]?.name),
    baselineCall: { name: 'count(*) baseline', text: COUNT, params: [period.from, period.to], ms: baseline.median, settings: [] },
  };
}
