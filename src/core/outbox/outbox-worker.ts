import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { asConnectorError, ConnectorError } from '../../plugins/sdk/connector-error';
import { type Delivery, type DeliveryResult, type DeliveryTarget } from '../../plugins/sdk/delivery';
import { type DeliveryPayload } from '../../plugins/sdk/payloads';
import { type Clock } from '../clock/clock';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type OutboxSettings } from '../config/hub-config.schema';
import { type Metrics } from '../observability/metrics';
import { type DeliveryChangedPayload } from '../events/domain-events';
import { type DeliveryAttempt } from '../persistence/entities/delivery.entity';
import { type OutboundDispatcher } from './outbound-dispatcher';
import { type DeliveryRow, type OutboxStore } from './outbox-store';
import { type AttemptSignal, type Circuit, type CircuitChange, circuitKey } from './circuit-store';
import { DeliveryPolicies } from './delivery-policies';
import { decideRetry } from './retry-policy';

const ERROR_TEXT_LIMIT = 1000;
/** How long a stop waits for deliveries in hand before aborting them. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Shortest idle sleep when due deliveries are all held: they must not make the loop spin. */
const IDLE_FLOOR_MS = 200;
/**
 * How many deliveries a claim takes to send one after another (of one ordering key, or to one
 * peer where there is no order): a busy target then costs a claim per run, not per delivery.
 */
