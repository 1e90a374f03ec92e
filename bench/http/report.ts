import { type Backend } from '../../src/core/persistence/database';
import { type Check, printChecks, printTable, printTargets, type Target } from '../shared/report';
import { type HttpBaselines } from './baselines';
import { type PhaseFigures } from './phase';

export interface BackendRun {
  backend: Backend;
  location: string;
  baselines: HttpBaselines;
  phases: PhaseFigures[];
  checks: Check[];
  hubExit: string;
}

export function printRun(run: BackendRun): void {
  const { baselines } = run;
  console.log(`\n== ${run.backend} (${run.location}); hub ${run.hubExit}`);
  console.log(
    `   baselines, same run: one-row INSERT per commit ${baselines.singleRowPerSecond.toFixed(0)} rows/s; ` +
      `in-process intake (64 callers) ${baselines.inProcessPerSecond.toFixed(0)} msg/s, p99 ${baselines.inProcessP99Ms.toFixed(1)} ms`,
  );
  printTable(
    ['phase', 'load', 'msg/req', 'msg/s', 'x INSERT', 'x in-proc', 'p50 ms', 'p99 ms', 'max ms', '200s', 'refused', 'errors', 'batch', 'commit ms'],
    run.phases.map((p) => [
      p.name,
      p.load.mode === 'closed' ? `${p.load.connections} conn` : `${p.load.offeredPerSecond} req/s`,
      p.messagesPerRequest,
      p.messagesPerSecond,
      p.messagesPerSecond / baselines.singleRowPerSecond,
      p.messagesPerSecond / baselines.inProcessPerSecond,
      p.latencyMs.p50,
      p.latencyMs.p99,
      p.latencyMs.max,
      p.acknowledged,
      Object.entries(p.refused)
        .map(([status, n]) => `${status}:${n}`)
        .join(' ') || '0',
      p.errors,
      p.intake?.meanBatch ?? NaN,
      p.intake?.meanCommitMs ?? NaN,
    ]),
    2,
  );
  const lagging = run.phases.filter((p) => p.load.mode === 'open' && p.load.sendLagMs.p99 > 5);
  for (const p of lagging) if (p.load.mode === 'open') console.log(`   note: ${p.name} sender lag p99 ${p.load.sendLagMs.p99.toFixed(1)} ms (the load generator itself was late; included in latency)`);
  printChecks(run.checks);
}

/** The targets; a phase that did not run leaves its target not judged. */
export function targetsOf(runs: readonly BackendRun[]): Target[] {
  const targets: Target[] = [];
  const single64 = (run: BackendRun) => run.phases.find((p) => p.load.mode === 'closed' && p.load.connections === 64 && p.messagesPerRequest === 1);
  const postgres = runs.find((r) => r.backend === 'postgres');
  const pglite = runs.find((r) => r.backend === 'pglite');
  if (postgres) {
    const p = single64(postgres);
    const ratio = p ? p.messagesPerSecond / postgres.baselines.singleRowPerSecond : 0;
    targets.push(judge('postgres, 1-message requests, 64 connections: >= 3000 msg/s, p99 <= 50 ms, >= 0.6x one-row INSERT', p, (x) => x.messagesPerSecond >= 3000 && x.latencyMs.p99 <= 50 && ratio >= 0.6, (x) => `${x.messagesPerSecond.toFixed(0)} msg/s, p99 ${x.latencyMs.p99} ms, ${ratio.toFixed(2)}x`));
    const batch = postgres.phases.find((x) => x.messagesPerRequest >= 100);
    targets.push(judge('postgres, 100-message requests: >= 10000 msg/s', batch, (x) => x.messagesPerSecond >= 10_000, (x) => `${x.messagesPerSecond.toFixed(0)} msg/s`));
  }
  if (pglite) {
    const p = single64(pglite);
    targets.push(judge('embedded, 1-message requests, 64 connections: >= 1500 msg/s, p99 <= 100 ms', p, (x) => x.messagesPerSecond >= 1500 && x.latencyMs.p99 <= 100, (x) => `${x.messagesPerSecond.toFixed(0)} msg/s, p99 ${x.latencyMs.p99} ms`));
  }
  return targets;
}

function judge(description: string, phase: PhaseFigures | undefined, met: (p: PhaseFigures) => boolean, detail: (p: PhaseFigures) => string): Target {
  if (!phase) return { description, met: null, detail: 'phase not run' };
  return { description, met: met(phase), detail: detail(phase) };
}

export { printTargets };
