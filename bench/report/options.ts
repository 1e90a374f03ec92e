import { parseArgs } from 'node:util';
import { type Backend } from '../../src/core/persistence/database';
import { positiveInt, usageFailure } from '../shared/lifecycle';

export interface BenchOptions {
  backend: Backend;
  /** PostgreSQL admin URL (a fresh rw_bench_* database is created on that server and dropped). */
  adminUrl: string;
  inquiries: number;
  conversations: number;
  /** The inquiries are spread over this many days, ending now. */
  days: number;
  /** Measured runs of each /slastat period and of its count(*) baseline (after one warm-up). */
  repeat: number;
  /** Measured runs of each CSV export (month and quarter, alternating). */
  csvRepeat: number;
  /** Time zone the periods are read in and the CSV timestamps are written in. */
  zone: string;
  seed: number;
  timeoutSeconds: number;
}

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_INQUIRIES: Record<Backend, number> = { postgres: 1_000_000, pglite: 100_000 };

const USAGE = `usage: node dist-bench/bench/report/run.js [--postgres ADMIN_URL | --pglite] [--inquiries N]
  [--conversations N] [--days N] [--repeat N] [--csv-repeat N] [--zone IANA] [--seed N] [--timeout SECONDS]

/slastat (buildReport) and the CSV export (exportCsv) on a fresh, migrated database seeded with
set-based SQL: --inquiries (default ${DEFAULT_INQUIRIES.postgres.toLocaleString('en-US')} on PostgreSQL, ${DEFAULT_INQUIRIES.pglite.toLocaleString('en-US')} on PGlite) over
--conversations (default 20,000) and the last --days (default 730): ~85 % answered, resolved
with and without an answer, some open or on hold, ~3 % escalated.
  --postgres   create a rw_bench_* database on that server and drop it after (the default;
               default URL: env BENCH_POSTGRES_ADMIN_URL, else ${DEFAULT_ADMIN_URL})
  --pglite     embedded PGlite in a temp directory instead
  /slastat     this-month, last-month and last-quarter in --zone (default UTC): one warm-up,
               then --repeat runs (default 5) each, against SELECT count(*) over the same range
  CSV          last-month and last-quarter, --csv-repeat runs each (default 3), streamed to a
               byte-counting sink; then last-quarter as /report sends it (spooled to a temp
               file, gzipped above the limit) under the Bot API limit and under half its size;
               process RSS and heap sampled every 100 ms, live heap (after a full GC) every 500 ms
Exit 1 if a check fails (row counts, CSV columns); targets are reported only.`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      postgres: { type: 'string' },
      pglite: { type: 'boolean', default: false },
      inquiries: { type: 'string' },
      conversations: { type: 'string', default: '20000' },
      days: { type: 'string', default: '730' },
      repeat: { type: 'string', default: '5' },
      'csv-repeat': { type: 'string', default: '3' },
      zone: { type: 'string', default: 'UTC' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '1800' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.pglite && values.postgres !== undefined) fail('--postgres and --pglite exclude each other');
  const backend: Backend = values.pglite ? 'pglite' : 'postgres';
  const options: BenchOptions = {
    backend,
    adminUrl: values.postgres ?? process.env.BENCH_POSTGRES_ADMIN_URL ?? DEFAULT_ADMIN_URL,
    inquiries: positive('inquiries', values.inquiries ?? String(DEFAULT_INQUIRIES[backend])),
    conversations: positive('conversations', values.conversations),
    days: positive('days', values.days),
    repeat: positive('repeat', values.repeat),
    csvRepeat: positive('csv-repeat', values['csv-repeat']),
    zone: values.zone,
    seed: positive('seed', values.seed),
    timeoutSeconds: positive('timeout', values.timeout),
  };
  if (options.conversations > options.inquiries) fail('--conversations must not exceed --inquiries');
  if (options.days < 120) fail('--days must be at least 120, so that last quarter is covered');
  if (options.zone !== 'UTC' && !Intl.supportedValuesOf('timeZone').includes(options.zone)) fail(`unknown time zone "${options.zone}"`);
  return options;
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}

function fail(message: string): never {
  return usageFailure(message, USAGE);
}
