import { parseArgs } from 'node:util';
import { positiveInt, usageFailure } from '../shared/lifecycle';
import { MIN_GAP_MS } from './workload';

export interface BenchOptions {
  /** Customer supergroups the load is spread over. */
  groups: number;
  /** Offered updates per second in the sustained phase (and the direct-sink baseline). */
  rate: number;
  seconds: number;
  /** Updates pushed at once after the sustained phase. */
  burst: number;
  /** Inquiries opened in the 429 storm, each notified to the duty chat. */
  notifications: number;
  /** 429 answers injected on sendMessage during the storm. */
  throttles: number;
  /** PostgreSQL admin URL; null means the embedded database (PGlite) in a temp directory. */
  adminUrl: string | null;
  seed: number;
  /** Hard stop for the whole run. */
  timeoutSeconds: number;
}

const USAGE = `usage: node dist-bench/bench/telegram/run.js [--groups N] [--rate N] [--seconds N] [--burst N]
  [--notifications N] [--throttles N] [--postgres ADMIN_URL] [--seed N] [--timeout SECONDS]

The Telegram connector end to end on the real clock, against the fake Bot API on loopback:
  baseline   the same workload accepted directly by IntakeService (channel "bench")
  sustained  --rate updates/s (default 50) for --seconds (default 60) over --groups customer
             supergroups (default 1000): ~80 % customer messages, ~20 % staff replies
  burst      --burst updates (default 5000) pushed at once
  429 storm  a second, fresh hub with notify.inquiryOpened: --notifications inquiries
             (default 30) notified to the duty chat while --throttles 429s (default 10,
             retry_after 1-3 s) are injected on sendMessage
  --postgres creates a fresh rw_bench_* database per hub on that server and drops it after
             (default: embedded PGlite in a temp directory)
--groups must be at least 4 x --rate: a group's messages are kept ${MIN_GAP_MS / 1000} s apart, since
Telegram dates are whole seconds and same-second messages are ordered by role, not arrival.`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      groups: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '60' },
      burst: { type: 'string', default: '5000' },
      notifications: { type: 'string', default: '30' },
      throttles: { type: 'string', default: '10' },
      postgres: { type: 'string' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '480' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const groups = positive('groups', values.groups);
  const rate = positive('rate', values.rate);
  if (groups < rate * 4) usageFailure(`--groups (${groups}) must be at least 4 x --rate (${rate * 4})`, USAGE);
  const adminUrl = values.postgres ?? null;
  if (adminUrl !== null && !/^postgres(ql)?:\/\//.test(adminUrl)) usageFailure(`--postgres expects a postgres:// URL, got ${adminUrl}`, USAGE);
  return {
    groups,
    rate,
    seconds: positive('seconds', values.seconds),
    burst: positive('burst', values.burst),
    notifications: positive('notifications', values.notifications),
    throttles: positive('throttles', values.throttles),
    adminUrl,
    seed: positive('seed', values.seed),
    timeoutSeconds: positive('timeout', values.timeout),
  };
}

function positive(name: string, raw: string | undefined): number {
  return positiveInt(name, raw, USAGE);
}
