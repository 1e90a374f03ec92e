import { type VirtualClock } from '../../../src/core/clock/virtual-clock';
import { type Circuit, type CircuitChange } from '../../../src/core/outbox/circuit-store';
import { DeliveryPolicies } from '../../../src/core/outbox/delivery-policies';
import { type OutboundDispatcher } from '../../../src/core/outbox/outbound-dispatcher';
import { type OutboxStore } from '../../../src/core/outbox/outbox-store';
import { type OutboxWorker } from '../../../src/core/outbox/outbox-worker';
import { ConnectorError, type ConnectorErrorScope } from '../../../src/plugins/sdk/connector-error';
import { type Delivery, type DeliveryResult } from '../../../src/plugins/sdk/delivery';
import { createOutbox, enqueue, outboxSettings } from '../../support/outbox-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

/** A peer per duty target that can be up, down (5xx) or refusing credentials. */
class Peers implements OutboundDispatcher {
  readonly calls: Array<{ target: string; key: string; at: number }> = [];
  readonly state = new Map<string, 'up' | 'down' | 'refusing'>();
  refusalScope: ConnectorErrorScope | undefined;

  constructor(private readonly clock: { now(): number }) {}

  deliver(_connector: string, delivery: Delivery): Promise<DeliveryResult> {
    const target = String(delivery.target.name);
    this.calls.push({ target, key: delivery.idempotencyKey, at: this.clock.now() });
    const state = this.state.get(target) ?? 'up';
    if (state === 'down') return Promise.reject(new ConnectorError('TEMPORARY', 'the peer answered 503'));
    if (state === 'refusing') return Promise.reject(new ConnectorError('AUTH_FAILED', 'the peer answered 401', this.refusalScope ? { scope: this.refusalScope } : {}));
    return Promise.resolve({});
  }

  to(target: string): string[] {
    return this.calls.filter((c) => c.target === target).map((c) => c.key);
  }
}

/** Runs passes, moving the virtual clock to the next due moment, until `done` or time runs out. */
async function runUntil(worker: OutboxWorker, store: OutboxStore, clock: VirtualClock, untilMs: number, done: () => Promise<boolean> = () => Promise.resolve(false)): Promise<void> {
  const end = clock.now() + untilMs;
  while (clock.now() < end && !(await done())) {
    await worker.runOnce();
    const next = await store.nextWakeAt();
    const to = Math.min(end, Math.max(clock.now() + 1, next?.getTime() ?? end));
    await clock.advanceTo(to);
  }
}

