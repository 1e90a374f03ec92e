import os from 'node:os';
import { type Backend, type Database } from '../../src/core/persistence/database';
import { type Baselines, type BaselineFigures } from './baselines';
import { type Check } from './checks';
import { type IntakeFigures } from './intake-load';
import { type LatencySummary } from './stats';

export interface ServerInfo {
  version: string;
  fsync: string;
  synchronousCommit: string;
}

export interface Target {
  description: string;
  met: boolean;
}

export interface BackendResult {
  backend: Backend;
  location: string;
  server: ServerInfo;
  intake: IntakeFigures;
  baselines: Baselines;
  /** Intake messages/s divided by each baseline's rows/s. */
  ratios: { singleRow: number; batched: number };
  checks: Check[];
  target: Target;
}

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

/** The acceptance targets. */
export function targetFor(backend: Backend, intake: IntakeFigures): Target {
  if (backend === 'postgres') {
    return { description: '>= 5000 msg/s and p99 <= 50 ms', met: intake.perSecond >= 5000 && intake.latencyMs.p99 <= 50 };
  }
  return { description: '>= 2000 msg/s', met: intake.perSecond >= 2000 };
}

export function printBackend(result: BackendResult): void {
  const { intake, baselines, ratios, server } = result;
  console.log(`\n== ${result.backend}: ${server.version}`);
  console.log(`   fsync=${server.fsync} synchronous_commit=${server.synchronousCommit}  data: ${result.location}`);
  const header = ['phase', 'rows', 'commits', 'seconds', 'rows/s', 'p50 ms', 'p99 ms', 'max ms', 'intake/this'];
  const lines = [
    ['intake accept->commit', intake.messages, intake.batches, intake.seconds, intake.perSecond, ...latency(intake.latencyMs), '1.00x'],
    baselineLine('raw INSERT 1 row/commit', baselines.singleRow, ratios.singleRow),
    baselineLine(`raw INSERT ${rowsPerCommit(baselines.batched)} rows/commit`, baselines.batched, ratios.batched),
  ];
  printTable(header, lines.map((line) => line.map(cell)));
  console.log(`   intake: mean batch ${intake.meanBatch.toFixed(1)} messages; ${intake.accepted} new, ${intake.duplicatesReported} reported duplicate`);
  console.log('   (intake latency is per message from accept() to resolve; baseline latency is per commit)');
  for (const c of result.checks) console.log(`   ${c.pass ? 'PASS' : 'FAIL'}  ${c.name} (${c.detail})`);
  console.log(`   target ${result.target.description}: ${result.target.met ? 'MET' : 'MISSED'}`);
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

function cell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (r: string[]) => '   ' + r.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  console.log(format(header));
  for (const r of rows) console.log(format(r));
}

/** Rounds every float in the JSON so the RESULT line stays readable. */
export function resultLine(payload: unknown): string {
  return `RESULT ${JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? round(value, 3) : value))}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
