import { type ServerInfo } from '../intake/report';
import { type CalendarFigures } from './business-time';
import { type SqlProfile } from './diagnostics';
import { type FiringFigures, type SteadyFigures } from './firing';
import { type MemoryFigures } from './memory';
import { type SeedFigures } from './seed';
import { type Check, type Target, cell, printTable } from '../shared/report';

export interface PostgresResult {
  server: ServerInfo;
  location: string;
  seed: SeedFigures;
  steady: SteadyFigures;
  restart: FiringFigures;
  memory: { seed: MemoryFigures; steady: MemoryFigures; restart: MemoryFigures };
  /** Execution time of the storm guard's per-alert count after the restart burst, for reading the figures. */
  stormGuardCount: { plan: string; executionMs: number; deliveries: number };
  /** Where the scheduler's time went, per statement (client side: call to rows back). */
  sql: { steady: SqlProfile; restart: SqlProfile };
  checks: Check[];
}

/** The issue's targets; reported, never part of the exit code. */
export const TARGETS = {
  businessOpsPerSecond: 200_000,
  rssMiB: 300,
  firedPerMinute: 1000,
  latenessP99Ms: 1000,
  restartSeconds: 10,
};

export function calendarTarget(figures: CalendarFigures[]): Target {
  const description = `addBusiness >= ${TARGETS.businessOpsPerSecond.toLocaleString('en-US')}/s on every calendar`;
  if (figures.length === 0) return { description, met: null, detail: 'not run' };
  const slowest = figures.reduce((a, b) => (b.addBusiness.perSecond < a.addBusiness.perSecond ? b : a));
  return {
    description,
    met: slowest.addBusiness.perSecond >= TARGETS.businessOpsPerSecond,
    detail: `slowest: ${slowest.name} ${Math.round(slowest.addBusiness.perSecond).toLocaleString('en-US')}/s`,
  };
}

export function postgresTargets(result: PostgresResult | undefined, inquiries: number, burst: number): Target[] {
  const rss = `RSS <= ${TARGETS.rssMiB} MB with ${inquiries.toLocaleString('en-US')} open inquiries (max over the steady window and the restart)`;
  const steady = `>= ${TARGETS.firedPerMinute.toLocaleString('en-US')} marks/min fired with lateness p99 <= ${TARGETS.latenessP99Ms} ms`;
  const restart = `restart with ${burst.toLocaleString('en-US')} overdue marks: all fired within ${TARGETS.restartSeconds} s, none twice`;
  if (!result) return [rss, steady, restart].map((description) => ({ description, met: null, detail: 'PostgreSQL phases did not run' }));
  const { steady: s, restart: r, memory } = result;
  const rssMax = Math.max(memory.steady.rssMaxMiB, memory.restart.rssMaxMiB);
  const steadyOk = s.fired === s.expected && s.firedPerMinute >= TARGETS.firedPerMinute && s.latenessMs.p99 <= TARGETS.latenessP99Ms;
  const restartOk = r.fired === r.expected && r.duplicates === 0 && r.secondsToLast <= TARGETS.restartSeconds;
  return [
    { description: rss, met: rssMax <= TARGETS.rssMiB, detail: `max ${rssMax.toFixed(1)} MiB` },
    {
      description: steady,
      met: steadyOk,
      detail: `${s.fired}/${s.expected} fired, ${s.firedPerMinute.toFixed(0)} marks/min, p99 ${s.latenessMs.p99.toFixed(1)} ms`,
    },
    {
      description: restart,
      met: restartOk,
      detail: `${r.fired}/${r.expected} fired, last after ${r.secondsToLast.toFixed(2)} s, ${r.duplicates} repeats`,
    },
  ];
}

export function printCalendars(figures: CalendarFigures[]): void {
  console.log('\n== business time: BusinessCalendar against naive minute stepping (luxon), same inputs, same run');
  for (const f of figures) console.log(`   ${f.name}: ${f.description}`);
  const header = ['calendar', 'operation', 'ops', 'seconds', 'ops/s', 'naive ops', 'naive s', 'naive ops/s', 'ratio'];
  const rows = figures.flatMap((f) => [
    [f.name, 'addBusiness', f.addBusiness.ops, f.addBusiness.seconds, f.addBusiness.perSecond, f.naiveAddBusiness.ops, f.naiveAddBusiness.seconds, f.naiveAddBusiness.perSecond, `${f.addBusinessRatio.toFixed(0)}x`],
    [f.name, 'businessBetween', f.businessBetween.ops, f.businessBetween.seconds, f.businessBetween.perSecond, f.naiveBusinessBetween.ops, f.naiveBusinessBetween.seconds, f.naiveBusinessBetween.perSecond, `${f.businessBetweenRatio.toFixed(0)}x`],
  ]);
  printTable(header, rows.map((r) => r.map(cell)), 2);
  console.log(`   cold start (new BusinessCalendar + first addBusiness): ${figures.map((f) => `${f.name} ${f.coldFirstCallMs.toFixed(1)} ms`).join(', ')}`);
  console.log(
    '   (inputs: start instants uniform over 2026 in whole minutes; addBusiness 1..600 business minutes; businessBetween spans 0..3 days;\n' +
      '    BusinessCalendar timed warm, after 100,000 calls that also built intervals over the year)',
  );
}

