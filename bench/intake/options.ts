import { parseArgs } from 'node:util';
import { type Backend } from '../../src/core/persistence/database';

export interface BenchOptions {
  backends: Backend[];
  messages: number;
  conversations: number;
  concurrency: number;
  maxBatch: number;
  /** Rows for the one-INSERT-per-commit baseline; capped because it is fsync-bound and slow. */
  singleRows: number;
  batchRows: number;
  seed: number;
  /** Hard stop for the whole run, so a stuck database cannot hang CI. */
  timeoutSeconds: number;
  adminUrl: string;
}

const USAGE = `usage: node dist-bench/bench/intake/run.js [--backend pglite|postgres|both] [--messages N]
  [--conversations N] [--concurrency N] [--max-batch N] [--single-rows N] [--batch-rows N]
  [--seed N] [--timeout SECONDS]
PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backend: { type: 'string', default: 'both' },
      messages: { type: 'string', default: '50000' },
      conversations: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '256' },
      'max-batch': { type: 'string', default: '200' },
      'single-rows': { type: 'string', default: '5000' },
      'batch-rows': { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '900' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== 'pglite' && backend !== 'postgres' && backend !== 'both') fail(`--backend must be pglite, postgres or both`);
  const messages = positive('messages', values.messages);
  return {
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend],
    messages,
    conversations: positive('conversations', values.conversations),
    concurrency: positive('concurrency', values.concurrency),
    // Same bounds as the hub's intake.maxBatch setting.
    maxBatch: Math.min(5000, positive('max-batch', values['max-batch'])),
    singleRows: Math.min(messages, positive('single-rows', values['single-rows'])),
    batchRows: positive('batch-rows', values['batch-rows']),
    seed: positive('seed', values.seed),
    timeoutSeconds: positive('timeout', values.timeout),
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

function positive(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(64);
}