describe(`outbox breakers and pauses (${testBackend})`, () => {
  const context = useTestDatabase();
  const settings = outboxSettings({ concurrency: 1, maxAttempts: 8, baseDelay: '1s', maxDelay: '2s', breaker: { failures: 3, openFor: '10s', maxOpenFor: '40s' }, authPause: '1m' });

  function setUp() {
    const changes: Array<{ change: CircuitChange; circuit: Circuit }> = [];
    const base = createOutbox(context.db);
    const peers = new Peers(base.clock);
    const outbox = createOutbox(context.db, {
      clock: base.clock,
      settings,
      dispatcher: peers,
      policies: new DeliveryPolicies(settings, {}),
      onCircuitChange: (change, circuit) => {
        changes.push({ change, circuit });
        return Promise.resolve();
      },
    });
    return { ...outbox, peers, changes };
  }

  it('opens after failures in a row, holds the target’s deliveries while other targets flow, probes once, and lets them all go when the peer is back', async () => {
    const { clock, store, worker, peers } = setUp();
    peers.state.set('down-target', 'down');
    await enqueue(context.db, clock, ['a1', 'a2', 'a3', 'a4', 'a5'], { target: { name: 'down-target' } });
    await enqueue(context.db, clock, ['b1', 'b2'], { target: { name: 'healthy' } });

    await runUntil(worker, store, clock, 9_000);
    const [breaker] = await store.circuits.list();
    expect(breaker).toMatchObject({ connector: 'duty', target: 'down-target', state: 'open', reason: 'failures', failures: 3 });
    expect(peers.to('down-target')).toHaveLength(3);
    expect(peers.to('healthy')).toEqual(['b1', 'b2']);

    // The first probe fails: open again, for twice as long.
    await runUntil(worker, store, clock, 15_000);
    expect(peers.to('down-target')).toHaveLength(4);
    expect((await store.circuits.list())[0]).toMatchObject({ state: 'open', opens: 2 });

    peers.state.set('down-target', 'up');
    await runUntil(worker, store, clock, 60_000, async () => (await store.countByStatus()).delivered === 7);
    expect(await store.circuits.list()).toEqual([]);
    expect(await store.countByStatus()).toMatchObject({ delivered: 7, dead: 0, pending: 0 });
    // One target's deliveries go in order, so a1 carried the failures and both probes: three
    // retries 0.75 s and 1.5 s apart, then nothing for the 10 s the breaker was open, then 20 s.
    const a1 = peers.calls.filter((c) => c.key === 'a1').map((c) => c.at - peers.calls[0]!.at);
    expect(a1).toEqual([0, 750, 2250, 12_250, 32_250]);
    expect(peers.to('down-target').slice(-4)).toEqual(['a2', 'a3', 'a4', 'a5']);
  });

  it('pauses a connector whose credentials were refused, holds every delivery through it, tells the listener once, and resumes after a good probe', async () => {
    const { clock, store, worker, peers, changes } = setUp();
    peers.state.set('chat-1', 'refusing');
    peers.state.set('chat-2', 'refusing');
    await enqueue(context.db, clock, ['p1', 'p2'], { target: { name: 'chat-1' } });
    await enqueue(context.db, clock, ['q1'], { target: { name: 'chat-2' } });

    await runUntil(worker, store, clock, 30_000);
    expect(peers.calls).toHaveLength(1);
    expect(await store.countByStatus()).toMatchObject({ pending: 3, dead: 0 });
    expect(changes.map((c) => [c.change, c.circuit.target, c.circuit.reason])).toEqual([['paused', '', 'auth']]);
    expect((await store.circuits.list())[0]?.lastError).toContain('401');

    // Still refused at the probe after the pause: no second notice, another pause.
    await runUntil(worker, store, clock, 45_000);
    expect(peers.calls).toHaveLength(2);
    expect(changes.filter((c) => c.change === 'paused')).toHaveLength(1);

    peers.state.clear();
    await runUntil(worker, store, clock, 120_000, async () => (await store.countByStatus()).delivered === 3);
    expect(await store.countByStatus()).toMatchObject({ delivered: 3, dead: 0 });
    expect(await store.circuits.list()).toEqual([]);
  });

  it('pauses only the target when the connector says the refusal is the target’s own', async () => {
    const { clock, store, worker, peers } = setUp();
    peers.refusalScope = 'target';
    peers.state.set('bad-secret', 'refusing');
    await enqueue(context.db, clock, ['s1', 's2'], { target: { name: 'bad-secret' } });
    await enqueue(context.db, clock, ['t1', 't2'], { target: { name: 'good' } });

    await runUntil(worker, store, clock, 20_000);
    expect(peers.to('bad-secret')).toEqual(['s1']);
    expect(peers.to('good')).toEqual(['t1', 't2']);
    expect(await store.circuits.list()).toEqual([expect.objectContaining({ target: 'bad-secret', reason: 'auth', state: 'open' })]);
  });

  it('lets a replica take a breaker’s probe only once', async () => {
    const { clock, store, peers } = setUp();
    peers.state.set('flaky', 'down');
    await enqueue(context.db, clock, ['f1', 'f2', 'f3', 'f4'], { target: { name: 'flaky' } });
    const policy = new DeliveryPolicies(settings, {}).policyFor('duty', 'flaky');
    for (let i = 0; i < 3; i++) await store.circuits.record('duty', 'flaky', 'failed', policy, new Date(clock.now()));
    await clock.advance(10_000);
    const now = new Date(clock.now());
    const first = await store.claim('replica-a', now, 30_000, 10);
    const second = await store.claim('replica-b', now, 30_000, 10);
    expect(first.rows).toHaveLength(1);
    expect(first.probes.has(first.rows[0]!.id)).toBe(true);
    expect(second.rows).toHaveLength(0);
  });

  it('probes with the first delivery in line, and only once it is due: a breaker never sits half-open with nothing sent', async () => {
    const { clock, store } = setUp();
    await enqueue(context.db, clock, ['h1', 'h2'], { target: { name: 'backoff' } });
    const [head] = (await store.claim('replica-a', new Date(clock.now()), 30_000, 1)).rows;
    expect(head?.idempotency_key).toBe('h1');
    const failedAt = new Date(clock.now());
    await store.scheduleRetry(head!, failedAt, { attempt: 1, at: failedAt.toISOString(), outcome: 'failed' }, new Date(clock.now() + 60_000), true);
    const policy = new DeliveryPolicies(settings, {}).policyFor('duty', 'backoff');
    for (let i = 0; i < 3; i++) await store.circuits.record('duty', 'backoff', 'failed', policy, failedAt);

    // The breaker's wait (10 s) is over, but h1 waits 60 s and h2 is behind it: no probe yet.
    await clock.advance(20_000);
    expect((await store.claim('replica-a', new Date(clock.now()), 30_000, 10)).rows).toHaveLength(0);
    expect((await store.circuits.list())[0]).toMatchObject({ state: 'open' });

    await clock.advance(40_000);
    const probe = await store.claim('replica-a', new Date(clock.now()), 30_000, 10);
    expect(probe.rows.map((r) => r.idempotency_key)).toEqual(['h1']);
    expect(probe.probes.has(probe.rows[0]!.id)).toBe(true);
    expect((await store.circuits.list())[0]).toMatchObject({ state: 'half_open' });
  });
});