export function printPostgres(result: PostgresResult, rate: number): void {
  const { server, seed, steady, restart, memory } = result;
  console.log(`\n== PostgreSQL: ${server.version}`);
  console.log(`   fsync=${server.fsync} synchronous_commit=${server.synchronousCommit}; data: ${result.location}`);
  console.log(
    `   seed: ${seed.inquiries} open inquiries (with conversation, message, opened event) in ${seed.seconds.toFixed(1)} s ` +
      `(${seed.perSecond.toFixed(0)}/s), VACUUM ANALYZE ${seed.analyzeSeconds.toFixed(1)} s; ` +
      `first marks ${seed.firstMarkAt} .. ${seed.lastMarkAt}, deadlines up to ${seed.lastDueAt}`,
  );
  const header = ['phase', 'marks', 'fired', 'first ms', 'last s', 'marks/min', 'late p50 ms', 'p99 ms', 'max ms', 'claim p99 ms', 'CPU %', 'RSS max MiB'];
  const rows = [
    [
      `steady: ${rate}/min due over ${steady.windowSeconds} s`,
      steady.expected,
      steady.fired,
      steady.msToFirst,
      steady.secondsToLast,
      steady.firedPerMinute,
      steady.latenessMs.p50,
      steady.latenessMs.p99,
      steady.latenessMs.max,
      steady.claimLatenessMs.p99,
      steady.cpuPercent,
      memory.steady.rssMaxMiB,
    ],
    [
      'restart: all overdue at start',
      restart.expected,
      restart.fired,
      restart.msToFirst,
      restart.secondsToLast,
      restart.secondsToLast > 0 ? (restart.fired * 60) / restart.secondsToLast : 0,
      '-',
      '-',
      '-',
      '-',
      restart.cpuPercent,
      memory.restart.rssMaxMiB,
    ],
  ];
  printTable(header, rows.map((r) => r.map(cell)));
  console.log(
    `   RSS max while seeding (the benchmark's loader): ${memory.seed.rssMaxMiB.toFixed(1)} MiB; heap used max: steady ${memory.steady.heapUsedMaxMiB.toFixed(1)} MiB, restart ${memory.restart.heapUsedMaxMiB.toFixed(1)} MiB`,
  );
  console.log(
    `   restart: ${restart.fired} marks in ${restart.secondsToLast.toFixed(2)} s = ${(restart.fired / restart.secondsToLast).toFixed(0)} marks/s; ` +
      `storm guard count after it (${result.stormGuardCount.deliveries} deliveries): ${result.stormGuardCount.executionMs.toFixed(2)} ms, plan ${result.stormGuardCount.plan}`,
  );
  printProfile('restart', result.sql.restart, restart.secondsToLast * 1000);
  console.log(
    '   (late: Date.now() in onFired, right after the commit holding the mark, minus the instant the mark fell due;\n' +
      '    claim: the scheduler\'s own lateByMs, taken before the batch is written; first ms / last s: from scheduler.start();\n' +
      `    marks/min: fired / (last commit - first instant); flagged late (> 1 s at claim): steady ${steady.flaggedLate}, restart ${restart.flaggedLate} of ${restart.fired} (overdue by design))`,
  );
}

function printProfile(phase: string, profile: SqlProfile, wallMs: number): void {
  const inStatements = profile.statements.reduce((sum, s) => sum + s.totalMs, 0);
  console.log(
    `   ${phase}: SQL as the scheduler saw it (${profile.units} units of work, ${(profile.unitsMs / 1000).toFixed(2)} s inside them, ` +
      `${((profile.unitsMs - inStatements) / 1000).toFixed(2)} s of it BEGIN/COMMIT/pool; includes the 1 s settle after the last mark)`,
  );
  const rows = profile.statements.map((s) => [s.statement, s.calls, s.totalMs / 1000, s.totalMs / s.calls, `${((s.totalMs / wallMs) * 100).toFixed(0)} %`]);
  printTable(['   statement', 'calls', 'total s', 'ms/call', 'of burst'], rows.map((r) => r.map(cell)));
}

