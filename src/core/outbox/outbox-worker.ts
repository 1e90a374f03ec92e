import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { asConnectorError, ConnectorError } from '../../plugins/sdk/connector-error';
import { type Delivery, type DeliveryResult, type DeliveryTarget } from '../../plugins/sdk/delivery';
import { type DeliveryPayload } from '../../plugins/sdk/payloads';
import { type Clock } from '../clock/clock';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type OutboxSettings } from '../config/hub-config.schema';
import { type Metrics } from '../observability/metrics';
import { type DeliveryAttempt } from '../persistence/entities/delivery.entity';
import { type OutboundDispatcher } from './outbound-dispatcher';
import { type DeliveryRow, type OutboxStore } from './outbox-store';
import { decideRetry } from './retry-policy';

const ERROR_TEXT_LIMIT = 1000;
/** How long a stop waits for deliveries in hand before aborting them. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Takes due deliveries from the outbox and hands them to outbound connectors. Every claimed
 * delivery ends delivered, scheduled for a retry, or dead-lettered with its last error; a
 * claim left behind by a process that died is taken over when its lease runs out.
 */
export class OutboxWorker {
  private readonly logger = new Logger(OutboxWorker.name);
  readonly workerId = `outbox-${randomUUID().slice(0, 8)}`;
  private readonly loop: WakeableLoop;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly store: OutboxStore,
    private readonly dispatcher: OutboundDispatcher,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
    private readonly metrics: Metrics,
    private readonly random: () => number = Math.random,
  ) {
    this.loop = new WakeableLoop(clock, () => this.pass(), (error) => this.logger.error(`outbox pass failed: ${describe(error)}`), settings.pollInterval);
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Stops claiming and waits for the deliveries in hand to finish; after `graceMs` those still
   * running are aborted (counted as temporary failures, retried by whichever replica runs next).
   */
  async stop(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    const stopped = this.loop.stop();
    const grace = new AbortController();
    void this.clock.sleep(graceMs, grace.signal).then(() => {
      if (grace.signal.aborted) return;
      for (const attempt of this.inFlight) attempt.abort(new ConnectorError('TEMPORARY', 'the hub is shutting down'));
    });
    await stopped;
    grace.abort();
  }

  /** New deliveries were committed in this process: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Claims one batch of due deliveries and attempts each; returns how many were attempted. */
  async runOnce(): Promise<number> {
    // Claim only what is attempted at once: every claim's lease then covers its own attempt.
    const claimed = await this.store.claim(this.workerId, new Date(this.clock.now()), this.settings.lease, this.settings.concurrency);
    await Promise.all(claimed.map((row) => this.attempt(row)));
    return claimed.length;
  }

  /** One pass of the loop: returns how long to sleep (0 when more may be due right away). */
  private async pass(): Promise<number> {
    const attempted = await this.runOnce();
    return attempted >= this.settings.concurrency ? 0 : this.msUntilNextWork();
  }

  /** Sleep until the next known due time, but poll for rows other replicas may have written. */
  private async msUntilNextWork(): Promise<number> {
    const next = await this.store.nextWakeAt();
    const poll = this.settings.pollInterval;
    if (!next) return poll;
    return Math.max(0, Math.min(poll, next.getTime() - this.clock.now()));
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const startedAt = new Date(this.clock.now());
    const attempt = new AbortController();
    this.inFlight.add(attempt);
    let result: DeliveryResult;
    try {
      const delivery: Delivery = {
        id: row.id,
        idempotencyKey: row.idempotency_key,
        // Targets were checked against the connector's target schema when the rules loaded,
        // and payloads are written by the core's payload builder.
        target: row.target as DeliveryTarget,
        payload: row.payload as unknown as DeliveryPayload,
        attempt: row.attempts,
      };
      result = await this.withTimeout(this.dispatcher.deliver(row.connector, delivery, { signal: attempt.signal }), attempt);
    } catch (thrown) {
      this.inFlight.delete(attempt);
      await this.recordFailure(row, thrown, startedAt).catch((error: unknown) => this.logger.error(`delivery ${row.id}: ${describe(error)}`));
      return;
    }
    this.inFlight.delete(attempt);
    // Recording success is separate: a database hiccup here must not count as a failed
    // delivery (which would send it again at once); the lease expiry retries it instead.
    try {
      const at = new Date(this.clock.now());
      const kept = await this.store.markDelivered(row, at, { attempt: row.attempts, at: at.toISOString(), outcome: 'delivered' }, result.externalId);
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'delivered' });
      if (!kept) this.logger.warn(`delivery ${row.id} succeeded after its lease passed to another worker`);
    } catch (error) {
      this.logger.error(`delivery ${row.id} was delivered but could not be recorded (${describe(error)}); it will be retried after its lease`);
    }
  }

  /**
   * A hung connector call must not stall the outbox or shutdown: past the attempt timeout, or
   * when a stop gives up waiting, the attempt's signal aborts (the connector cancels its
   * request) and the attempt counts as a temporary failure.
   */
  private withTimeout(delivery: Promise<DeliveryResult>, attempt: AbortController): Promise<DeliveryResult> {
    const limit = this.settings.attemptTimeout;
    const timer = new AbortController();
    void this.clock.sleep(limit, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      attempt.abort(new ConnectorError('TEMPORARY', `no answer within ${limit} ms`));
    });
    const gaveUp = new Promise<never>((_, reject) => {
      attempt.signal.addEventListener('abort', () => reject(asConnectorError(attempt.signal.reason ?? new ConnectorError('TEMPORARY', 'the hub stopped waiting'))), { once: true });
    });
    return Promise.race([delivery, gaveUp]).finally(() => timer.abort());
  }

  private async recordFailure(row: DeliveryRow, thrown: unknown, startedAt: Date): Promise<void> {
    const error = asConnectorError(thrown);
    const at = new Date(Math.max(this.clock.now(), startedAt.getTime()));
    const text = `${error.code}: ${error.message}`.slice(0, ERROR_TEXT_LIMIT);
    const decision = decideRetry(error, { attempts: row.attempts, failures: row.failures }, this.settings, this.random);
    const base: DeliveryAttempt = { attempt: row.attempts, at: at.toISOString(), outcome: 'failed', code: error.code, error: text };
    if (decision.retry) {
      const retryAt = new Date(at.getTime() + decision.delayMs);
      await this.store.scheduleRetry(row, at, { ...base, retryAt: retryAt.toISOString() }, retryAt, decision.countsAsFailure);
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'retry' });
      // Waiting out a rate limit is routine (connectors pace themselves this way); failures are not.
      const line = `delivery ${row.id} via ${row.connector} ${error.code === 'RATE_LIMITED' ? 'waits' : 'failed'} (${text}); retry at ${retryAt.toISOString()}`;
      if (error.code === 'RATE_LIMITED') this.logger.debug(line);
      else this.logger.warn(line);
    } else {
      await this.store.markDead(row, at, { ...base, error: `${text} (${decision.reason})` });
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'dead' });
      this.logger.error(`delivery ${row.id} via ${row.connector} dead-lettered: ${text} (${decision.reason})`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
