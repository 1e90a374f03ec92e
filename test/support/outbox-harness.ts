import { VirtualClock } from '../../src/core/clock/virtual-clock';
import { outboxSchema, type OutboxSettings } from '../../src/core/config/hub-config.schema';
import { Metrics } from '../../src/core/observability/metrics';
import { type OutboundDispatcher } from '../../src/core/outbox/outbound-dispatcher';
import { OutboxStore } from '../../src/core/outbox/outbox-store';
import { type DeliveryPolicies } from '../../src/core/outbox/delivery-policies';
import { type CircuitListener, OutboxWorker } from '../../src/core/outbox/outbox-worker';
import { enqueueDeliveries, type NewDelivery } from '../../src/core/outbox/outbox-writer';
import { type Database } from '../../src/core/persistence/database';
import { type Delivery, type DeliveryResult } from '../../src/plugins/sdk/delivery';

/** Records every call and answers from a script: each entry is a result or an error to throw. */
export class ScriptedDispatcher implements OutboundDispatcher {
  readonly calls: Array<{ connector: string; delivery: Delivery; at: number }> = [];
  private readonly scripts = new Map<string, Array<Error | DeliveryResult>>();

  constructor(private readonly clock: { now(): number }) {}

  script(idempotencyKey: string, outcomes: Array<Error | DeliveryResult>): void {
    this.scripts.set(idempotencyKey, [...outcomes]);
  }

  deliver(connector: string, delivery: Delivery): Promise<DeliveryResult> {
    this.calls.push({ connector, delivery, at: this.clock.now() });
    const next = this.scripts.get(delivery.idempotencyKey)?.shift() ?? {};
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }

  callsFor(key: string): Array<{ delivery: Delivery; at: number }> {
    return this.calls.filter((c) => c.delivery.idempotencyKey === key);
  }
}

export function outboxSettings(overrides: Record<string, unknown> = {}): OutboxSettings {
  return outboxSchema.parse({ maxAttempts: 4, maxTotalAttempts: 20, baseDelay: '1s', maxDelay: '1m', lease: '30s', attemptTimeout: '10s', ...overrides });
}

export function createOutbox(
  db: Database,
  options: { clock?: VirtualClock; settings?: OutboxSettings; random?: () => number; dispatcher?: OutboundDispatcher; policies?: DeliveryPolicies; onCircuitChange?: CircuitListener; runLength?: number } = {},
) {
  const clock = options.clock ?? new VirtualClock('2026-11-02T12:00:00Z');
  const dispatcher = new ScriptedDispatcher(clock);
  const store = new OutboxStore(db);
  const extra = { ...(options.policies ? { policies: options.policies } : {}), ...(options.onCircuitChange ? { onCircuitChange: options.onCircuitChange } : {}), ...(options.runLength ? { runLength: options.runLength } : {}) };
  const worker = new OutboxWorker(store, options.dispatcher ?? dispatcher, clock, options.settings ?? outboxSettings(), new Metrics(), options.random ?? (() => 0.5), extra);
  return { clock, dispatcher, store, worker };
}

export function enqueue(db: Database, clock: { now(): number }, keys: string[], extra: Partial<NewDelivery> = {}): Promise<number> {
  return db.transaction((sql) =>
    enqueueDeliveries(
      sql,
      keys.map((key) => ({ idempotencyKey: key, connector: 'duty', kind: 'notify', target: { chat: 'duty' }, payload: { text: key }, ...extra })),
      new Date(clock.now()),
    ),
  );
}

/** Runs passes and advances virtual time until nothing is pending or in flight. */
export async function runUntilQuiet(worker: OutboxWorker, store: OutboxStore, clock: VirtualClock, maxPasses = 500): Promise<void> {
  for (let pass = 0; pass < maxPasses; pass++) {
    await worker.runOnce();
    const counts = await store.countByStatus();
    if (counts.pending === 0 && counts.in_flight === 0) return;
    const next = await store.nextWakeAt();
    if (next) await clock.advanceTo(Math.max(clock.now(), next.getTime()));
  }
  throw new Error('outbox did not settle');
}
