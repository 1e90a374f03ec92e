import { type Check, printChecks, printTable, type Target } from '../shared/report';
import { type ConfigurationRun, type PhaseCounters } from './configuration';
import { type PhaseFigures } from './figures';

export const TARGET_PER_SECOND = 2000;
/**
 * Offered at exactly the target, a hub that keeps up still measures a little under it: the
 * window runs from the first enqueue to the last arrival, one latency longer than the sending.
 */
const TARGET_SHARE = 0.98;

export function nameOf(run: Pick<ConfigurationRun, 'replicas' | 'concurrency'>): string {
  return `${run.replicas === 1 ? '1 hub' : `${run.replicas} replicas`}, concurrency ${run.concurrency}`;
}

export function printConfiguration(run: ConfigurationRun): void {
  const { healthy: h, outage: o, baseline: b } = run;
  console.log(`\n== ${nameOf(run)}${run.notes.length ? `; ${run.notes.join('; ')}` : ''}`);
  const offered = h.offeredPerSecond > 0 ? `offered ${h.offeredPerSecond}/s` : 'queued at once';
  printTable(
    ['phase', 'deliveries', 'per s', 'x wire', 'p50 ms', 'p99 ms', 'max ms', 'attempts', 'dup', 'per replica'],
    [
      [`healthy, ${offered}: enqueue → arrival${cut(h)}`, h.arrived, h.perSecond, h.perSecond / b.perSecond, ...latency(h), h.meanAttempts, h.duplicates, h.byWorker.join(' / ')],
      [`outage: healthy again → last arrival${cut(o)}`, o.arrived, o.drainPerSecond, o.drainPerSecond / b.perSecond, ...latency(o), o.meanAttempts, o.duplicates, o.byWorker.join(' / ')],
      [`wire baseline: ${b.concurrency} at a time, no hub`, b.requests, b.perSecond, 1, b.latencyMs.p50, b.latencyMs.p99, b.latencyMs.max, NaN, NaN, '-'],
    ],
    2,
  );
  console.log(
    `   outage: ${o.arrived} of ${o.expected} queued deliveries arrived ${seconds(o.drainMs)} after the peer was healthy again (first after ${Number.isNaN(o.firstAfterMs) ? 'none' : seconds(o.firstAfterMs)}); ` +
      `${o.refused} attempts answered 503 while it was down; outage latency is enqueue → arrival, outage included`,
  );
  console.log(
    `   healthy: ${h.seconds.toFixed(1)} s from first enqueue to ${h.cutOff ? 'the cut' : 'last arrival'}; hub CPU ${(h.hubCpuShare * 100).toFixed(0)} % of one core` +
      `${run.replicas > 1 ? ' (replicas together)' : ''}, machine ${(h.machineBusyShare * 100).toFixed(0)} % busy (2 cores = 100 %); ` +
      `sender lag p99 ${h.enqueue.sendLagP99Ms.toFixed(1)} ms, ${h.enqueue.resent} intake requests resent`,
  );
  console.log(`   database, healthy phase: ${counters(h.counters)}`);
  console.log(`   database, outage phase:  ${counters(o.counters)}`);
  printChecks(run.checks);
}

export function printSummary(runs: readonly ConfigurationRun[], deliveries: number, outage: number): void {
  console.log('');
  printTable(
    ['configuration', 'deliveries/s', 'wire req/s', 'hub / wire', 'p50 ms', 'p99 ms', `drain ${outage} s`, 'drain per s', 'duplicates'],
    runs.map((r) => [
      nameOf(r),
      r.healthy.perSecond,
      r.baseline.perSecond,
      r.healthy.perSecond / r.baseline.perSecond,
      ...latency(r.healthy).slice(0, 2),
      r.outage.cutOff ? `>= ${(r.outage.drainMs / 1000).toFixed(1)}` : r.outage.drainMs / 1000,
      r.outage.drainPerSecond,
      r.healthy.duplicates + r.outage.duplicates,
    ]),
  );
  console.log(`   (${deliveries} deliveries per healthy phase; latency = peer arrival − deliveries.created_at; ">=": cut off at the phase limit, a lower bound)`);
}

/** The issue's throughput target, per configuration; judged only where its checks passed. */
export function targetsOf(runs: readonly ConfigurationRun[]): Target[] {
  return runs.map((r) => {
    const failed = r.checks.filter((c: Check) => !c.pass).length;
    return {
      description: `${nameOf(r)}: >= ${TARGET_PER_SECOND} deliveries/s with a healthy peer`,
      met: failed === 0 && !r.healthy.cutOff && r.healthy.perSecond >= TARGET_PER_SECOND * TARGET_SHARE,
      detail: `${r.healthy.perSecond.toFixed(0)}/s, p99 ${latency(r.healthy)[1] ?? ''} ms${r.healthy.cutOff ? `; ${r.healthy.expected - r.healthy.arrived} still queued at the limit` : ''}${failed ? `; ${failed} checks failed` : ''}`,
    };
  });
}

/** p50, p99, max; prefixed ">=" when the phase was cut off (missing deliveries counted at the cut). */
function latency(f: PhaseFigures): Array<string | number> {
  const { p50, p99, max } = f.latencyMs;
  return f.cutOff ? [p50, p99, max].map((v) => `>= ${v.toFixed(0)}`) : [p50, p99, max];
}

function cut(f: PhaseFigures): string {
  return f.cutOff ? ` (cut off: ${f.arrived} of ${f.expected})` : '';
}

/**
 * Where the outbox's work went in the database, per attempt over the session (warm-up
 * included). Scans of `deliveries_due` are the claims (and the worker's "when next" look);
 * entries read per scan is how much of the queue each one walked through.
 */
function counters(c: PhaseCounters): string {
  const per = (n: number) => (c.attempts > 0 ? n / c.attempts : 0).toFixed(1);
  const due = c.indexes.deliveries_due ?? { scans: 0, read: 0 };
  const byKey = c.indexes.deliveries_unfinished_by_key ?? { scans: 0, read: 0 };
  return (
    `${c.attempts} attempts on ${c.deliveries} deliveries; per attempt ${per(c.commits)} commits, ${per(c.deliveriesUpdates)} row updates, ` +
    `${per(byKey.scans)} head-of-line probes (deliveries_unfinished_by_key); ${due.scans} scans of deliveries_due ` +
    `(${(due.scans > 0 ? c.attempts / due.scans : 0).toFixed(1)} attempts per scan), each reading ${(due.scans > 0 ? due.read / due.scans : 0).toFixed(0)} entries`
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
