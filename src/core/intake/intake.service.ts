import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type AcceptResult, type EnvelopeOutcome, type EnvelopeReceipt, type InboundMessage } from '../../plugins/sdk/message';
import { CLOCK, type Clock } from '../clock/clock';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/settings.tokens';
import { INQUIRY_EVENT, OUTBOX_ENQUEUED, SLA_ATTENTION_PLANNED, type InquiryEventPayload } from '../events/domain-events';
import { Metrics } from '../observability/metrics';
import { DATABASE, type Database, type Sql } from '../persistence/database';
import { isRetryableConflict, isUnavailable } from '../persistence/database-errors';
import { RulesStore } from '../rules/rules-store';
import { StaffRoster } from '../staff/staff-roster';
import { IngestReceipts, validateReceipt } from './ingest-receipts';
import { IntakeBusyError, IntakeClosedError, InvalidMessageError } from './intake-errors';
import { applySla, type SlaOutcome } from '../sla/apply-sla';
import { recordBatch } from './batch-recorder';
import { type RecordedMessage } from './record-message';
import { validateMessage } from './validate-message';

/** Messages that commit together or not at all (one request, one call of acceptAll). */
interface Unit {
  channel: string;
  messages: InboundMessage[];
  /** The envelope's receipt, claimed in the same transaction as the messages. */
  receipt?: EnvelopeReceipt;
  arrivedAt: number;
  resolve: (outcome: EnvelopeOutcome) => void;
  reject: (error: unknown) => void;
}

/** One message of a unit, as it goes into a batch. */
interface Item {
  unit: Unit;
  index: number;
  channel: string;
  message: InboundMessage;
}

/** What one transaction did: the items it recorded, and the envelopes it found already taken. */
interface Committed {
  items: Item[];
  recorded: RecordedMessage[];
  sla: Map<string, SlaOutcome>;
  earlier: Map<Unit, EnvelopeOutcome>;
}

const CONFLICT_RETRIES = 3;
/** What a sender refused for load is asked to wait; a few commits' worth on either backend. */
const BUSY_RETRY_AFTER_MS = 2000;

