import { positiveInt, usageFailure } from '../shared/lifecycle';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Open inquiries seeded (the steady-window and restart ones are among them). */
  inquiries: number;
  /** Inquiries made overdue (one mark each) before the restarted scheduler starts. */
  burst: number;
  /** Length of the real-time window in which marks fall due at `rate`. */
  seconds: number;
  /** Marks per minute falling due in the steady window. */
  rate: number;
  /** Business-time operations per calendar for the interval implementation. */
  ops: number;
  /** Operations per calendar for the naive minute-stepping baseline (slow; also the agreement sample). */
  baselineOps: number;
  /** The scheduler's settings; the defaults are the hub's (batch 100, poll = hub.outbox.pollInterval). */
  batchSize: number;
  pollInterval: number;
  seed: number;
  /** Hard stop for the whole run, so a stuck database cannot hang CI. */
  timeoutSeconds: number;
  quick: boolean;
  adminUrl: string;
}

/** The steady window must end before the steady inquiries' second mark (10 min after the first). */
export const MAX_SECONDS = 480;

const USAGE = `usage: node dist-bench/bench/sla/run.js [--quick] [--inquiries N] [--burst N] [--seconds N]
  [--rate MARKS_PER_MIN] [--ops N] [--baseline-ops N] [--batch-size N] [--poll-interval MS]
  [--seed N] [--timeout SECONDS]

  business time   --ops random addBusiness/businessBetween calls per calendar through
                  BusinessCalendar, against a naive minute-stepping luxon implementation on
                  --baseline-ops of the same inputs (which must agree exactly)
  PostgreSQL      --inquiries open inquiries (default 100000) on a fresh database, marks
                  spread over a week; --rate marks/min (default 1500) fall due during a
                  --seconds real-time window (default 60, at most ${MAX_SECONDS}) and are fired by
                  SlaScheduler; then a restart with --burst (default 10000) overdue marks
  --quick         a small smoke run (5000 inquiries, burst 1000, 10 s window, 200000 ops,
                  100 baseline ops); explicit flags still win
PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      inquiries: { type: 'string' },
      burst: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string', default: '1500' },
      ops: { type: 'string' },
      'baseline-ops': { type: 'string' },
      'batch-size': { type: 'string', default: '100' },
      'poll-interval': { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const options: BenchOptions = {
    inquiries: positive('inquiries', values.inquiries ?? (quick ? '5000' : '100000')),
    burst: positive('burst', values.burst ?? (quick ? '1000' : '10000')),
    seconds: positive('seconds', values.seconds ?? (quick ? '10' : '60')),
    rate: positive('rate', values.rate),
    ops: positive('ops', values.ops ?? (quick ? '200000' : '2000000')),
    baselineOps: positive('baseline-ops', values['baseline-ops'] ?? (quick ? '100' : '500')),
    batchSize: positive('batch-size', values['batch-size']),
    pollInterval: positive('poll-interval', values['poll-interval']),
    seed: positive('seed', values.seed),
    timeoutSeconds: positive('timeout', values.timeout),
    quick,
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  if (options.seconds > MAX_SECONDS) fail(`--seconds must be at most ${MAX_SECONDS} (the steady inquiries' next mark is 10 min later)`);
  const steady = steadyCount(options);
  if (steady < 1) fail('--rate x --seconds gives no marks in the steady window');
  if (steady + options.burst > options.inquiries) {
    fail(`--inquiries (${options.inquiries}) must hold the steady window's ${steady} marks plus --burst ${options.burst}`);
  }
  return options;
}

/** Inquiries whose first mark falls due in the steady window. */
export function steadyCount(options: Pick<BenchOptions, 'rate' | 'seconds'>): number {
  return Math.round((options.rate * options.seconds) / 60);
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}

function fail(message: string): never {
  return usageFailure(message, USAGE);
}
