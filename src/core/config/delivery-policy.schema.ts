import { z } from 'zod';
import { durationAtLeast, durationSchema } from './duration';

/** The default wait after each failed attempt: Svix's, so a peer down for a day still gets its events. */
export const DEFAULT_RETRY_SCHEDULE = [5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/**
 * A circuit breaker per duty target: after `failures` failed attempts in a row (rate-limit
 * waits and rejected payloads do not count) the target's deliveries are held, and one probe
 * goes after `openFor`; each failed probe doubles the wait up to `maxOpenFor`. A peer that is
 * down then costs one request per probe instead of one per delivery, and the deliveries keep
 * their retry budget for when it is back.
 */
export const breakerSchema = z
  .object({
    /** Consecutive failed attempts that open the breaker; 0 turns the breaker off. */
    failures: z.number().int().min(0).max(1000).default(5),
    openFor: durationAtLeast(100, '100ms').default(30_000),
    maxOpenFor: durationAtLeast(100, '100ms').default(600_000),
  })
  .strict()
  .refine((b) => b.maxOpenFor >= b.openFor, { path: ['maxOpenFor'], message: 'expected at least openFor' });

/** What may differ per connector (hub.yaml `connectors.<id>.delivery`) and per duty target (rules.yaml). */
const retryOverrides = {
  /** The wait after each failed attempt, in order; setting it here drops an inherited `baseDelay`. */
  retrySchedule: z.array(durationSchema).min(1).optional(),
  /** Exponential backoff from this delay instead of the schedule. */
  baseDelay: durationAtLeast(1, '1ms').optional(),
  maxDelay: durationSchema.optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  maxTotalAttempts: z.number().int().min(1).max(1000).optional(),
  breaker: z
    .object({ failures: z.number().int().min(0).max(1000).optional(), openFor: durationAtLeast(100, '100ms').optional(), maxOpenFor: durationAtLeast(100, '100ms').optional() })
    .strict()
    .optional(),
};

/** A duty target's own delivery policy (rules.yaml `duty.targets[].delivery`). */
export const targetDeliverySchema = z.object(retryOverrides).strict();

/**
 * A connector's delivery policy (hub.yaml `connectors.<id>.delivery`): the retry overrides plus
 * limits that every replica on the same database holds together.
 */
export const connectorDeliverySchema = z
  .object({
    ...retryOverrides,
    /** Most attempts in flight at once for this connector, across all replicas. */
    concurrency: z.number().int().min(1).max(1000).optional(),
    /** Most attempts started per second for this connector, across all replicas. */
    ratePerSecond: z.number().positive().max(100_000).optional(),
    /** Attempts that may start at once after a quiet spell; defaults to one second's worth. */
    burst: z.number().int().min(1).max(100_000).optional(),
    /**
     * How long this connector's deliveries are held after its credentials were refused, before
     * one probe tries them again (the duty targets are told once when the pause begins).
     */
    authPause: durationAtLeast(1000, '1s').optional(),
  })
  .strict()
  .refine((d) => d.burst === undefined || d.ratePerSecond !== undefined, { path: ['burst'], message: 'expected ratePerSecond with burst' });

export type TargetDeliveryOverrides = z.output<typeof targetDeliverySchema>;
export type ConnectorDeliveryOverrides = z.output<typeof connectorDeliverySchema>;
export type BreakerSettings = z.output<typeof breakerSchema>;
