import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type AcceptResult, type InboundMessage } from '../../plugins/sdk/message';
import { CLOCK, type Clock } from '../clock/clock';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/settings.tokens';
import { INQUIRY_EVENT, OUTBOX_ENQUEUED, type InquiryEventPayload } from '../events/domain-events';
import { Metrics } from '../observability/metrics';
import { DATABASE, type Database, type Sql } from '../persistence/database';
import { isRetryableConflict, isUnavailable } from '../persistence/database-errors';
import { RulesStore } from '../rules/rules-store';
import { StaffRoster } from '../staff/staff-roster';
import { IngestReceipts } from './ingest-receipts';
import { IntakeClosedError } from './intake-errors';
import { applySla, type SlaOutcome } from '../sla/apply-sla';
import { recordBatch } from './batch-recorder';
import { type RecordedMessage } from './record-message';
import { validateMessage } from './validate-message';

/** Messages that commit together or not at all (one request, one call of acceptAll). */
interface Unit {
  channel: string;
  messages: InboundMessage[];
  arrivedAt: number;
  resolve: (results: AcceptResult[]) => void;
  reject: (error: unknown) => void;
}

/** One message of a unit, as it goes into a batch. */
interface Item {
  unit: Unit;
  index: number;
  channel: string;
  message: InboundMessage;
}

const CONFLICT_RETRIES = 3;

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
  acceptAll(channel: string, messages: readonly InboundMessage[]): Promise<AcceptResult[]> {
    if (this.closed) return Promise.reject(new IntakeClosedError());
    if (messages.length === 0) return Promise.resolve([]);
    const limits = { now: this.clock.now(), maxAgeMs: this.settings.maxMessageAge };
    try {
      messages.forEach((message, i) => validateMessage(message, limits, messages.length > 1 ? `[${i}] ` : ''));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ channel, messages: [...messages], arrivedAt: performance.now(), resolve, reject });
      this.queuedMessages += messages.length;
      this.pump();
    });
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

  private pump(): void {
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
    // A fixed lock order (by conversation) keeps concurrent batches from deadlocking;
    // the sort is stable, so each conversation keeps its arrival order.
    const ordered = units.flatMap((unit) => unit.messages.map((message, index): Item => ({ unit, index, channel: unit.channel, message }))).sort((a, b) => compareKeys(a, b));
    try {
      // Staff added at run time on another replica are seen within the roster's refresh.
      await this.roster.refreshIfStale();
      const { recorded, sla } = await this.withConflictRetry(() => this.db.transaction((sql) => this.recordAll(sql, ordered)));
      this.settle(units, ordered, recorded, sla);
    } catch (error) {
      // Without a database, retrying one by one would only multiply the wait.
      if (units.length === 1 || isUnavailable(error)) return units.forEach((unit) => unit.reject(error));
      // One bad request must not fail its neighbours: commit them one by one instead.
      this.logger.warn(`intake batch of ${ordered.length} messages failed (${describe(error)}); retrying its requests one by one`);
      for (const unit of units) await this.commitBatch([unit]);
    }
  }

  private async recordAll(sql: Sql, items: Item[]): Promise<{ recorded: RecordedMessage[]; sla: Map<string, SlaOutcome> }> {
    const { rules, classifier, sla } = this.rules.current;
    const now = new Date(this.clock.now());
    const batch = items.map((item) => ({ channel: item.channel, message: item.message, classification: classifier.classify(item.channel, item.message.author, this.roster) }));
    const recorded = await recordBatch(sql, batch, rules, now);
    // Deadlines and next marks of every inquiry this batch changed, in the same transaction.
    const outcomes = await applySla(sql, recorded.flatMap((r) => r.changes.map((c) => c.inquiryId)), sla);
    return { recorded, sla: outcomes };
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

  private settle(units: Unit[], items: Item[], recorded: RecordedMessage[], sla: Map<string, SlaOutcome>): void {
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
      const complete = unitResults.length === unit.messages.length && unitResults.every((r) => r !== undefined);
      if (complete) unit.resolve(unitResults);
      else unit.reject(new Error('intake lost track of a message'));
    }
    if (deliveries > 0) this.emitSafely(OUTBOX_ENQUEUED, deliveries);
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

function compareKeys(a: Item, b: Item): number {
  if (a.channel !== b.channel) return a.channel < b.channel ? -1 : 1;
  const ka = a.message.conversation.id;
  const kb = b.message.conversation.id;
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
