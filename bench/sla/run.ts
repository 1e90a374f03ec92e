import { abortRun, runMain } from '../shared/lifecycle';
import { Logger, type LoggerService } from '@nestjs/common';
import { slaPoints } from '../../src/core/sla/mark-planner';
import { machineInfo, resultLine, serverInfo } from '../intake/report';
import { benchCalendar, type CalendarFigures } from './business-time';
import { benchCalendars, RESTART_POLICY, schedulerRules, STEADY_POLICY } from './calendars';
import { calendarChecks, databaseChecks, firingChecks } from './checks';
import { openFreshPostgres } from './databases';
import { profiled, stormGuardCount } from './diagnostics';
import { runScheduler, runSteady } from './firing';
import { MemoryWatch, peakRssMiB } from './memory';
import { parseOptions, steadyCount, type BenchOptions } from './options';
import { calendarTarget, postgresTargets, printCalendars, printPostgres, type PostgresResult } from './report';
import { reschedule, seedInquiries } from './seed';
import { type Check, printChecks, printTargets } from '../shared/report';

/** The bulk's first marks start this long after seeding begins, so none falls due during the run. */
const BULK_STARTS_AFTER_MS = 3_600_000;
/** The steady window opens this long after its inquiries are rescheduled. */
const STEADY_LEAD_MS = 2000;
/** Restart: the overdue marks fell due between 1 s and 5 min before the restart. */
const OVERDUE_SPAN_MS = 5 * 60_000;
/** Restart: how long to wait for the burst before giving up on it (the target is 10 s). */
const RESTART_GIVE_UP_MS = 180_000;

/** Errors and warnings the hub's code logs (an SLA pass that failed), kept for the checks. */
const logged: string[] = [];
const collector: LoggerService = {
  log: () => undefined,
  verbose: () => undefined,
  debug: () => undefined,
  warn: (message: unknown) => record('warn', message),
  error: (message: unknown) => record('error', message),
  fatal: (message: unknown) => record('fatal', message),
};

function record(level: string, message: unknown): void {
  const text = `${level}: ${message instanceof Error ? message.message : String(message)}`;
  logged.push(text);
  console.error(`   [hub ${text}]`);
}

