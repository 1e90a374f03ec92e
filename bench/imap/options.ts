import { parseArgs } from 'node:util';
import { type Backend } from '../../src/core/persistence/database';
import { positiveInt, usageFailure } from '../shared/lifecycle';

export interface ImapBenchOptions {
  backends: Backend[];
  /** Mails appended while the hub idles (open loop at `rate`). */
  live: number;
  /** Offered APPENDs per second during the live phase. */
  rate: number;
  /** Mails appended first at the same rate, committed, then left out of the figures. */
  warmup: number;
  /** Mails appended while the hub is stopped, read after the restart. */
  catchUp: number;
  /** IMAP connections appending side by side. */
  connections: number;
  timeoutSeconds: number;
  /** Leave each backend's temp directory (hub.yaml, hub.log, embedded data) for a look afterwards. */
  keep: boolean;
  adminUrl: string;
}

const USAGE = `usage: node dist-bench/bench/imap/run.js [--backend pglite|postgres|both] [--live N] [--rate N]
  [--warmup N] [--catchup N] [--connections N] [--timeout SECONDS] [--keep]

Starts a throwaway Dovecot (test/support/dovecot.ts) and the hub as \`node dist/cli.js start\`
with the mail connector watching its INBOX, on a fresh database per backend (embedded in a
temp directory, or a new rw_bench_* PostgreSQL database). Once the INBOX is idling:

  live      --live customer mails (default 10000) APPENDed from --connections IMAP connections
            (default 4) at --rate mails/s (default 200, open loop: a free connection sends
            every mail due by then in one MULTIAPPEND) after --warmup mails (default 200);
            latency runs from each APPEND's OK to the inquiry it opened, as the hub stamped it
            in its database (inquiries.created_at: the start of the committing transaction).
  catch-up  the hub is stopped (SIGTERM), --catchup mails (default 5000) are APPENDed as fast
            as the connections go, the hub is started again; time from spawn and from the
            first 200 on /health/ready to the last inquiry's commit.
  baselines with the hub stopped: the connector's fetch of the catch-up mails from Dovecot by
            one client (UID SEARCH, then FETCH (UID FLAGS INTERNALDATE BODY.PEEK[]<0.131072>)
            in the connector's batches), mailparser on them in-process, and the in-process
            intake (IntakeService.accept(), 64 callers) on a fresh database.
  checks    every appended Message-ID stored once and opening its inquiry, nothing else
            stored, and a clean exit on both SIGTERMs.

--keep leaves each backend's temp directory (hub.yaml, hub.log, embedded data) in place.
Build first (npm run bench:imap does). PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL
(default postgres://postgres@127.0.0.1:5432/postgres). Profile the hub with
BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (one profile per hub start).`;

export function parseOptions(argv: string[]): ImapBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backend: { type: 'string', default: 'both' },
      live: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '200' },
      catchup: { type: 'string', default: '5000' },
      connections: { type: 'string', default: '4' },
      timeout: { type: 'string', default: '1200' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== 'pglite' && backend !== 'postgres' && backend !== 'both') usageFailure('--backend must be pglite, postgres or both', USAGE);
  const connections = positive('connections', values.connections);
  // Dovecot's mail_max_userip_connections is 100 in the harness; the hub holds two of them.
  if (connections > 64) usageFailure('--connections must be at most 64', USAGE);
  return {
    backends: backend === 'both' ? ['pglite', 'postgres'] : [backend],
    live: positive('live', values.live),
    rate: positive('rate', values.rate),
    warmup: positive('warmup', values.warmup),
    catchUp: positive('catchup', values.catchup),
    connections,
    timeoutSeconds: positive('timeout', values.timeout),
    keep: values.keep,
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}
