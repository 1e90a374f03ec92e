import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { asConnectorError } from '../../plugins/contract/connector-error';
import { type Clock } from '../clock/clock';
import { type OutboxSettings } from '../config/hub-config.schema';
import { type Metrics } from '../observability/metrics';
import { type DeliveryAttempt } from '../persistence/entities/delivery.entity';
import { type OutboundDispatcher } from './outbound-dispatcher';
import { type DeliveryRow, type OutboxStore } from './outbox-store';
import { decideRetry } from './retry-policy';

const ERROR_TEXT_LIMIT = 1000;

/**
 * Takes due deliveries from the outbox and hands them to outbound connectors. Every claimed
 * delivery ends delivered, scheduled for a retry, or dead-lettered with its last error; a
 * claim left behind by a process that died is taken over when its lease runs out.
 */
export class OutboxWorker {
  private readonly logger = new Logger(OutboxWorker.name);
  readonly workerId = `outbox-${randomUUID().slice(0, 8)}`;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp = new AbortController();

  constructor(
    private readonly store: OutboxStore,
    private readonly dispatcher: OutboundDispatcher,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
    private readonly metrics: Metrics,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops claiming and waits for the deliveries in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp.abort();
    await this.running;
    this.running = undefined;
  }

  /** New deliveries were committed in this process: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp.abort();
  }

  /** Claims one batch of due deliveries and attempts each; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.store.claim(this.workerId, new Date(this.clock.now()), this.settings.lease, this.settings.batchSize);
    await inParallel(claimed, this.settings.concurrency, (row) => this.attempt(row));
    return claimed.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let idleMs = 0;
      try {
        const attempted = await this.runOnce();
        if (attempted >= this.settings.batchSize) continue;
        idleMs = await this.msUntilNextWork();
      } catch (error) {
        this.logger.error(`outbox pass failed: ${describe(error)}`);
        idleMs = this.settings.pollInterval;
      }
      if (this.stopping) break;
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
      if (idleMs > 0) await this.clock.sleep(idleMs, this.wakeUp.signal);
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    }
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
    try {
      const result = await this.dispatcher.deliver(row.connector, {
        id: row.id,
        idempotencyKey: row.idempotency_key,
        kind: row.kind,
        target: row.target,
        payload: row.payload,
        attempt: row.attempts,
      });
      const at = new Date(this.clock.now());
      const kept = await this.store.markDelivered(row, at, { attempt: row.attempts, at: at.toISOString(), outcome: 'delivered' }, result.externalId);
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'delivered' });
      if (!kept) this.logger.warn(`delivery ${row.id} succeeded after its lease passed to another worker`);
    } catch (thrown) {
      await this.recordFailure(row, thrown, startedAt);
    }
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
      this.logger.warn(`delivery ${row.id} via ${row.connector} failed (${text}); retry at ${retryAt.toISOString()}`);
    } else {
      await this.store.markDead(row, at, { ...base, error: `${text} (${decision.reason})` });
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'dead' });
      this.logger.error(`delivery ${row.id} via ${row.connector} dead-lettered: ${text} (${decision.reason})`);
    }
  }
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