/**
 * SLA benchmark. PostgreSQL first (so the process's memory is the scheduler's, not the
 * micro-benchmark's arrays): a fresh database seeded with open inquiries whose marks fall due
 * over a week; a real-time window in which a slice of them falls due at a fixed rate, fired by
 * SlaScheduler; then a restart (new connection pool, new scheduler) with overdue marks.
 * Then business-time computations against a naive minute-stepping baseline. Exits 1 if a
 * correctness check fails or a phase could not run (targets are only reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abortRun('interrupted'));
  Logger.overrideLogger(collector);

  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  console.log(
    `workload: ${options.inquiries} open inquiries on PostgreSQL; steady window ${options.seconds} s at ${options.rate} marks/min ` +
      `(${steadyCount(options)} marks); restart with ${options.burst} overdue marks; scheduler batch ${options.batchSize}, poll ${options.pollInterval} ms; ` +
      `business time ${options.ops} ops per calendar, naive baseline ${options.baselineOps}${options.quick ? ' (--quick)' : ''}`,
  );

  const failures: Array<{ phase: string; error: string }> = [];
  let postgres: PostgresResult | undefined;
  try {
    postgres = await benchPostgres(options);
    printPostgres(postgres, options.rate);
    printChecks(postgres.checks);
  } catch (error) {
    console.error(`\n== PostgreSQL: FAILED to run\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failures.push({ phase: 'postgres', error: error instanceof Error ? error.message : String(error) });
  }

  const calendars: CalendarFigures[] = [];
  try {
    console.log('\n-- business time ...');
    for (const calendar of benchCalendars()) calendars.push(benchCalendar(calendar, options.ops, options.baselineOps, options.seed));
    printCalendars(calendars);
  } catch (error) {
    console.error(`\n== business time: FAILED to run\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failures.push({ phase: 'business time', error: error instanceof Error ? error.message : String(error) });
  }
  const checks: Check[] = [...(postgres?.checks ?? []), ...calendarChecks(calendars)];
  printChecks(calendarChecks(calendars));

  const targets = [...postgresTargets(postgres, options.inquiries, options.burst), calendarTarget(calendars)];
  console.log('\n== targets (reported only)');
  printTargets(targets);
  console.log(`   process peak RSS over the whole run (getrusage, includes the business-time arrays): ${peakRssMiB().toFixed(1)} MiB`);

  const pass = failures.length === 0 && checks.every((c) => c.pass);
  console.log(`\noverall: ${pass ? 'PASS' : 'FAIL'}`);
  console.log(resultLine({ machine, options: { ...options, adminUrl: undefined }, postgres, calendars, targets, failures, peakRssMiB: peakRssMiB(), pass }));
  return pass ? 0 : 1;
}

async function benchPostgres(options: BenchOptions): Promise<PostgresResult> {
  const rules = schedulerRules();
  const points = slaPoints(rules.policies.find((p) => p.name === STEADY_POLICY) ?? (rules.policies[0] as (typeof rules.policies)[number]));
  const secondMarkAfterMs = (points[1]?.offsetMs ?? 0) - (points[0]?.offsetMs ?? 0);
  const settings = { batchSize: options.batchSize, pollInterval: options.pollInterval };
  const memory = new MemoryWatch();
  memory.phase('seed');
  console.log(`\n-- postgres: seeding ${options.inquiries} open inquiries on a fresh database ...`);
  const bench = await openFreshPostgres(options.adminUrl);
  try {
    const server = await serverInfo(bench.db);
    const seed = await seedInquiries(bench.db, rules, options.inquiries, options.seed, Date.now() + BULK_STARTS_AFTER_MS);

    const steadyMarks = steadyCount(options);
    console.log(`-- postgres: steady window, ${steadyMarks} marks due over ${options.seconds} s ...`);
    const firstDue = Date.now() + STEADY_LEAD_MS;
    const spacing = (options.seconds * 1000) / steadyMarks;
    const steadySchedule = await reschedule(bench.db, rules, STEADY_POLICY, range(0, steadyMarks), (k) => firstDue + (k + 0.5) * spacing);
    memory.phase('steady');
    const steadyDb = profiled(bench.db);
    const steady = await runSteady(steadyDb.db, rules, steadySchedule, settings, { firstDue, seconds: options.seconds, offeredPerMinute: options.rate });

    console.log(`-- postgres: restart (new pool, new scheduler) with ${options.burst} overdue marks ...`);
    memory.phase('between');
    const db = await bench.reopen();
    const restartAt = Date.now();
    const restartSchedule = await reschedule(db, rules, RESTART_POLICY, range(steadyMarks, steadyMarks + options.burst), (k) => restartAt - 1000 - (k / options.burst) * OVERDUE_SPAN_MS);
    memory.phase('restart');
    const burstMinute = Math.floor(Date.now() / 60_000) * 60_000;
    const restartDb = profiled(db);
    const restart = await runScheduler(restartDb.db, rules, restartSchedule, settings, Date.now() + RESTART_GIVE_UP_MS, 1000);
    memory.stop();

    const checks = [
      ...firingChecks('steady', steady),
      ...firingChecks('restart', restart),
      ...(await databaseChecks(db, steadySchedule, restartSchedule, options.inquiries, secondMarkAfterMs, logged)),
    ];
    return {
      server,
      location: bench.location,
      seed,
      steady,
      restart,
      memory: { seed: memory.figures('seed'), steady: memory.figures('steady'), restart: memory.figures('restart') },
      stormGuardCount: await stormGuardCount(db, 'duty-restart', burstMinute),
      sql: { steady: steadyDb.profile(), restart: restartDb.profile() },
      checks,
    };
  } finally {
    memory.stop();
    await bench.dispose();
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

runMain(main);
