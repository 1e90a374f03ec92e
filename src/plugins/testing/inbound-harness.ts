import { type ConnectorDatabase, type ConnectorDefinition, type ConnectorInstance, type Stoppable } from '../sdk';
import { FakeSink } from './fake-sink';
import { freshDatabase, type KitDatabase } from './kit-database';
import { fail } from './kit-report';
import { MemoryStateStore } from './memory-state-store';
import { RouteServer } from './route-server';
import { secretsOf } from './secret-scan';
import { TestClock } from './test-clock';
import { createTestContext, type TestContext } from './test-context';
import { attempt, describeError, settleWithin, track, type Tracked } from './wait';

export const INBOUND_CHECKS = ['manifest', 'verify', 'delivers-all', 'no-ack-before-accept', 'failed-accept-redelivered', 'restart-resumes', 'stop-finishes-in-flight'] as const;
export type InboundCheck = (typeof INBOUND_CHECKS)[number];

/** Where the connector under test reads from, driven by the kit. */
export interface InboundSource {
  /** Empties the source before each check. */
  reset(): Promise<void>;
  /** Adds or pushes `count` new items; returns the message ids the connector should hand to accept(). */
  publish(count: number, env: { routesUrl: string }): Promise<string[]>;
  /** Items the source has seen acknowledged (offset advanced, 2xx answered…); omit if it has no acknowledgement of its own. */
  acknowledged?(): Promise<number>;
}

export interface InboundKitOptions {
  /**
   * The connector's settings (or a promise of them); `routesUrl` is where ctx.routes are
   * served, the base a webhook is registered with.
   */
  config(env: { routesUrl?: string }): unknown;
  source: InboundSource;
  /** Checks that do not apply, each with a written reason. */
  skip?: Partial<Record<InboundCheck, string>>;
  /** Longest the kit waits for any one thing (an accept, a stop); default 5000 ms. */
  timeoutMs?: number;
  /**
   * Needed when the connector declares the `database` service: a database of your tests. Each
   * check gets the schema `connector_<id>` afresh, with manifest.migrations applied; the
   * instances of one check (before and after a restart) share it, as they share the state store.
   */
  database?: KitDatabase;
}

const CLEANUP_MS = 2000;

/** One started instance and what it was given. */
export interface InboundRun<C> {
  test: TestContext<C>;
  instance: ConnectorInstance;
  sink: FakeSink;
  stoppable: Stoppable | undefined;
  stopped: boolean;
}

/**
 * Per check: one route server, clock, state store and (when declared) database that instances
 * come and go on, as a hub's would across a restart, and the source emptied first.
 */
export class InboundHarness<C> {
  readonly state: MemoryStateStore;
  private readonly clock = new TestClock({ autoAdvance: true });
  private readonly server = new RouteServer();
  private readonly runs: Array<InboundRun<C>> = [];
  private routesUrl = '';
  private database: ConnectorDatabase | undefined;

  constructor(
    private readonly definition: ConnectorDefinition<C>,
    private readonly options: InboundKitOptions,
    private readonly secrets: Set<string>,
    readonly timeoutMs: number,
  ) {
    this.state = new MemoryStateStore(this.clock);
  }

  async open(): Promise<void> {
    this.database = await freshDatabase(this.definition, this.options.database);
    this.routesUrl = await this.server.url();
    await this.options.source.reset();
  }

  /** A new context and instance on the shared state; `start` also starts reading into a fresh sink. */
  async launch(start = true): Promise<InboundRun<C>> {
    const raw = await this.options.config({ routesUrl: this.routesUrl });
    for (const value of secretsOf(this.definition, raw)) this.secrets.add(value);
    const test = createTestContext(this.definition, { config: raw, clock: this.clock, state: this.state, routeServer: this.server, database: this.database });
    let instance: ConnectorInstance;
    try {
      instance = await attempt(() => this.definition.create(test.context));
    } catch (error) {
      await test.dispose();
      throw error;
    }
    const run: InboundRun<C> = { test, instance, sink: new FakeSink(), stoppable: undefined, stopped: false };
    this.runs.push(run);
    if (!start) return run;
    const begin = run.instance.start?.bind(run.instance);
    if (!begin) fail('the instance has no start(): an inbound connector must implement it');
    const started = await settleWithin(attempt(() => begin(run.sink)), this.timeoutMs);
    if (started.state === 'pending') fail(`start() did not resolve within ${this.timeoutMs} ms`);
    if (started.state === 'rejected') fail(`start() rejected: ${describeError(started.error)}`);
    run.stoppable = started.value;
    return run;
  }

  publish(count: number): Promise<string[]> {
    return attempt(() => this.options.source.publish(count, { routesUrl: this.routesUrl }));
  }

  /** For pushing sources whose publish waits for the connector's answer (held by the sink). */
  publishInBackground(count: number): Tracked<string[]> {
    return track(this.publish(count));
  }

  async acknowledged(): Promise<number | undefined> {
    const source = this.options.source;
    return source.acknowledged ? await source.acknowledged() : undefined;
  }

  /** Stops (once), closes and disposes an instance; releases its sink first so nothing stays held. */
  async shutdown(run: InboundRun<C>): Promise<void> {
    run.sink.reset();
    const stoppable = run.stoppable;
    if (stoppable && !run.stopped) {
      run.stopped = true;
      const stopped = await settleWithin(attempt(() => stoppable.stop()), this.timeoutMs);
      if (stopped.state !== 'resolved') fail(`stop() ${stopped.state === 'pending' ? `did not resolve within ${this.timeoutMs} ms` : `rejected: ${describeError(stopped.error)}`}`);
    }
    const index = this.runs.indexOf(run);
    if (index >= 0) this.runs.splice(index, 1);
    const instance = run.instance;
    if (instance.close) await settleWithin(attempt(() => instance.close?.()), CLEANUP_MS);
    await settleWithin(run.test.dispose(), CLEANUP_MS);
  }

  /** Tears down whatever a check left running, without letting a failure here hide the check's. */
  async close(): Promise<void> {
    for (const run of [...this.runs]) await this.shutdown(run).catch(() => undefined);
    await this.server.close();
  }
}
