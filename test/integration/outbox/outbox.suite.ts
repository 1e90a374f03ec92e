import { ConnectorError } from '../../../src/plugins/sdk/connector-error';
import { createOutbox, enqueue, outboxSettings, runUntilQuiet } from '../../support/outbox-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

describe(`outbox (${testBackend})`, () => {
  const context = useTestDatabase();

  it('delivers a due delivery once and records the attempt', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['k1']);
    dispatcher.script('k1', [{ externalId: 'msg-77' }]);

    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    const [row] = await store.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, external_id: 'msg-77', history: [{ attempt: 1, outcome: 'delivered' }] });
    expect(dispatcher.calls).toHaveLength(1);
  });

  it('ignores a second enqueue with the same idempotency key', async () => {
    const { clock } = createOutbox(context.db);
    expect(await enqueue(context.db, clock, ['same'])).toBe(1);
    expect(await enqueue(context.db, clock, ['same'])).toBe(0);
  });

  it('retries temporary failures with growing delays and the same idempotency key', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['k1']);
    dispatcher.script('k1', [new ConnectorError('TEMPORARY', '502 from peer'), new ConnectorError('TEMPORARY', '503 from peer'), {}]);

    await runUntilQuiet(worker, store, clock);
    const calls = dispatcher.callsFor('k1');
    expect(calls.map((c) => c.at - calls[0]!.at)).toEqual([0, 750, 750 + 1500]); // random fixed at 0.5
    expect(new Set(calls.map((c) => c.delivery.idempotencyKey))).toEqual(new Set(['k1']));
    expect(calls.map((c) => c.delivery.attempt)).toEqual([1, 2, 3]);
    expect((await store.list({ limit: 1 }))[0]).toMatchObject({ status: 'delivered', attempts: 3, failures: 2 });
  });

  it('does not call a rate-limited peer again before its retry-after', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['k1']);
    dispatcher.script('k1', [new ConnectorError('RATE_LIMITED', '429', { retryAfterMs: 42_000 }), {}]);

    await worker.runOnce();
    await clock.advance(41_999);
    expect(await worker.runOnce()).toBe(0);
    await runUntilQuiet(worker, store, clock);
    const calls = dispatcher.callsFor('k1');
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(42_000);
    expect((await store.list({ limit: 1 }))[0]).toMatchObject({ status: 'delivered', failures: 0 });
  });

  it('keeps deliveries to one target in the order written while the first waits out a rate limit', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['a1', 'a2', 'a3'], { target: { name: 'duty-a' } });
    await enqueue(context.db, clock, ['b1'], { target: { name: 'duty-b' } });
    dispatcher.script('a1', [new ConnectorError('RATE_LIMITED', '429', { retryAfterMs: 30_000 }), {}]);
    dispatcher.script('a2', [new ConnectorError('TEMPORARY', '502'), {}]);

    await worker.runOnce();
    // Another target is not held up by duty-a's queue.
    expect(dispatcher.calls.map((c) => c.delivery.idempotencyKey).sort()).toEqual(['a1', 'b1']);
    await runUntilQuiet(worker, store, clock);
    const toA = dispatcher.calls.filter((c) => c.delivery.target.name === 'duty-a').map((c) => c.delivery.idempotencyKey);
    expect(toA).toEqual(['a1', 'a1', 'a2', 'a2', 'a3']);
  });

  it('lets the next delivery of a target go once the one before it is dead-lettered', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['x1', 'x2'], { target: { name: 'duty-x' } });
    dispatcher.script('x1', [new ConnectorError('NOT_FOUND', 'chat not found')]);
    await runUntilQuiet(worker, store, clock);
    expect(dispatcher.calls.map((c) => c.delivery.idempotencyKey)).toEqual(['x1', 'x2']);
    expect((await store.countByStatus()).delivered).toBe(1);
  });

  it('dead-letters after the attempt limit with the last error and the whole history, and replays with the same key', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['k1']);
    dispatcher.script('k1', Array.from({ length: 4 }, (_, i) => new ConnectorError('TEMPORARY', `outage ${i + 1}`)));

    await runUntilQuiet(worker, store, clock);
    const [dead] = await store.list({ status: 'dead', limit: 10 });
    expect(dead).toMatchObject({ attempts: 4, failures: 4, last_error: 'TEMPORARY: outage 4 (gave up after 4 failed attempts)' });
    expect(dead!.history.map((h) => h.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);

    expect(await store.replay({ id: dead!.id }, new Date(clock.now()))).toEqual([dead!.id]);
    await runUntilQuiet(worker, store, clock);
    const replayed = await store.get(dead!.id);
    // A replay counts its attempts afresh; the history keeps the earlier ones.
    expect(replayed).toMatchObject({ status: 'delivered', idempotency_key: 'k1', attempts: 1 });
    expect(replayed!.history.map((h) => h.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'replayed', 'delivered']);
    expect(dispatcher.callsFor('k1').map((c) => c.delivery.idempotencyKey)).toEqual(['k1', 'k1', 'k1', 'k1', 'k1']);
  });

  it('gives a replayed delivery a whole new budget, also one that hit the cap on all attempts', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db, { settings: outboxSettings({ maxTotalAttempts: 5 }) });
    await enqueue(context.db, clock, ['k1']);
    const limited = () => new ConnectorError('RATE_LIMITED', '429', { retryAfterMs: 1000 });
    dispatcher.script('k1', Array.from({ length: 5 }, limited));
    await runUntilQuiet(worker, store, clock);
    const [dead] = await store.list({ status: 'dead', limit: 10 });
    expect(dead?.last_error).toMatch(/gave up after 5 attempts/);

    dispatcher.script('k1', [limited(), limited(), limited(), {}]);
    await store.replay({ id: dead!.id }, new Date(clock.now()));
    await runUntilQuiet(worker, store, clock);
    expect(await store.get(dead!.id)).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('dead-letters at once what retrying cannot fix', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['missing', 'payload']);
    dispatcher.script('missing', [new ConnectorError('NOT_FOUND', '404 from peer')]);
    dispatcher.script('payload', [new ConnectorError('INVALID_PAYLOAD', '400 from peer')]);
    await worker.runOnce();
    const dead = await store.list({ status: 'dead', limit: 10 });
    expect(dead.map((d) => d.idempotency_key).sort()).toEqual(['missing', 'payload']);
    expect(dead.every((d) => d.attempts === 1)).toBe(true);
  });

  it('treats an unexpected exception from a connector as retryable', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    await enqueue(context.db, clock, ['k1']);
    dispatcher.script('k1', [new TypeError('cannot read properties of undefined'), {}]);
    await runUntilQuiet(worker, store, clock);
    expect((await store.get((await store.list({ limit: 1 }))[0]!.id))?.history[0]).toMatchObject({ code: 'UNKNOWN' });
  });

  it('takes over a delivery whose worker died after claiming it, once the lease expires', async () => {
    const crashed = createOutbox(context.db);
    await enqueue(context.db, crashed.clock, ['k1']);
    const [claimed] = (await crashed.store.claim('worker-that-died', new Date(crashed.clock.now()), 30_000, 10)).rows;
    expect(claimed).toBeDefined();

    const survivor = createOutbox(context.db, { clock: crashed.clock });
    expect(await survivor.worker.runOnce()).toBe(0);
    await crashed.clock.advance(30_000);
    expect(await survivor.worker.runOnce()).toBe(1);
    expect(await survivor.store.get(claimed!.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    // The dead worker coming back cannot overwrite the outcome.
    expect(await crashed.store.markDead(claimed!, new Date(crashed.clock.now()), { attempt: 1, at: '', outcome: 'failed' })).toBe(false);
  });

  it('ends every delivery delivered or dead-lettered, whatever the failures', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db, { settings: outboxSettings({ maxAttempts: 3 }) });
    const keys = Array.from({ length: 60 }, (_, i) => `d${i}`);
    await enqueue(context.db, clock, keys);
    const codes = ['TEMPORARY', 'RATE_LIMITED', 'UNKNOWN', 'NOT_FOUND'] as const;
    keys.forEach((key, i) =>
      dispatcher.script(key, Array.from({ length: i % 5 }, (_, j) => new ConnectorError(codes[(i + j) % codes.length]!, 'x', { retryAfterMs: 2000 }))),
    );
    await runUntilQuiet(worker, store, clock);
    const counts = await store.countByStatus();
    expect(counts.pending + counts.in_flight).toBe(0);
    expect(counts.delivered + counts.dead).toBe(60);
    expect(counts.dead).toBeGreaterThan(0);
  });

  it('counts a connector call that never answers as a temporary failure after attemptTimeout', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db, { settings: outboxSettings({ attemptTimeout: '5s' }) });
    await enqueue(context.db, clock, ['hangs']);
    dispatcher.deliver = () => new Promise(() => undefined); // a peer that never answers
    const pass = worker.runOnce();
    // Wait until the attempt is under way (its timeout is then pending on the virtual clock).
    while (clock.pendingSleepers === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(5_000);
    await pass;
    const [row] = await store.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'pending', failures: 1, last_error: 'TEMPORARY: no answer within 5000 ms' });
  });

  it('runs as a loop that wakes on new work and stops cleanly', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db);
    worker.start();
    await enqueue(context.db, clock, ['loop']);
    worker.wake();
    // Bounded by real time, not by a count of virtual steps: on a loaded server the pass's
    // queries can outlast any fixed number of clock steps.
    const deadline = Date.now() + 10_000;
    while (dispatcher.calls.length === 0 && Date.now() < deadline) {
      await clock.advance(10);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await worker.stop();
    expect((await store.list({ limit: 1 }))[0]).toMatchObject({ status: 'delivered' });
  });
});
