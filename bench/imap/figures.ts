import { type IntakeView } from '../http/hub-metrics';
import { type LatencySummary } from '../intake/stats';
import { type AppendRun } from './mailer';
import { type StoredMail } from './stored';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Appended while the hub idled on the mailbox: append → committed inquiry. */
export interface LiveFigures {
  mails: number;
  offeredPerSecond: number;
  connections: number;
  /** What the pool stored in Dovecot per second. */
  appendPerSecond: number;
  sendLagMs: LatencySummary;
  /** Mails with an inquiry, first append to last inquiry commit. */
  committedPerSecond: number;
  /** Appended (server's OK) to the inquiry's commit time as the hub recorded it. */
  latencyMs: Percentiles;
  /** Mails that had no inquiry and so no latency sample (see the checks). */
  unmeasured: number;
  hub: IntakeView;
}

/** Appended while the hub was stopped, then read after a restart. */
export interface CatchUpFigures {
  mails: number;
  connections: number;
  appendPerSecond: number;
  spawnToReadyMs: number;
  spawnToFirstMs: number;
  spawnToLastMs: number;
  readyToLastMs: number;
  /** Spawn to INBOX idling again (the connector's own "caught up"). */
  spawnToIdleMs: number;
  perSecondFromSpawn: number;
  perSecondFromReady: number;
  /** First to last inquiry commit: the rate once reading had begun. */
  perSecondSteady: number;
  unmeasured: number;
  hub: IntakeView;
}

export function liveFigures(run: AppendRun, stored: ReadonlyMap<string, StoredMail>, offeredPerSecond: number, connections: number, hub: IntakeView): LiveFigures {
  const latencies: number[] = [];
  let firstAppend = Infinity;
  let lastCommit = 0;
  for (const mail of run.appended) {
    firstAppend = Math.min(firstAppend, mail.sentAt);
    const at = stored.get(mail.messageId)?.inquiryAt;
    if (at === undefined) continue;
    latencies.push(at - mail.appendedAt);
    lastCommit = Math.max(lastCommit, at);
  }
  return {
    mails: run.appended.length,
    offeredPerSecond,
    connections,
    appendPerSecond: run.perSecond,
    sendLagMs: run.sendLagMs,
    committedPerSecond: rate(latencies.length, lastCommit - firstAppend),
    latencyMs: percentiles(latencies),
    unmeasured: run.appended.length - latencies.length,
    hub,
  };
}

export function catchUpFigures(
  run: AppendRun,
  stored: ReadonlyMap<string, StoredMail>,
  connections: number,
  hubTimes: { spawnedAt: number; readyAt: number; idleAt: number },
  hub: IntakeView,
): CatchUpFigures {
  const commits = run.appended.flatMap((mail) => {
    const at = stored.get(mail.messageId)?.inquiryAt;
    return at === undefined ? [] : [at];
  });
  const first = commits.reduce((min, at) => Math.min(min, at), Infinity);
  const last = commits.reduce((max, at) => Math.max(max, at), 0);
  const { spawnedAt, readyAt, idleAt } = hubTimes;
  return {
    mails: run.appended.length,
    connections,
    appendPerSecond: run.perSecond,
    spawnToReadyMs: readyAt - spawnedAt,
    spawnToFirstMs: first - spawnedAt,
    spawnToLastMs: last - spawnedAt,
    readyToLastMs: last - readyAt,
    spawnToIdleMs: idleAt - spawnedAt,
    perSecondFromSpawn: rate(commits.length, last - spawnedAt),
    // Everything committed before the first 200 on /health/ready: no wait after ready at all.
    perSecondFromReady: commits.length > 0 && last <= readyAt ? Infinity : rate(commits.length, last - readyAt),
    perSecondSteady: rate(commits.length - 1, last - first),
    unmeasured: run.appended.length - commits.length,
    hub,
  };
}

/** Nearest-rank percentiles, as bench/intake's summarize(), with p95. */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

function rate(count: number, ms: number): number {
  return ms > 0 && count > 0 ? (count * 1000) / ms : 0;
}
