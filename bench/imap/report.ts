import { type Backend } from '../../src/core/persistence/database';
import { type Check, printChecks, printTable, type Target } from '../shared/report';
import { type ImapBaselines } from './baselines';
import { type CatchUpFigures, type LiveFigures } from './figures';

export interface BackendRun {
  backend: Backend;
  location: string;
  live: LiveFigures;
  catchUp: CatchUpFigures;
  baselines: ImapBaselines;
  checks: Check[];
  /** How each hub process ended on SIGTERM: after the live phase, after the catch-up. */
  hubExits: string[];
}

export const LIVE_P99_TARGET_MS = 2000;
export const CATCH_UP_TARGET_PER_SECOND = 500;

export function printRun(run: BackendRun): void {
  const { live, catchUp: c, baselines: b } = run;
  console.log(`\n== ${run.backend} (${run.location}); hub exits: ${run.hubExits.join(', ')}`);
  const ratios = (perSecond: number) => [perSecond / b.fetch.perSecond, perSecond / b.parse.perSecond, perSecond / b.intake.perSecond];
  printTable(
    ['phase', 'mails', 'mails/s', 'x IMAP fetch', 'x parse', 'x intake'],
    [
      // Paced by the sender: its rate is the offered one, so no ratio.
      [`live: ${live.offeredPerSecond}/s offered, append → inquiry`, live.mails, live.committedPerSecond, NaN, NaN, NaN],
      ['catch-up: spawn → last inquiry', c.mails, c.perSecondFromSpawn, ...ratios(c.perSecondFromSpawn)],
      ['catch-up: ready → last inquiry', c.mails, c.perSecondFromReady, ...ratios(c.perSecondFromReady)],
      ['catch-up: first → last inquiry', c.mails, c.perSecondSteady, ...ratios(c.perSecondSteady)],
      ['baseline: IMAP fetch, 1 client, no hub', b.fetch.mails, b.fetch.perSecond, 1, NaN, NaN],
      ['baseline: mailparser in-process', b.parse.mails, b.parse.perSecond, NaN, 1, NaN],
      ['baseline: intake in-process, 64 callers', b.intake.messages, b.intake.perSecond, NaN, NaN, 1],
    ],
  );
  console.log('');
  printTable(
    ['live: append → committed inquiry', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'hub batch', 'hub commit ms', 'send lag p99 ms'],
    [[`${live.mails} mails, ${live.connections} conn`, live.latencyMs.p50, live.latencyMs.p95, live.latencyMs.p99, live.latencyMs.max, live.hub.meanBatch, live.hub.meanCommitMs, live.sendLagMs.p99]],
  );
  console.log(
    `\n   live appends: ${live.appendPerSecond.toFixed(0)}/s stored by Dovecot (offered ${live.offeredPerSecond}/s); ` +
      `catch-up appends: ${c.appendPerSecond.toFixed(0)}/s over ${c.connections} connections with the hub stopped`,
  );
  console.log(
    `   catch-up after spawn: ready ${ms(c.spawnToReadyMs)}, first inquiry ${ms(c.spawnToFirstMs)}, last ${ms(c.spawnToLastMs)}, ` +
      `INBOX idling ${ms(c.spawnToIdleMs)}; hub: mean batch ${c.hub.meanBatch.toFixed(1)}, arrival → commit ${c.hub.meanCommitMs.toFixed(1)} ms`,
  );
  console.log(`   IMAP fetch baseline: connect + login + EXAMINE ${ms(b.fetch.connectMs)}; in-process intake p99 ${b.intake.p99Ms.toFixed(1)} ms`);
  if (live.sendLagMs.p99 > 100) console.log(`   note: APPENDs were issued late (send lag p99 ${live.sendLagMs.p99.toFixed(1)} ms): the pool could not keep the offered rate`);
  printChecks(run.checks);
}

/** The issue's targets, per backend. */
export function targetsOf(runs: readonly BackendRun[]): Target[] {
  return runs.flatMap((run) => [
    {
      description: `${run.backend}, live: p99 append → committed inquiry <= ${LIVE_P99_TARGET_MS / 1000} s while idling`,
      met: run.live.unmeasured === 0 && run.live.latencyMs.p99 <= LIVE_P99_TARGET_MS,
      detail: `p99 ${run.live.latencyMs.p99.toFixed(0)} ms at ${run.live.offeredPerSecond}/s offered${run.live.unmeasured ? `, ${run.live.unmeasured} mails never committed` : ''}`,
    },
    {
      description: `${run.backend}, catch-up after a restart: >= ${CATCH_UP_TARGET_PER_SECOND} mails/s`,
      met: run.catchUp.unmeasured === 0 && run.catchUp.perSecondFromReady >= CATCH_UP_TARGET_PER_SECOND,
      detail: `${run.catchUp.perSecondFromReady.toFixed(0)} mails/s from ready, ${run.catchUp.perSecondFromSpawn.toFixed(0)} from spawn, ${run.catchUp.mails} mails`,
    },
  ]);
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}
