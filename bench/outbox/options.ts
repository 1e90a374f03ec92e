import { parseArgs } from 'node:util';
import { positiveInt, usageFailure } from '../shared/lifecycle';

export interface OutboxBenchOptions {
  /** Deliveries in the healthy phase (inquiries opened × endpoints). */
  deliveries: number;
  /** Webhook endpoints, each its own duty target; every opened inquiry notifies all of them. */
  endpoints: number;
  /** Offered deliveries per second in the healthy phase; 0: everything at once (a burst). */
  rate: number;
  /** Deliveries queued while the peer answers 503, drained once it is healthy again. */
  outageDeliveries: number;
  /** How long the peer stays down after the outage deliveries are queued. */
  outageSeconds: number;
  /** One single-hub configuration per value of `outbox.concurrency`. */
  concurrency: number[];
  /** `outbox.concurrency` of each replica in the two-replica configuration; 0 skips it. */
  replicaConcurrency: number;
  /** Longest wait for a phase's deliveries, from its start; what is still queued then is reported as cut off. */
  phaseLimitSeconds: number;
  /** Inquiries opened first in each session and left out of the figures (connections, JIT, first claims). */
  warmMessages: number;
  /** `outbox.pollInterval` (e.g. "100ms"); undefined: the hub's default. */
  pollInterval: string | undefined;
  /** Messages per signed intake request. */
  messagesPerRequest: number;
  timeoutSeconds: number;
  /** Leave the temp directory (hub.yaml, rules.yaml, hub logs) for a look afterwards. */
  keep: boolean;
  quick: boolean;
  adminUrl: string;
}

const USAGE = `usage: node dist-bench/bench/outbox/run.js [--deliveries N] [--endpoints K] [--rate N]
  [--outage N] [--outage-seconds N] [--concurrency N,N,...] [--replica-concurrency N]
  [--phase-limit SECONDS] [--poll-interval DURATION] [--messages-per-request N]
  [--timeout SECONDS] [--keep] [--quick]

The outbox as users meet it: the hub started as \`node dist/cli.js start\` on a fresh rw_bench_*
PostgreSQL database, K webhook endpoints on one local HTTP peer (a worker thread of this
process that verifies signatures, records arrivals and webhook-ids, and can answer 503), and
rules that notify all K duty targets when an inquiry opens. Deliveries are made by opening
inquiries through the signed HTTP intake: each opened inquiry is K deliveries.

  healthy   --deliveries (default 20000) offered at --rate deliveries/s (default 2000, the
            issue's target; 0 = all at once); deliveries/s = deliveries / (first enqueue →
            last arrival); latency = peer arrival − deliveries.created_at.
  outage    the peer answers 503; --outage deliveries (default 5000) are queued; after
            --outage-seconds (default 3) it answers 2xx again: time until all arrived.
  baseline  this process posts as many signed requests to the same peer, same concurrency,
            no hub (what the wire allows); printed as hub / baseline.

One configuration per --concurrency value (outbox.concurrency, default 4,16), then two
replicas (two hub processes, one database, intake spread over both) at --replica-concurrency
(default 16; 0 skips). Each phase runs on a fresh database with fresh hubs and a warm-up of 20
inquiries. A phase waits at most --phase-limit seconds (default 20) from its start (the first
enqueue; in the outage, the peer healthy again) for its deliveries; if some are still queued
then, throughput is over the time until the cut and the latencies count them as arriving at
the cut (lower bounds), marked "cut off".

Retries come back fast: baseDelay 200ms, maxDelay 1s, and a short breaker where the build has
one; --poll-interval sets outbox.pollInterval (default: the hub's).
--quick: a smoke run of every phase in under a minute: only the two-replica configuration
(where duplicates and order across processes can go wrong), 1000 deliveries, 500 in the
outage, 1 s down, 5 warm-up inquiries, a 5 s limit; --concurrency adds single-hub ones.
PostgreSQL admin URL: env BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
Profile the hub with BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".`;

export function parseOptions(argv: string[]): OutboxBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      deliveries: { type: 'string' },
      endpoints: { type: 'string', default: '10' },
      rate: { type: 'string', default: '2000' },
      outage: { type: 'string' },
      'outage-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      'replica-concurrency': { type: 'string' },
      'phase-limit': { type: 'string' },
      'poll-interval': { type: 'string' },
      'messages-per-request': { type: 'string', default: '10' },
      timeout: { type: 'string', default: '900' },
      keep: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const concurrency = list('concurrency', values.concurrency ?? (quick ? '' : '4,16'));
  const endpoints = positive('endpoints', values.endpoints);
  const messagesPerRequest = positive('messages-per-request', values['messages-per-request']);
  // The http connector refuses larger batches (connectors.http.maxBatch, default 500).
  if (messagesPerRequest > 500) usageFailure('--messages-per-request must be at most 500', USAGE);
  const deliveries = positive('deliveries', values.deliveries ?? (quick ? '1000' : '20000'));
  const outageDeliveries = positive('outage', values.outage ?? (quick ? '500' : '5000'));
  for (const [name, n] of [['deliveries', deliveries], ['outage', outageDeliveries]] as const) {
    if (n % endpoints !== 0) usageFailure(`--${name} must be a multiple of --endpoints (each opened inquiry is one delivery per endpoint)`, USAGE);
  }
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 0) usageFailure(`--rate must be 0 or a positive number, got ${values.rate}`, USAGE);
  const replicaRaw = values['replica-concurrency'];
  const replicaConcurrency = replicaRaw === '0' ? 0 : positive('replica-concurrency', replicaRaw ?? '16');
  if (concurrency.length === 0 && replicaConcurrency === 0) usageFailure('nothing to run: give --concurrency, or a --replica-concurrency above 0', USAGE);
  return {
    deliveries,
    endpoints,
    rate,
    outageDeliveries,
    outageSeconds: positive('outage-seconds', values['outage-seconds'] ?? (quick ? '1' : '3')),
    concurrency,
    replicaConcurrency,
    phaseLimitSeconds: positive('phase-limit', values['phase-limit'] ?? (quick ? '5' : '20')),
    warmMessages: quick ? 5 : 20,
    pollInterval: values['poll-interval'],
    messagesPerRequest,
    timeoutSeconds: positive('timeout', values.timeout),
    keep: values.keep,
    quick,
    adminUrl: process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

/** Comma-separated positive integers; empty: none. */
function list(name: string, raw: string): number[] {
  return raw.trim() === '' ? [] : raw.split(',').map((part) => positive(name, part.trim()));
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}
