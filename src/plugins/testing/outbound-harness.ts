import { randomUUID } from 'node:crypto';
import { type ConnectorDatabase, type ConnectorDefinition, type ConnectorInstance, type Delivery, type DeliveryResult } from '../sdk';
import { FakePeer } from './fake-peer';
import { freshDatabase } from './kit-database';
import { fail } from './kit-report';
import { defaultPayload, type OutboundKitOptions } from './outbound-options';
import { secretsOf } from './secret-scan';
import { createTestContext, type TestContext } from './test-context';
import { attempt, settleWithin } from './wait';

/** Longest the kit waits for cleanup (close, dispose) before moving on regardless. */
const CLEANUP_MS = 2000;

export interface OutboundRun<C> {
  peer: FakePeer;
  test: TestContext<C>;
  instance: ConnectorInstance;
  /** One delivery per run: every attempt of it shares id and idempotency key. */
  delivery(attempt?: number): Delivery;
  deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult>;
}

/** Builds a fresh peer, context and instance for each check, and tears them down after. */
export class OutboundHarness<C> {
  /** Every secret seen in a config so far; the report is scrubbed of them. */
  readonly secrets = new Set<string>();
  private database: ConnectorDatabase | undefined;

  constructor(
    private readonly definition: ConnectorDefinition<C>,
    private readonly options: OutboundKitOptions,
  ) {
    // Known before any check runs, so that even a check failing early is reported scrubbed.
    try {
      this.remember(options.config('http://127.0.0.1:9'));
    } catch {
      // reported by the check that builds a context with it
    }
  }

  /** Empty tables for the next check, when the connector declares `database`; fails when the kit has none. */
  async freshDatabase(): Promise<void> {
    this.database = undefined;
    this.database = await freshDatabase(this.definition, this.options.database);
  }

  async with<T>(body: (run: OutboundRun<C>) => Promise<T>): Promise<T> {
    const peer = new FakePeer();
    const url = await peer.start();
    let test: TestContext<C> | undefined;
    let instance: ConnectorInstance | undefined;
    try {
      const raw = this.options.config(url);
      this.remember(raw);
      test = createTestContext(this.definition, { config: raw, dutyTargets: this.options.dutyTargets, database: this.database });
      const context = test.context;
      instance = await attempt(() => this.definition.create(context));
      return await body(this.run(peer, test, instance));
    } finally {
      const created = instance;
      if (created?.close) await settleWithin(attempt(() => created.close?.()), CLEANUP_MS);
      // The peer goes first: it cuts requests a connector left hanging, so dispose can finish.
      await peer.stop();
      if (test) await settleWithin(test.dispose(), CLEANUP_MS);
    }
  }

  private run(peer: FakePeer, test: TestContext<C>, instance: ConnectorInstance): OutboundRun<C> {
    const id = `kit-delivery-${randomUUID()}`;
    const idempotencyKey = `kit-${randomUUID()}`;
    const payload = this.options.payload ?? defaultPayload(test.clock.now());
    return {
      peer,
      test,
      instance,
      delivery: (attemptNo = 1) => ({ id, idempotencyKey, target: this.options.target, payload, attempt: attemptNo }),
      deliver: (delivery, signal) => {
        const deliver = instance.deliver?.bind(instance);
        if (!deliver) fail('the instance has no deliver(): an outbound connector must implement it');
        return attempt(() => deliver(delivery, { signal }));
      },
    };
  }

  private remember(raw: unknown): void {
    for (const value of secretsOf(this.definition, raw)) this.secrets.add(value);
  }
}
