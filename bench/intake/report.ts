import os from 'node:os';
import { type Backend, type Database } from '../../src/core/persistence/database';
import { type Baselines, type BaselineFigures } from './baselines';
import { SUSTAINED_SHARE, type IntakeFigures, type LoadMode } from './intake-load';
import { type LatencySummary } from './stats';
import { type Check, type Target, cell, printTable } from '../shared/report';

export interface ServerInfo {
  version: string;
  fsync: string;
  synchronousCommit: string;
}

/** One intake run on its own fresh database. */
export interface IntakeRun {
  location: string;
  figures: IntakeFigures;
  checks: Check[];
}

export interface BackendResult {
  backend: Backend;
  server: ServerInfo;
  /** In the order run: closed loop, then open loop (whichever were asked for). */
  runs: IntakeRun[];
  baselines: Baselines;
  baselineLocation: string;
  /** Peak intake messages/s (the closed loop's, else the open loop's) divided by each baseline's rows/s. */
  ratios: { intake: LoadMode; singleRow: number; batched: number };
  target: Target;
}

/** The issue's offered rates: the open loop runs at these unless --rate says otherwise. */
export const TARGET_RATE: Record<Backend, number> = { postgres: 5000, pglite: 2000 };
const TARGET_P99_MS = 50;

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
  };
}

/** fsync and synchronous_commit are shown so "durable" can be checked, not assumed. */
export async function serverInfo(db: Database): Promise<ServerInfo> {
  const [row] = await db.query<{ version: string; fsync: string; sync: string }>(
    `SELECT version() AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`,
  );
  return { version: row?.version ?? 'unknown', fsync: row?.fsync ?? '?', synchronousCommit: row?.sync ?? '?' };
}

/**
 * The issue's acceptance targets, judged on the open-loop run at the target rate only: the
 * closed loop's latency is senders / throughput by construction, so it cannot judge p99.
 * PostgreSQL: 5000 messages/s sustained with p99 <= 50 ms; PGlite: 2000 messages/s sustained.
 */
export function targetFor(backend: Backend, runs: IntakeRun[]): Target {
  const rate = TARGET_RATE[backend];
  const description = `open loop at ${rate}/s sustained${backend === 'postgres' ? ` and p99 <= ${TARGET_P99_MS} ms` : ''}`;
  const run = runs.find((r) => r.figures.load.mode === 'open');
  const load = run?.figures.load;
  if (!run || load?.mode !== 'open') return { description, met: null, detail: 'no open-loop run' };
  if (load.offeredPerSecond !== rate) {
    return { description, met: null, detail: `open loop offered ${load.offeredPerSecond}/s, not ${rate}/s` };
  }
  const { perSecond, latencyMs } = run.figures;
  const parts = [`achieved ${perSecond.toFixed(0)}/s, ${load.sustained ? 'sustained' : `below ${SUSTAINED_SHARE * rate}/s`}`];
  let met = load.sustained;
  if (backend === 'postgres') {
    parts.push(`p99 ${latencyMs.p99.toFixed(1)} ms`);
    met &&= latencyMs.p99 <= TARGET_P99_MS;
  }
  if (!run.checks.every((c) => c.pass)) {
    parts.push('but its correctness checks failed');
    met = false;
  }
  return { description, met, detail: parts.join('; ') };
}

export function printBackend(result: BackendResult): void {
  const { runs, baselines, ratios, server } = result;
  console.log(`\n== ${result.backend}: ${server.version}`);
  console.log(`   fsync=${server.fsync} synchronous_commit=${server.synchronousCommit}`);
  const header = ['phase', 'rows', 'commits', 'seconds', 'rows/s', 'p50 ms', 'p99 ms', 'max ms', 'intake/this'];
  const lines = [
    ...runs.map((r) => intakeLine(r.figures)),
    baselineLine('raw INSERT 1 row/commit', baselines.singleRow, ratios.singleRow),
    baselineLine(`raw INSERT ${rowsPerCommit(baselines.batched)} rows/commit`, baselines.batched, ratios.batched),
  ];
  printTable(header, lines.map((line) => line.map(cell)));
  for (const { figures: f, location } of runs) {
    const counts = `mean batch ${f.meanBatch.toFixed(1)} messages; ${f.accepted} new, ${f.duplicatesReported} reported duplicate; data: ${location}`;
    if (f.load.mode === 'closed') {
      console.log(`   closed: ${counts}`);
    } else {
      const { offeredPerSecond: offered, sustained, sendLagMs } = f.load;
      console.log(
        `   open:   offered ${offered}/s, achieved ${f.perSecond.toFixed(0)}/s (${sustained ? 'sustained' : 'NOT sustained'}: ` +
          `needs >= ${SUSTAINED_SHARE * offered}/s); send lag p99 ${sendLagMs.p99.toFixed(2)} ms, max ${sendLagMs.max.toFixed(2)} ms`,
      );
      console.log(`           ${counts}`);
    }
  }
  console.log(`   baselines data: ${result.baselineLocation}`);
  const notes = [
    ...runs.map(({ figures: { load } }) =>
      load.mode === 'closed'
        ? 'closed-loop latency: accept() call to resolve, about senders / throughput by construction'
        : 'open-loop latency: scheduled arrival to resolve, so queueing when behind is counted',
    ),
    'baseline latency is per commit',
    `intake/this: ${ratios.intake}-loop intake msg/s / the baseline's rows/s`,
  ];
  console.log(`   (${notes.join(';\n    ')})`);
  for (const run of runs) {
    for (const c of run.checks) console.log(`   ${c.pass ? 'PASS' : 'FAIL'}  [${run.figures.load.mode}] ${c.name} (${c.detail})`);
  }
  const verdict = result.target.met === null ? 'NOT JUDGED' : result.target.met ? 'MET' : 'MISSED';
  console.log(`   target ${result.target.description}: ${verdict} (${result.target.detail})`);
}

function intakeLine(f: IntakeFigures): Array<string | number> {
  const name = f.load.mode === 'closed' ? `intake closed loop, ${f.load.senders} senders` : `intake open loop @ ${f.load.offeredPerSecond}/s`;
  return [name, f.messages, f.batches, f.seconds, f.perSecond, ...latency(f.latencyMs), '-'];
}

function baselineLine(name: string, b: BaselineFigures, ratio: number): Array<string | number> {
  return [name, b.rows, b.commits, b.seconds, b.perSecond, ...latency(b.commitLatencyMs), `${ratio.toFixed(2)}x`];
}

function rowsPerCommit(b: BaselineFigures): number {
  return Math.round(b.rows / Math.max(1, b.commits));
}

function latency(l: LatencySummary): number[] {
  return [l.p50, l.p99, l.max];
}

/** Rounds every float in the JSON so the RESULT line stays readable. */
export function resultLine(payload: unknown): string {
  return `RESULT ${JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? round(value, 3) : value))}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