const DEFAULT_RUN_LENGTH = 20;
/** Why an attempt's timeout timer is cancelled: it ended in time. */
const ATTEMPT_SETTLED = Symbol('attempt settled');

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
  private readonly running = new Set<Promise<number>>();
  /** Deliveries sent one after another under one claim (1: a claim per delivery). */
  private readonly runLength: number;
  private stopping = false;
  private readonly policies: DeliveryPolicies;
  private readonly onCircuitChange: CircuitListener;
  private readonly onDeliveryChanged: DeliveryListener;
  /** Breakers with something for a success to reset, as of the last claim. */
  private unsettled = new Set<string>();
  /** The last claim took all it asked for: more may be due right away. */
  private moreDue = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly dispatcher: OutboundDispatcher,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
    private readonly metrics: Metrics,
    private readonly random: () => number = Math.random,
    options: { policies?: DeliveryPolicies; onCircuitChange?: CircuitListener; onDeliveryChanged?: DeliveryListener; runLength?: number } = {},
  ) {
    this.runLength = options.runLength ?? DEFAULT_RUN_LENGTH;
    this.policies = options.policies ?? new DeliveryPolicies(settings, {});
    this.onCircuitChange = options.onCircuitChange ?? (() => Promise.resolve());
    this.onDeliveryChanged = options.onDeliveryChanged ?? (() => undefined);
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
    this.stopping = true;
    const stopped = this.loop.stop();
    const grace = new AbortController();
    void this.clock.sleep(graceMs, grace.signal).then(() => {
      if (grace.signal.aborted) return;
      for (const attempt of this.inFlight) attempt.abort(new ConnectorError('TEMPORARY', 'the hub is shutting down'));
    });
    await stopped;
    await Promise.all([...this.running]);
    grace.abort();
  }

  /** New deliveries were committed in this process: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Claims what fits in the free slots, attempts each and waits for them; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const started = await this.claimAndStart();
    const attempted = await Promise.all(started);
    return attempted.reduce((sum, n) => sum + n, 0);
  }

  /**
   * One pass of the loop: fills the free slots and returns how long to sleep. Attempts run on
   * after the pass; each one finishing wakes the loop (a slot is free, and the delivery queued
   * behind it may go). Passes do not overlap, so under load the slots freed while one claim
   * runs are filled together by the next.
   */
  private async pass(): Promise<number> {
    const started = await this.claimAndStart();
    const poll = this.settings.pollInterval;
    if (this.moreDue && this.running.size < this.settings.concurrency) return 0;
    const throttled = this.throttledMs === undefined ? poll : Math.min(this.throttledMs, poll);
    // Attempts in hand wake the loop as they finish; no need to ask the database when to look.
    if (this.running.size > 0 || this.throttledMs !== undefined) return throttled;
    const wait = this.idle ? poll : await this.msUntilNextWork();
    // Due rows that could not be claimed are held (a breaker, a full connector elsewhere): do not spin on them.
    return started.length === 0 && wait === 0 ? Math.min(IDLE_FLOOR_MS, poll) : wait;
  }

  private throttledMs: number | undefined;
  /** The last pass found no delivery pending or in flight. */
  private idle = false;
  /** The last claim saw a breaker holding deliveries. */
  private anyHeld = false;

  private async claimAndStart(): Promise<Array<Promise<number>>> {
    const room = this.settings.concurrency - this.running.size;
    if (room <= 0) return [];
    // With nothing in hand and nothing pending anywhere, one read replaces the claim's
    // transaction. Attempts in hand keep the full claim: their outcomes need its breaker view.
    this.idle = this.running.size === 0 && (await this.store.isIdle());
    if (this.idle) {
      this.anyHeld = false;
      this.throttledMs = undefined;
      this.moreDue = false;
      return [];
    }
    const claim = await this.store.claim(this.workerId, new Date(this.clock.now()), this.settings.lease, room, this.policies.limits, this.runLength);
    this.unsettled = claim.unsettled;
    this.anyHeld = claim.anyHeld;
    this.throttledMs = claim.throttledMs;
    this.moreDue = claim.runs.length >= room;
    return claim.runs.map((run) => {
      const sending = this.sendRun(run, claim.probes).finally(() => {
        this.running.delete(sending);
        this.loop.wake();
      });
      this.running.add(sending);
      return sending;
    });
  }

  /**
   * Sends a run's deliveries one after another (in their key's order, or to one peer where
   * there is no order), each recorded as it succeeds. A run stops at the first delivery that does not
   * succeed, when the hub is stopping, or when another attempt might outlast the lease; what
   * it did not try goes back in line untouched. Returns how many were attempted.
   */
  private async sendRun(run: readonly DeliveryRow[], probes: ReadonlySet<string>): Promise<number> {
    const recording: Array<Promise<void>> = [];
    let attempted = 0;
    for (const row of run) {
      if (attempted > 0 && !this.mayGoOn(row)) break;
      attempted += 1;
      const outcome = await this.attempt(row, probes.has(row.id));
      if (outcome.recorded) recording.push(outcome.recorded);
      if (!outcome.delivered) break;
    }
    const untried = run.slice(attempted);
    if (untried.length > 0) {
      await this.store.release(untried, new Date(this.clock.now())).catch((e: unknown) => this.logger.warn(`${untried.length} deliveries go back in line when their lease ends: ${describe(e)}`));
    }
    await Promise.all(recording);
    return attempted;
  }

  /** The next delivery of a run may start only if it can finish well inside the run's lease. */
  private mayGoOn(row: DeliveryRow): boolean {
    if (this.stopping || !row.lease_until) return false;
    // A second's margin for writing the outcome before another replica may take the claim over.
    return this.clock.now() + this.settings.attemptTimeout + 1000 < new Date(row.lease_until).getTime();
  }

  /** Sleep until the next known due time, but poll for rows other replicas may have written. */
  private async msUntilNextWork(): Promise<number> {
    const next = await this.store.nextWakeAt({ probes: this.anyHeld });
    const poll = this.settings.pollInterval;
    if (!next) return poll;
    return Math.max(0, Math.min(poll, next.getTime() - this.clock.now()));
  }

  /**
   * One attempt. `delivered` says whether the run may go on; `recorded` settles once a success
   * is written (marks are written together, so the next delivery of a run need not wait).
   */
  private async attempt(row: DeliveryRow, probe: boolean): Promise<{ delivered: boolean; recorded?: Promise<void> }> {
    const startedAt = new Date(this.clock.now());
    const attempt = new AbortController();
    this.inFlight.add(attempt);
    const target = targetName(row);
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
      const error = asConnectorError(thrown);
      await this.recordFailure(row, error, startedAt).catch((e: unknown) => this.logger.error(`delivery ${row.id}: ${describe(e)}`));
      await this.moveBreaker(row.connector, target, signalOf(error), probe, error).catch((e: unknown) => this.logger.error(`breaker of ${row.connector} → ${target}: ${describe(e)}`));
      return { delivered: false };
    }
    this.inFlight.delete(attempt);
    this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'delivered' });
    return { delivered: true, recorded: this.recordSuccess(row, target, probe, result) };
  }

  /**
   * Recording success is separate from the attempt: a database hiccup here must not count as
   * a failed delivery (which would send it again at once); the lease expiry retries it instead.
   */
  private async recordSuccess(row: DeliveryRow, target: string, probe: boolean, result: DeliveryResult): Promise<void> {
    try {
      const at = new Date(this.clock.now());
      const kept = await this.store.deliveredMarks.mark(row, at, { attempt: row.attempts, at: at.toISOString(), outcome: 'delivered' }, result.externalId);
      if (!kept) this.logger.warn(`delivery ${row.id} succeeded after its lease passed to another worker`);
      else this.tell(row, 'delivered');
    } catch (error) {
      this.logger.error(`delivery ${row.id} was delivered but could not be recorded (${describe(error)}); it will be retried after its lease`);
    }
    await this.moveBreaker(row.connector, target, 'answered', probe).catch((e: unknown) => this.logger.error(`breaker of ${row.connector} → ${target}: ${describe(e)}`));
  }

  /**
   * Tells the breakers how an attempt ended. A plain success where no breaker has anything
   * counted costs no query: that is nearly every delivery.
   */
  private async moveBreaker(connector: string, target: string, signal: AttemptSignal, probe: boolean, error?: ConnectorError): Promise<void> {
    const unsettled = this.unsettled.has(circuitKey(connector, target)) || this.unsettled.has(circuitKey(connector, ''));
    if (signal === 'answered' && !probe && !unsettled) return;
    const policy = this.policies.policyFor(connector, target);
    const detail = error ? { error: `${error.code}: ${error.message}`.slice(0, ERROR_TEXT_LIMIT), ...(error.scope ? { scope: error.scope } : {}) } : {};
    const moved = await this.store.circuits.record(connector, target, signal, policy, new Date(this.clock.now()), detail);
    if (signal !== 'answered') this.unsettled.add(circuitKey(connector, moved.circuit?.target ?? target));
    if (moved.change && moved.circuit) {
      logCircuitChange(this.logger, moved.change, moved.circuit);
      await this.onCircuitChange(moved.change, moved.circuit);
    } else if (moved.change === 'closed') {
      this.logger.log(`${connector} → ${target}: the peer answers again; held deliveries go out`);
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
    // With a reason of our own: abort() without one builds a DOMException (and its stack) per attempt.
    return Promise.race([delivery, gaveUp]).finally(() => timer.abort(ATTEMPT_SETTLED));
  }

  /** A listener's failure is its own: it must not turn a recorded outcome into a failed attempt. */
  private tell(row: DeliveryRow, status: DeliveryChangedPayload['status']): void {
    try {
      this.onDeliveryChanged({ inquiryId: row.inquiry_id, status });
    } catch (error) {
      this.logger.warn(`listener of delivery ${row.id} failed: ${describe(error)}`);
    }
  }

  private async recordFailure(row: DeliveryRow, error: ConnectorError, startedAt: Date): Promise<void> {
    const at = new Date(Math.max(this.clock.now(), startedAt.getTime()));
    const text = `${error.code}: ${error.message}`.slice(0, ERROR_TEXT_LIMIT);
    const decision = decideRetry(error, { attempts: row.attempts, failures: row.failures }, this.policies.policyFor(row.connector, targetName(row)), this.random);
    const base: DeliveryAttempt = { attempt: row.attempts, at: at.toISOString(), outcome: 'failed', code: error.code, error: text };
    if (decision.retry) {
      const retryAt = new Date(at.getTime() + decision.delayMs);
      if (await this.store.scheduleRetry(row, at, { ...base, retryAt: retryAt.toISOString() }, retryAt, decision.countsAsFailure)) this.tell(row, 'pending');
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'retry' });
      // Waiting out a rate limit is routine (connectors pace themselves this way); failures are not.
      const line = `delivery ${row.id} via ${row.connector} ${error.code === 'RATE_LIMITED' ? 'waits' : error.code === 'AUTH_FAILED' ? 'is held' : 'failed'} (${text}); retry at ${retryAt.toISOString()}`;
      if (error.code === 'RATE_LIMITED' || error.code === 'AUTH_FAILED') this.logger.debug(line);
      else this.logger.warn(line);
    } else {
      if (await this.store.markDead(row, at, { ...base, error: `${text} (${decision.reason})` })) this.tell(row, 'dead');
      this.metrics.deliveryAttempts.inc({ connector: row.connector, outcome: 'dead' });
      this.logger.error(`delivery ${row.id} via ${row.connector} dead-lettered: ${text} (${decision.reason})`);
    }
  }
}

