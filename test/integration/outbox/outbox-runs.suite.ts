import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ConnectorError } from '../../../src/plugins/sdk/connector-error';
import { type Delivery, type DeliveryResult } from '../../../src/plugins/sdk/delivery';
import { createOutbox, enqueue, runUntilQuiet } from '../../support/outbox-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe(`outbox runs: a target's backlog sent in order under one claim (${testBackend})`, () => {
  const context = useTestDatabase();

  it('takes a run per target, sends it in order, and never has two of one target in flight', async () => {
    const active = new Map<string, number>();
    let overlap = 0;
    const calls: string[] = [];
    // Answers on a later turn, so attempts of different runs really run side by side.
    const dispatcher = {
      async deliver(_connector: string, delivery: Delivery): Promise<DeliveryResult> {
        const target = String(delivery.target.name);
        active.set(target, (active.get(target) ?? 0) + 1);
        if (active.get(target)! > 1) overlap += 1;
        calls.push(delivery.idempotencyKey);
        await new Promise((r) => setImmediate(r));
        active.set(target, active.get(target)! - 1);
        return {};
      },
    };
    const outbox = createOutbox(context.db, { runLength: 10, dispatcher });
    await enqueue(context.db, outbox.clock, keys('a', 25), { target: { name: 'duty-a' } });
    await enqueue(context.db, outbox.clock, keys('b', 3), { target: { name: 'duty-b' } });

    expect(await outbox.worker.runOnce()).toBe(13);
    expect(await outbox.worker.runOnce()).toBe(10);
    expect(await outbox.worker.runOnce()).toBe(5);
    expect(await outbox.worker.runOnce()).toBe(0);
    expect(overlap).toBe(0);
    expect(calls.filter((k) => k.startsWith('a'))).toEqual(keys('a', 25));
    expect(calls.filter((k) => k.startsWith('b'))).toEqual(keys('b', 3));
    const rows = await outbox.store.list({ limit: 100 });
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1 && r.history.length === 1)).toBe(true);
  });

  it('stops a run at the first delivery that fails; the rest go back in line untried and keep their order', async () => {
    const { clock, dispatcher, store, worker } = createOutbox(context.db, { runLength: 10 });
    await enqueue(context.db, clock, keys('a', 5), { target: { name: 'duty-a' } });
    dispatcher.script('a2', [new ConnectorError('TEMPORARY', '503 from peer'), {}]);

    expect(await worker.runOnce()).toBe(2);
    const byKey = new Map((await store.list({ limit: 10 })).map((r) => [r.idempotency_key, r]));
    expect(byKey.get('a1')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byKey.get('a2')).toMatchObject({ status: 'pending', attempts: 1, failures: 1 });
    for (const key of ['a3', 'a4', 'a5']) expect(byKey.get(key)).toMatchObject({ status: 'pending', attempts: 0, failures: 0, history: [] });

    // Nothing behind a2 may overtake it while it waits for its retry.
    expect(await worker.runOnce()).toBe(0);
    await runUntilQuiet(worker, store, clock);
    expect(dispatcher.calls.map((c) => c.delivery.idempotencyKey)).toEqual(['a1', 'a2', 'a2', 'a3', 'a4', 'a5']);
  });

  it('puts a dead worker’s run back in line when its lease ends; the survivor sends it in order', async () => {
    const crashed = createOutbox(context.db, { runLength: 10 });
    await enqueue(context.db, crashed.clock, keys('a', 5), { target: { name: 'duty-a' } });
    const claim = await crashed.store.claim('worker-that-died', new Date(crashed.clock.now()), 30_000, 4, [], 10);
    expect(claim.runs.map((run) => run.map((r) => r.idempotency_key))).toEqual([keys('a', 5)]);

    const survivor = createOutbox(context.db, { clock: crashed.clock, runLength: 10 });
    expect(await survivor.worker.runOnce()).toBe(0);
    await crashed.clock.advance(30_000);
    expect(await survivor.worker.runOnce()).toBe(5);
    expect(survivor.dispatcher.calls.map((c) => c.delivery.idempotencyKey)).toEqual(keys('a', 5));
    // The first claim counted as an attempt for each: it may have sent any of them.
    expect((await survivor.store.list({ limit: 10 })).map((r) => r.attempts)).toEqual([2, 2, 2, 2, 2]);
  });

  it('does not start an attempt that could outlast the run’s lease; what is left goes back untried', async () => {
    const clock = new VirtualClock('2026-11-02T12:00:00Z');
    // A slow peer: 9 s an answer, with a lease of 30 s and an attempt timeout of 10 s.
    const dispatcher = {
      async deliver(): Promise<DeliveryResult> {
        await clock.advance(9_000);
        return {};
      },
    };
    const { store, worker } = createOutbox(context.db, { clock, runLength: 10, dispatcher });
    await enqueue(context.db, clock, keys('a', 6), { target: { name: 'duty-a' } });
    expect(await worker.runOnce()).toBe(3);
    const rows = await store.list({ limit: 10 });
    expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(3);
    expect(rows.filter((r) => r.status === 'pending' && r.attempts === 0)).toHaveLength(3);
  });

  it('spreads deliveries without an ordering key over the free slots, in runs to one peer each', async () => {
    const active = new Map<string, number>();
    let most = 0;
    const dispatcher = {
      async deliver(_connector: string, delivery: Delivery): Promise<DeliveryResult> {
        const peer = String(delivery.target.name);
        active.set(peer, (active.get(peer) ?? 0) + 1);
        most = Math.max(most, [...active.values()].reduce((a, b) => a + b, 0));
        await new Promise((r) => setImmediate(r));
        active.set(peer, active.get(peer)! - 1);
        return {};
      },
    };
    const { clock, store, worker } = createOutbox(context.db, { runLength: 10, dispatcher });
    await enqueue(context.db, clock, keys('u', 200), { target: { name: 'hook-a' }, orderingKey: null });
    await enqueue(context.db, clock, keys('v', 100), { target: { name: 'hook-b' }, orderingKey: null });
    // 300 due over 16 slots: runs of ten, all sent by one claim, sixteen at a time at most.
    expect(await worker.runOnce()).toBe(160);
    expect(most).toBe(16);
    let rest = 0;
    for (let pass = 0; pass < 5; pass++) rest += await worker.runOnce();
    expect(rest).toBe(140);
    expect(most).toBe(16);
    expect((await store.countByStatus()).delivered).toBe(300);
  });

  it('sends a small unordered backlog side by side, one delivery a slot', async () => {
    const { clock, dispatcher, worker } = createOutbox(context.db, { runLength: 10 });
    await enqueue(context.db, clock, keys('u', 12), { target: { chat: 'any' }, orderingKey: null });
    expect(await worker.runOnce()).toBe(12);
    expect(new Set(dispatcher.calls.map((c) => c.delivery.idempotencyKey)).size).toBe(12);
  });

  it('writes no ordering key for a connector whose deliveries need no order, unless the writer sets one', async () => {
    const { clock, store, worker, dispatcher } = createOutbox(context.db, { runLength: 10 });
    await context.db.query(`INSERT INTO outbox_unordered_connectors (connector) VALUES ('hooks')`);
    await enqueue(context.db, clock, keys('h', 12), { connector: 'hooks', target: { name: 'receiver' } });
    await enqueue(context.db, clock, ['pinned'], { connector: 'hooks', target: { name: 'receiver' }, orderingKey: 'pinned-line' });
    await enqueue(context.db, clock, ['chat'], { target: { name: 'duty-a' } });
    const keyOf = new Map((await context.db.query<{ idempotency_key: string; ordering_key: string | null }>(`SELECT idempotency_key, ordering_key FROM deliveries`)).map((r) => [r.idempotency_key, r.ordering_key]));
    expect(keyOf.get('h1')).toBeNull();
    expect(keyOf.get('pinned')).toBe('pinned-line');
    expect(keyOf.get('chat')).toBe('duty/duty-a');
    // Side by side: one claim takes every slot, not one run.
    expect(await worker.runOnce()).toBe(14);
    expect(new Set(dispatcher.calls.map((c) => c.delivery.idempotencyKey)).size).toBe(14);
    expect((await store.countByStatus()).delivered).toBe(14);
  });
});
