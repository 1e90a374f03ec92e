import { positiveInt, usageFailure } from '../shared/lifecycle';
import { parseArgs } from 'node:util';
import { type Backend } from '../../src/core/persistence/database';
import { type LoadMode } from './intake-load';

export interface BenchOptions {
  backends: Backend[];
  messages: number;
  conversations: number;
  /** Intake runs per backend, in this order, each on a fresh database. */
  modes: LoadMode[];
  /** Closed loop: concurrent senders. */
  concurrency: number;
  /** Open loop: offered messages/s; null means each backend's target rate. */
  rate: number | null;
  maxBatch: number;
  /** Rows for the one-INSERT-per-commit baseline; capped because it is fsync-bound and slow. */
  singleRows: number;
  batchRows: number;
  seed: number;
  /** Hard stop for the whole run, so a stuck database cannot hang CI. */
  timeoutSeconds: number;
  adminUrl: string;
}

const USAGE = `usage: node dist-bench/bench/intake/run.js [--backend pglite|postgres|both] [--mode closed|open|both]
  [--concurrency N] [--rate N] [--messages N] [--conversations N] [--max-batch N]
  [--single-rows N] [--batch-rows N] [--seed N] [--timeout SECONDS]

Each intake run uses a fresh database; the raw INSERT baselines run once per backend.
  --mode closed  closed loop: --concurrency senders (default 256), each waiting for its
                 accept() before sending again; measures peak throughput
  --mode open    open loop: messages arrive at --rate per second (default: the backend's
                 target rate, postgres 5000, pglite 2000) whatever the backlog; latency is
                 from scheduled arrival to resolve; judges the target
  --mode both    closed loop, then open loop (the default)
Without --mode: only --rate given means open, only --concurrency given means closed.
PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backend: { type: 'string', default: 'both' },
      messages: { type: 'string', default: '50000' },
      conversations: { type: 'string', default: '2000' },
      mode: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
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
  const modes = loadModes(values.mode, values.rate !== undefined, values.concurrency !== undefined);
  return {
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend],
    messages,
    conversations: positive('conversations', values.conversations),
    modes,
    concurrency: values.concurrency === undefined ? 256 : positive('concurrency', values.concurrency),
    rate: values.rate === undefined ? null : positive('rate', values.rate),
    // Same bounds as the hub's intake.maxBatch setting.
    maxBatch: Math.min(5000, positive('max-batch', values['max-batch'])),
    singleRows: Math.min(messages, positive('single-rows', values['single-rows'])),
    batchRows: positive('batch-rows', values['batch-rows']),
    seed: positive('seed', values.seed),
    timeoutSeconds: positive('timeout', values.timeout),
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

function loadModes(mode: string | undefined, rateGiven: boolean, concurrencyGiven: boolean): LoadMode[] {
  if (mode === undefined) {
    if (rateGiven && !concurrencyGiven) return ['open'];
    if (concurrencyGiven && !rateGiven) return ['closed'];
    return ['closed', 'open'];
  }
  if (mode !== 'closed' && mode !== 'open' && mode !== 'both') fail(`--mode must be closed, open or both, got ${mode}`);
  if (mode === 'closed' && rateGiven) fail('--rate applies to the open loop, but --mode is closed');
  if (mode === 'open' && concurrencyGiven) fail('--concurrency applies to the closed loop, but --mode is open');
  return mode === 'both' ? ['closed', 'open'] : [mode];
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}

function fail(message: string): never {
  return usageFailure(message, USAGE);
}