/** A listener told when an attempt's outcome is committed (the console's live pages); it must not throw. */
export type DeliveryListener = (change: DeliveryChangedPayload) => void;

/** A listener told when a breaker opens, pauses or closes (the hub tells the duty targets of a pause). */
export type CircuitListener = (change: Exclude<CircuitChange, null>, circuit: Circuit) => Promise<void>;

/** Breakers and policies are per duty target, known by name. */
function targetName(row: DeliveryRow): string {
  const name = row.target.name;
  return typeof name === 'string' ? name : '';
}

/** How an attempt's error moves the breakers. */
function signalOf(error: ConnectorError): AttemptSignal {
  if (error.code === 'AUTH_FAILED') return 'refused';
  if (error.code === 'TEMPORARY' || error.code === 'UNKNOWN') return 'failed';
  // The peer answered: a rate limit or a refusal of this one delivery says it is up.
  return 'answered';
}

function logCircuitChange(logger: Logger, change: Exclude<CircuitChange, null>, circuit: Circuit): void {
  const where = circuit.target === '' ? `every delivery through ${circuit.connector}` : `${circuit.connector} → ${circuit.target}`;
  const probe = circuit.probeAt ? `; next probe at ${circuit.probeAt.toISOString()}` : '';
  const why = circuit.lastError ? ` (${circuit.lastError})` : '';
  switch (change) {
    case 'opened':
      logger.warn(`breaker opened for ${where} after ${circuit.failures} failed attempts in a row${why}: deliveries are held, not dropped${probe}`);
      return;
    case 'reopened':
      logger.warn(`probe of ${where} failed${why}${probe}`);
      return;
    case 'paused':
      logger.error(`${where} paused: credentials refused${why}; deliveries are held until a probe gets through${probe}`);
      return;
    case 'closed':
      logger.log(`${where}: the peer answers again; held deliveries go out`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