/**
 * The single way messages enter the hub. Messages that arrive while a commit is running are
 * grouped into the next transaction (group commit), so throughput is not capped by one fsync
 * per message; each caller's promise still resolves only after its message is committed.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);
  private queue: Unit[] = [];
  private queuedMessages = 0;
  private activeBatches = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly receipts: IngestReceipts;
  private readonly maxQueued: number;
  /** Messages between arrival and their commit's outcome (see admitted). */
  private admittedMessages = 0;
  private pumpScheduled = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    private readonly rules: RulesStore,
    private readonly events: EventEmitter2,
    private readonly metrics: Metrics,
    private readonly roster: StaffRoster,
  ) {
    this.receipts = new IngestReceipts(db, clock);
    this.maxQueued = settings.maxQueued ?? (db.backend === 'pglite' ? 1000 : 10_000);
  }

  /** Envelope-level deduplication (a webhook id, an update id) per channel. */
  hasReceipt(channel: string, receiptId: string): Promise<boolean> {
    return this.receipts.has(channel, receiptId);
  }

  recordReceipt(channel: string, receiptId: string): Promise<void> {
    return this.receipts.record(channel, receiptId);
  }

  async accept(channel: string, message: InboundMessage): Promise<AcceptResult> {
    const [result] = await this.acceptAll(channel, [message]);
    return result as AcceptResult;
  }

  /**
   * Accepts messages all or nothing: every one is validated first, and they are committed in
   * one transaction (with other callers' messages, but never split from each other).
   */
  async acceptAll(channel: string, messages: readonly InboundMessage[]): Promise<AcceptResult[]> {
    if (messages.length === 0) return this.closed ? Promise.reject(new IntakeClosedError()) : [];
    const outcome = await this.admitted(channel, messages.length, () => this.enqueue(channel, messages, undefined));
    return outcome.status === 'accepted' ? outcome.results : [];
  }

  /**
   * acceptAll() plus the envelope's receipt in the same transaction; a known id stores nothing
   * and is answered with what the earlier envelope says.
   */
  async acceptEnvelope(channel: string, receipt: EnvelopeReceipt, messages: readonly InboundMessage[]): Promise<EnvelopeOutcome> {
    if (this.closed) throw new IntakeClosedError();
    validateReceipt(receipt);
    return this.admitted(channel, messages.length, async () => {
      try {
        // The receipt is claimed in the commit's transaction: no lookup of its own on the way in.
        return await this.enqueue(channel, messages, receipt);
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        // A resend of an envelope accepted earlier is answered as such even when its messages
        // no longer pass (older than maxMessageAge by now, say): never refused later.
        const prior = await this.receipts.prior(channel, receipt);
        if (prior) return prior;
        throw error;
      }
    });
  }

  private enqueue(channel: string, messages: readonly InboundMessage[], receipt: EnvelopeReceipt | undefined): Promise<EnvelopeOutcome> {
    if (this.closed) return Promise.reject(new IntakeClosedError());
    const limits = { now: this.clock.now(), maxAgeMs: this.settings.maxMessageAge };
    try {
      messages.forEach((message, i) => validateMessage(message, limits, messages.length > 1 ? `[${i}] ` : ''));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ channel, messages: [...messages], ...(receipt ? { receipt } : {}), arrivedAt: performance.now(), resolve, reject });
      this.queuedMessages += messages.length;
      this.pump();
    });
  }

  /**
   * Counts `count` messages in until `settled` ends, or throws IntakeBusyError when they would
   * overfill the bound. Messages count from arrival, not from joining the commit queue: on the
   * embedded database a request's receipt lookup waits behind the commits too.
   */
  private async admitted<T>(channel: string, count: number, work: () => Promise<T>): Promise<T> {
    // A unit larger than the bound still goes in alone, so that it can ever be taken.
    if (this.admittedMessages > 0 && this.admittedMessages + count > this.maxQueued) {
      this.metrics.intakeShed.inc({ channel }, count);
      throw new IntakeBusyError(BUSY_RETRY_AFTER_MS);
    }
    this.admittedMessages += count;
    try {
      return await work();
    } finally {
      this.admittedMessages -= count;
    }
  }

  /** Refuses new messages and waits until every accepted one is committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  drain(): Promise<void> {
    if (this.queue.length === 0 && this.activeBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts batches on the next turn of the event loop rather than at once: requests whose
   * bytes have already arrived are read first and join the batch. On the embedded database
   * this is what makes batches at all — its queries never wait on I/O, so a commit chain
   * started straight away would run without letting a single new request in.
   */
  private pump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.startBatches();
    });
  }

  private startBatches(): void {
    // One batch at a time keeps batches large (messages gather while a commit runs). On
    // PostgreSQL a second batch may overlap when a full batch is already waiting.
    const overlap = this.db.backend === 'postgres' && this.queuedMessages >= this.settings.maxBatch;
    const maxActive = overlap ? 2 : 1;
    while (this.activeBatches < maxActive && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.activeBatches++;
      void this.commitBatch(batch).finally(() => {
        this.activeBatches--;
        this.pump();
        if (this.queue.length === 0 && this.activeBatches === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  /** Whole units up to maxBatch messages (a larger unit goes alone: it is never split). */
  private takeBatch(): Unit[] {
    const batch: Unit[] = [];
    let size = 0;
    while (this.queue.length > 0 && (batch.length === 0 || size + (this.queue[0] as Unit).messages.length <= this.settings.maxBatch)) {
      const unit = this.queue.shift() as Unit;
      batch.push(unit);
      size += unit.messages.length;
    }
    this.queuedMessages -= size;
    return batch;
  }

  private async commitBatch(units: Unit[]): Promise<void> {
    try {
      // Staff added at run time on another replica are seen within the roster's refresh.
      await this.roster.refreshIfStale();
      const committed = await this.withConflictRetry(() => this.db.transaction((sql) => this.recordAll(sql, units)));
      this.settle(units, committed);
      if (units.some((unit) => unit.receipt)) await this.receipts.purgeIfDue().catch((error: unknown) => this.logger.warn(`purging old receipts failed: ${describe(error)}`));
    } catch (error) {
      // Without a database, retrying one by one would only multiply the wait.
      if (units.length === 1 || isUnavailable(error)) return units.forEach((unit) => unit.reject(error));
      // One bad request must not fail its neighbours: commit them one by one instead.
      this.logger.warn(`intake batch of ${units.reduce((n, unit) => n + unit.messages.length, 0)} messages failed (${describe(error)}); retrying its requests one by one`);
      for (const unit of units) await this.commitBatch([unit]);
    }
  }

  private async recordAll(sql: Sql, units: Unit[]): Promise<Committed> {
    const { rules, classifier, sla } = this.rules.current;
    const now = new Date(this.clock.now());
    const earlier = await this.claimReceipts(sql, units, now);
    // A fixed lock order (by conversation) keeps concurrent batches from deadlocking;
    // the sort is stable, so each conversation keeps its arrival order.
    const items = units
      .filter((unit) => !earlier.has(unit))
      .flatMap((unit) => unit.messages.map((message, index): Item => ({ unit, index, channel: unit.channel, message })))
      .sort((a, b) => compareKeys(a, b));
    const batch = items.map((item) => ({ channel: item.channel, message: item.message, classification: classifier.classify(item.channel, item.message.author, this.roster) }));
    const recorded = await recordBatch(sql, batch, rules, now);
    // Deadlines and next marks of every inquiry this batch changed, in the same transaction.
    const outcomes = await applySla(sql, recorded.flatMap((r) => r.changes.map((c) => c.inquiryId)), sla);
    return { items, recorded, sla: outcomes, earlier };
  }

  /**
   * Claims the receipts of the batch's envelopes, in id order so that two batches claiming
   * the same ids cannot deadlock. An envelope whose id is taken stores nothing.
   */
  private async claimReceipts(sql: Sql, units: Unit[], now: Date): Promise<Map<Unit, EnvelopeOutcome>> {
    const earlier = new Map<Unit, EnvelopeOutcome>();
    const claiming = units.filter((unit) => unit.receipt).sort((a, b) => compareReceipts(a, b));
    const outcomes = await this.receipts.claimAll(sql, claiming.map((unit) => ({ source: unit.channel, receipt: unit.receipt as EnvelopeReceipt })), now);
    claiming.forEach((unit, i) => {
      const prior = outcomes[i];
      if (prior) earlier.set(unit, prior);
    });
    return earlier;
  }

  private async withConflictRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isRetryableConflict(error) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  private settle(units: Unit[], { items, recorded, sla, earlier }: Committed): void {
    const committedAt = performance.now();
    this.metrics.intakeBatchSize.observe(items.length);
    const results = new Map<Unit, AcceptResult[]>(units.map((unit) => [unit, []]));
    let deliveries = 0;
    items.forEach((item, i) => {
      const entry = recorded[i];
      if (!entry) return;
      this.metrics.intakeCommitSeconds.observe((committedAt - item.unit.arrivedAt) / 1000);
      this.metrics.messagesAccepted.inc({ channel: item.channel, role: entry.result.role, duplicate: String(entry.result.duplicate) });
      deliveries += entry.deliveriesWritten;
      (results.get(item.unit) as AcceptResult[])[item.index] = entry.result;
      for (const change of entry.changes) {
        this.metrics.inquiryChanges.inc({ type: change.type });
        const outcome = change.type === 'answered' ? sla.get(change.inquiryId) : undefined;
        if (outcome?.frtBusinessMs != null) {
          this.metrics.firstResponseBusinessSeconds.observe({ policy: outcome.policy }, outcome.frtBusinessMs / 1000);
          if (outcome.breached === true) this.metrics.breachedAnswers.inc({ policy: outcome.policy });
        }
        const payload: InquiryEventPayload = {
          inquiryId: change.inquiryId,
          conversation: { channel: entry.conversation.channel, id: entry.conversation.externalId, title: entry.conversation.title },
          at: change.occurredAt,
          actor: change.actor,
          data: change.data,
        };
        this.emitSafely(INQUIRY_EVENT[change.type], payload);
      }
    });
    for (const [unit, unitResults] of results) {
      const prior = earlier.get(unit);
      if (prior) {
        unit.resolve(prior);
        continue;
      }
      const complete = unitResults.length === unit.messages.length && unitResults.every((r) => r !== undefined);
      if (complete) unit.resolve({ status: 'accepted', results: unitResults });
      else unit.reject(new Error('intake lost track of a message'));
    }
    if (deliveries > 0) this.emitSafely(OUTBOX_ENQUEUED, deliveries);
    const earliest = earliestAttention(sla);
    if (earliest !== null) this.emitSafely(SLA_ATTENTION_PLANNED, earliest);
  }

  /** A failing listener must not turn a committed message into a reported failure. */
  private emitSafely(event: string, payload: unknown): void {
    try {
      this.events.emit(event, payload);
    } catch (error) {
      this.logger.error(`listener for ${event} failed: ${describe(error)}`);
    }
  }
}

function earliestAttention(outcomes: Map<string, SlaOutcome>): number | null {
  let earliest: number | null = null;
  for (const { nextAttentionAt } of outcomes.values()) {
    if (nextAttentionAt !== null && (earliest === null || nextAttentionAt < earliest)) earliest = nextAttentionAt;
  }
  return earliest;
}

function compareKeys(a: Item, b: Item): number {
  if (a.channel !== b.channel) return a.channel < b.channel ? -1 : 1;
  const ka = a.message.conversation.id;
  const kb = b.message.conversation.id;
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

function compareReceipts(a: Unit, b: Unit): number {
  const ka = `${a.channel}\u0000${a.receipt?.id ?? ''}`;
  const kb = `${b.channel}\u0000${b.receipt?.id ?? ''}`;
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
