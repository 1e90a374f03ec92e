import { ConnectorError, type AcceptResult, type EnvelopeOutcome, type EnvelopeReceipt, type InboundMessage, type MessageSink, type RekeyOptions, type RekeyResult } from '../sdk';
import { waitUntil } from './wait';

export interface RecordedRekey {
  fromId: string;
  toId: string;
  options: RekeyOptions | undefined;
}

/** Called synchronously as accept() is entered, before it waits or fails. */
export type AcceptCallListener = (message: InboundMessage, call: number) => void;

/**
 * The hub's MessageSink in memory, with controls to hold, fail and watch accept() calls: what
 * a connector must survive (a slow commit, a failed one) made to happen on demand.
 */
export class FakeSink implements MessageSink {
  /** Messages accepted for the first time, in order. */
  readonly accepted: InboundMessage[] = [];
  readonly receipts = new Set<string>();
  readonly titles: Array<{ conversationId: string; title: string }> = [];
  readonly rekeys: RecordedRekey[] = [];
  readonly closed: Array<{ conversationId: string; reason: string }> = [];
  /** performance.now() at each accept() call, including failed and duplicate ones. */
  readonly acceptCalledAt: number[] = [];

  private callCount = 0;
  private inquiryCount = 0;
  private readonly seen = new Set<string>();
  private readonly fingerprints = new Map<string, string | null>();
  private readonly inquiries = new Map<string, string>();
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private failures: unknown[] = [];
  private readonly listeners: AcceptCallListener[] = [];

  /** accept() invocations so far. */
  get calls(): number {
    return this.callCount;
  }

  /** Ids of the accepted messages, in order. */
  get acceptedIds(): string[] {
    return this.accepted.map((message) => message.id);
  }

  /** Subsequent accept() calls wait (as a slow commit would) until release(). */
  hold(): void {
    if (this.gate) return;
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  /** The next `count` accept() calls reject, with `error` or a TEMPORARY ConnectorError. */
  failNext(count: number, error?: unknown): void {
    for (let i = 0; i < count; i++) this.failures.push(error ?? new ConnectorError('TEMPORARY', 'the test sink failed this accept() on purpose'));
  }

  /** Clears pending failures and releases any hold. */
  reset(): void {
    this.failures = [];
    this.release();
  }

  onAcceptCall(listener: AcceptCallListener): void {
    this.listeners.push(listener);
  }

  /** Resolves once accept() was called at least `count` times in all; throws after `timeoutMs`. */
  async waitForCalls(count: number, timeoutMs: number): Promise<void> {
    await waitUntil(() => this.callCount >= count, timeoutMs, `${count} accept() call(s) (saw ${this.callCount})`);
  }

  /** Resolves once every id in `ids` is among the accepted messages. */
  async waitForAccepted(ids: readonly string[], timeoutMs: number): Promise<void> {
    await waitUntil(() => ids.every((id) => this.accepted.some((m) => m.id === id)), timeoutMs, `accept() of ${ids.join(', ')}`);
  }

  async accept(message: InboundMessage): Promise<AcceptResult> {
    this.callCount++;
    this.acceptCalledAt.push(performance.now());
    for (const listener of this.listeners) listener(message, this.callCount);
    // Decided when called, so "the next n calls" means calls, whatever order holds release them.
    const failure = this.failures.length > 0 ? { error: this.failures.shift() } : undefined;
    if (this.gate) await this.gate;
    if (failure) throw failure.error;
    return this.record(message);
  }

  /** All or nothing, like the hub: one call (held and failed as one), then every message recorded. */
  async acceptAll(messages: readonly InboundMessage[]): Promise<AcceptResult[]> {
    this.callCount++;
    this.acceptCalledAt.push(performance.now());
    for (const message of messages) for (const listener of this.listeners) listener(message, this.callCount);
    const failure = this.failures.length > 0 ? { error: this.failures.shift() } : undefined;
    if (this.gate) await this.gate;
    if (failure) throw failure.error;
    return messages.map((message) => this.record(message));
  }

  /** As the hub: a known id is a resend (same fingerprint) or a conflict, and stores nothing. */
  async acceptEnvelope(receipt: EnvelopeReceipt, messages: readonly InboundMessage[]): Promise<EnvelopeOutcome> {
    const known = this.fingerprints.get(receipt.id) ?? (this.receipts.has(receipt.id) ? null : undefined);
    if (known !== undefined) {
      if (known === null || receipt.fingerprint === undefined || known === receipt.fingerprint) return { status: 'replayed' };
      return { status: 'conflict', detail: `envelope id ${receipt.id} was already used for a different body; nothing was stored` };
    }
    const results = await this.acceptAll(messages);
    this.fingerprints.set(receipt.id, receipt.fingerprint ?? null);
    this.receipts.add(receipt.id);
    return { status: 'accepted', results };
  }

  hasReceipt(receiptId: string): Promise<boolean> {
    return Promise.resolve(this.receipts.has(receiptId));
  }

  recordReceipt(receiptId: string): Promise<void> {
    this.receipts.add(receiptId);
    return Promise.resolve();
  }

  conversationTitle(conversationId: string, title: string): Promise<void> {
    this.titles.push({ conversationId, title });
    return Promise.resolve();
  }

  conversationRekeyed(fromId: string, toId: string, options?: RekeyOptions): Promise<RekeyResult> {
    this.rekeys.push({ fromId, toId, options });
    return Promise.resolve({ moved: 1, clashes: [] });
  }

  conversationClosed(conversationId: string, reason: string): Promise<{ resolvedInquiryId: string | null }> {
    this.closed.push({ conversationId, reason });
    const inquiryId = this.inquiries.get(conversationId) ?? null;
    this.inquiries.delete(conversationId);
    return Promise.resolve({ resolvedInquiryId: inquiryId });
  }

  private record(message: InboundMessage): AcceptResult {
    const role = message.author.role ?? 'customer';
    const key = JSON.stringify([message.conversation.id, message.id]);
    const existing = this.inquiries.get(message.conversation.id) ?? null;
    if (this.seen.has(key)) return { duplicate: true, role, effect: 'none', inquiryId: existing };
    this.seen.add(key);
    this.accepted.push(message);
    if (existing) return { duplicate: false, role, effect: 'updated', inquiryId: existing };
    const inquiryId = `inquiry-${++this.inquiryCount}`;
    this.inquiries.set(message.conversation.id, inquiryId);
    return { duplicate: false, role, effect: 'opened', inquiryId };
  }
}
