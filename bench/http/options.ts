import { parseArgs } from 'node:util';
import { type Backend } from '../../src/core/persistence/database';
import { positiveInt, usageFailure } from '../shared/lifecycle';

export interface HttpBenchOptions {
  backends: Backend[];
  /** Length of each measured phase. */
  seconds: number;
  /** Closed-loop phases of single-message requests, one per concurrency. */
  concurrency: number[];
  /** Concurrency of the closed-loop phase of 100-message requests. */
  batchConcurrency: number;
  batchSize: number;
  /** Open-loop phases of single-message requests, one per offered rate (requests/s). */
  rates: number[];
  conversations: number;
  /** Rows for the one-INSERT-per-commit baseline (fsync-bound, so capped). */
  singleRows: number;
  /** Messages for the in-process intake baseline. */
  inProcessMessages: number;
  timeoutSeconds: number;
  adminUrl: string;
}

const USAGE = `usage: node dist-bench/bench/http/run.js [--backend pglite|postgres|both] [--seconds N]
  [--concurrency N,N,...] [--batch-concurrency N] [--batch-size N] [--rates N,N,...]
  [--conversations N] [--single-rows N] [--in-process N] [--timeout SECONDS]

Starts the hub as \`node dist/cli.js start\` on a fresh database per backend and drives
POST /api/v1/messages over loopback with signed requests: autocannon closed loops of
single-message requests (default concurrency 8,64,256), one of --batch-size-message requests,
then open loops at fixed request rates. Baselines from the same run: one-row INSERT commits
and the in-process intake. Afterwards every 200-acknowledged message must be stored once.
PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

export function parseOptions(argv: string[]): HttpBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backend: { type: 'string', default: 'both' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '8,64,256' },
      'batch-concurrency': { type: 'string', default: '16' },
      'batch-size': { type: 'string', default: '100' },
      rates: { type: 'string', default: '500,1500,3000' },
      conversations: { type: 'string', default: '2000' },
      'single-rows': { type: 'string', default: '3000' },
      'in-process': { type: 'string', default: '30000' },
      timeout: { type: 'string', default: '1200' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== 'pglite' && backend !== 'postgres' && backend !== 'both') usageFailure('--backend must be pglite, postgres or both', USAGE);
  const batchSize = positive('batch-size', values['batch-size']);
  // The hub's http connector refuses larger batches (connectors.http.maxBatch, default 500).
  if (batchSize > 500) usageFailure('--batch-size must be at most 500', USAGE);
  return {
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend],
    seconds: positive('seconds', values.seconds),
    concurrency: list('concurrency', values.concurrency),
    batchConcurrency: positive('batch-concurrency', values['batch-concurrency']),
    batchSize,
    rates: list('rates', values.rates),
    conversations: positive('conversations', values.conversations),
    singleRows: positive('single-rows', values['single-rows']),
    inProcessMessages: positive('in-process', values['in-process']),
    timeoutSeconds: positive('timeout', values.timeout),
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

function list(name: string, raw: string | undefined): number[] {
  return (raw ?? '').split(',').map((part) => positive(name, part.trim()));
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}
