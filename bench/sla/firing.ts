import { SystemClock } from '../../src/core/clock/clock';
import { type Rules } from '../../src/core/config/rules.schema';
import { type Database } from '../../src/core/persistence/database';
import { RulesStore } from '../../src/core/rules/rules-store';
import { type FiredMark, SlaScheduler } from '../../src/core/sla/sla-scheduler';
import { summarize, type LatencySummary } from '../intake/stats';
import { type Schedule } from './seed';

export interface SchedulerSettings {
  batchSize: number;
  pollInterval: number;
}

/** What one scheduler run fired, against the schedule it was given. */
export interface FiringFigures {
  /** Marks the schedule expects (one first mark per rescheduled inquiry). */
  expected: number;
  /** Expected marks fired (each counted once). */
  fired: number;
  /** The same inquiry and point reported fired more than once. */
  duplicates: number;
  /** Fired marks that were not expected (another inquiry, or not the first mark). */
  unexpected: number;
  /** scheduler.start() to the commit of the last expected mark, s. */
  secondsToLast: number;
  /** scheduler.start() to the commit of the first expected mark, ms. */
  msToFirst: number;
  /**
   * Per mark: Date.now() when onFired ran (right after the commit holding the mark's delivery
   * and event) minus the instant the mark fell due.
   */
  latenessMs: LatencySummary;
  /** Per mark: the scheduler's own lateByMs (claim time minus due instant; the commit comes after). */
  claimLatenessMs: LatencySummary;
  /** Marks the scheduler flagged late (claimed more than LATE_AFTER_MS after their instant). */
  flaggedLate: number;
  /** Epoch ms of the last expected mark's commit (as seen in onFired). */
  lastFiredAt: number;
  /** This process's CPU time over the run divided by wall time (1 core = 100 %). */
  cpuPercent: number;
}

export interface SteadyFigures extends FiringFigures {
  windowSeconds: number;
  offeredPerMinute: number;
  /** Expected marks fired divided by the time from the first mark's instant to the last commit. */
  firedPerMinute: number;
}

/**
 * The hub's scheduler (SlaScheduler on the system clock, rules through a RulesStore as the
 * hub wires it) firing the marks of `schedule`, which fall due in real time; runs until every
 * expected mark has fired or `deadline` (epoch ms) passes, then `settleMs` longer so a mark
 * fired twice would still be seen, then stops.
 */
export async function runScheduler(db: Database, rules: Rules, schedule: Schedule, settings: SchedulerSettings, deadline: number, settleMs: number): Promise<FiringFigures> {
  const store = new RulesStore(rules);
  const scheduler = new SlaScheduler(db, new SystemClock(), () => store.current, settings);
  const lateness = new Float64Array(schedule.size);
  const claimLateness = new Float64Array(schedule.size);
  const seen = new Set<string>();
  let fired = 0;
  let duplicates = 0;
  let unexpected = 0;
  let flaggedLate = 0;
  let firstAt = 0;
  let lastAt = 0;
  let lastFiredAt = 0;
  let allFired: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allFired = resolve));
  scheduler.onFired = (mark: FiredMark) => {
    const now = Date.now();
    const at = performance.now();
    const key = `${mark.inquiryId}:${mark.kind}:${mark.index}`;
    if (seen.has(key)) {
      duplicates++;
      return;
    }
    seen.add(key);
    const dueAt = schedule.get(mark.inquiryId);
    if (dueAt === undefined || mark.kind !== 'mark' || mark.index !== 0) {
      unexpected++;
      return;
    }
    lateness[fired] = now - dueAt;
    claimLateness[fired] = mark.lateByMs;
    if (mark.late) flaggedLate++;
    if (fired === 0) firstAt = at;
    lastAt = at;
    lastFiredAt = now;
    if (++fired === schedule.size) allFired();
  };

  const cpu = process.cpuUsage();
  const started = performance.now();
  scheduler.start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  await scheduler.stop();
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    expected: schedule.size,
    fired,
    duplicates,
    unexpected,
    secondsToLast: fired > 0 ? (lastAt - started) / 1000 : Number.NaN,
    msToFirst: fired > 0 ? firstAt - started : Number.NaN,
    latenessMs: summarize(lateness.subarray(0, fired)),
    claimLatenessMs: summarize(claimLateness.subarray(0, fired)),
    flaggedLate,
    lastFiredAt,
    cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
  };
}

/** The steady window: marks fall due at a fixed rate during `seconds` of real time. */
export async function runSteady(
  db: Database,
  rules: Rules,
  schedule: Schedule,
  settings: SchedulerSettings,
  window: { firstDue: number; seconds: number; offeredPerMinute: number },
): Promise<SteadyFigures> {
  let lastDue = 0;
  for (const at of schedule.values()) lastDue = Math.max(lastDue, at);
  const figures = await runScheduler(db, rules, schedule, settings, lastDue + 30_000, 1000);
  const spanMs = Math.max(1, figures.lastFiredAt - window.firstDue);
  return {
    ...figures,
    windowSeconds: window.seconds,
    offeredPerMinute: window.offeredPerMinute,
    firedPerMinute: (figures.fired * 60_000) / spanMs,
  };
}
