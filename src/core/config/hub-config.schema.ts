import { z } from 'zod';
import { secret } from '../../plugins/sdk/secret';
import { breakerSchema, connectorDeliverySchema, DEFAULT_RETRY_SCHEDULE } from './delivery-policy.schema';
import { durationAtLeast, durationSchema } from './duration';
import { consoleAccounts, consoleSchema, sameToken } from '../console/console-config.schema';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const KB_PER_UNIT = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;

/** `16MB` in kB, as PostgreSQL reads a memory setting; undefined when it is not one. */
function sizeInKb(size: string): number | undefined {
  const match = /^(\d{1,7})(kB|MB|GB)$/.exec(size);
  return match ? Number(match[1]) * KB_PER_UNIT[match[2] as keyof typeof KB_PER_UNIT] : undefined;
}

export const databaseSchema = z
  .object({
    /** PostgreSQL server; when absent the embedded database (PGlite) is used. */
    url: secret(z.string().min(1)).optional(),
    /** Data directory of the embedded database. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * Embedded database: its page cache (PostgreSQL's shared_buffers), e.g. `32MB`. Unset:
     * PGlite's 128MB. Each start sets all of it up, so a smaller cache starts faster (about
     * 0.6 s against 1.9 s at 16MB on two busy cores) and uses less memory, at the price of more
     * reads from the data directory's files for a large database.
     */
    sharedBuffers: z
      .string()
      .refine((size) => {
        const kB = sizeInKb(size);
        return kB !== undefined && kB >= 128 && kB <= 1024 * 1024;
      }, 'expected a size from 128kB to 1GB, such as 16MB or 128MB')
      .optional(),
    poolSize: z.number().int().min(1).max(100).default(10),
    /** PostgreSQL server: a statement running longer is cancelled (a stalled link must not hold requests). */
    statementTimeout: durationAtLeast(100, '100ms').default(30_000),
    /** PostgreSQL server: longest wait for a connection to open. */
    connectTimeout: durationAtLeast(100, '100ms').default(5000),
  })
  .strict();

export const outboxSchema = z
  .object({
    /** Failed attempts (not counting rate-limit waits) before a delivery is dead-lettered. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** Upper bound on attempts including rate-limited ones, so nothing retries forever. */
    maxTotalAttempts: z.number().int().min(1).max(1000).default(50),
    /**
     * The wait after each failed attempt, in order (the first attempt is immediate), with ±20 %
     * jitter; past its end the last wait repeats. The default is Svix's: a peer down for a day
     * still gets its events. Used unless `baseDelay` is set.
     */
    retrySchedule: z.array(durationSchema).min(1).default(DEFAULT_RETRY_SCHEDULE),
    /** Set it for exponential backoff from this delay instead of the schedule (doubling, capped at maxDelay). */
    baseDelay: durationAtLeast(1, '1ms').optional(),
    maxDelay: durationSchema.default(3_600_000),
    /** How long a claim lasts; a delivery held by a process that died is retried after it. */
    lease: durationAtLeast(1000, '1s').default(60_000),
    /** Longest a single deliver() may take before it counts as a temporary failure; below the lease. */
    attemptTimeout: durationAtLeast(100, '100ms').default(30_000),
    /** Longest idle wait between checks for deliveries written by other replicas. */
    pollInterval: durationAtLeast(10, '10ms').default(1000),
    /** Deliveries this process attempts at once (each claim's lease covers its own attempt). */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** The circuit breaker per duty target; a connector or target may set its own. */
    breaker: breakerSchema.prefault({}),
    /** How long a connector's deliveries are held after its credentials were refused, before one probe. */
    authPause: durationAtLeast(1000, '1s').default(600_000),
  })
  .strict()
  .refine((o) => o.attemptTimeout < o.lease, { path: ['attemptTimeout'], message: 'expected less than outbox.lease' });

export const intakeSchema = z
  .object({
    /** Most messages committed together in one transaction (group commit). */
    maxBatch: z.number().int().min(1).max(5000).default(200),
    /**
     * Oldest message accepted, counted back from now. An SLA clock for a message older than
     * this means nothing, and business time over decades is costly to compute (a sender's
     * zero date, 0001-01-01, is the usual culprit).
     */
    maxMessageAge: durationAtLeast(86_400_000, '1d').default(365 * 86_400_000),
    /**
     * Most messages waiting for a commit. Beyond it new requests are refused at once (HTTP 503
     * with Retry-After) instead of waiting ever longer: a sender retries, and answers stay fast
     * for those let in. Unset: 1,000 on the embedded database, 10,000 on a PostgreSQL server.
     */
    maxQueued: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

const pluginSchema = z
  .object({
    /** A path (relative to the hub.yaml folder) or package name exporting `replywatchPlugin`. */
    module: z.string().min(1),
  })
  .strict();

export const hubConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        /** Largest request body accepted by the HTTP API. */
        bodyLimit: z.string().default('1mb'),
        /** Longest a request may take to arrive, headers and body (a slow sender is cut off with 408). */
        requestTimeout: durationAtLeast(1000, '1s').default(30_000),
        /** Longest the headers may take to arrive. */
        headersTimeout: durationAtLeast(1000, '1s').default(10_000),
        /** How long an idle keep-alive connection stays open. */
        keepAliveTimeout: durationAtLeast(1000, '1s').default(5000),
      })
      .strict()
      .prefault({}),
    database: databaseSchema.prefault({}),
    admin: z
      .object({
        token: secret(z.string().min(16, 'expected at least 16 characters')).optional(),
        /** Without a token, on the embedded database: keep a generated one in <dataDir>/admin.token. */
        generateToken: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** The web console; see docs/CONSOLE.md. */
    console: consoleSchema.prefault({}),
    log: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        /** Readable lines instead of JSON; unset: readable when stdout is a terminal. */
        pretty: z.boolean().optional(),
      })
      .strict()
      .prefault({}),
    rulesFile: z.string().min(1).default('./config/rules.yaml'),
    intake: intakeSchema.prefault({}),
    outbox: outboxSchema.prefault({}),
    /** Each key is a connector id; each connector's own schema validates the rest. */
    connectors: z.record(z.string(), z.object({ enabled: z.boolean().default(true), delivery: connectorDeliverySchema.optional() }).loose()).default({}),
    plugins: z.array(pluginSchema).default([]),
  })
  .strict()
  .superRefine((hub, ctx) => {
    // The admin token signs in as the operator `admin`: a console account sharing it would be
    // that account in name only (and a viewer would be an operator). Checked here, where both are.
    const admin = hub.admin.token;
    if (admin === undefined) return;
    for (const { list, index, person, label } of consoleAccounts(hub.console)) {
      if (person.token === admin) ctx.addIssue({ code: 'custom', path: ['console', list, index, 'token'], message: sameToken(label, 'admin.token') });
    }
  });

export type HubConfig = z.output<typeof hubConfigSchema>;
export type OutboxSettings = z.output<typeof outboxSchema>;
export type DatabaseSettings = z.output<typeof databaseSchema>;
