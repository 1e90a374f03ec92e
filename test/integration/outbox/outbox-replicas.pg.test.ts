import { type ConnectorLimits } from '../../../src/core/outbox/delivery-policies';
import { createOutbox, enqueue } from '../../support/outbox-harness';
import { useReplicaDatabases } from '../../support/test-database';

describe('outbox across replicas (postgres)', () => {
  const replicaDbs = useReplicaDatabases(3);

  it('attempts each delivery exactly once when replicas claim side by side (SKIP LOCKED)', async () => {
    // Short runs, so one claim cannot take the whole queue and the replicas meet in it.
    const workers = replicaDbs.all.map((db) => createOutbox(db, { runLength: 2 }));
    const keys = Array.from({ length: 300 }, (_, i) => `r${i}`);
    await enqueue(replicaDbs.all[0]!, workers[0]!.clock, keys);

    for (let round = 0; round < 30; round++) {
      const attempted = await Promise.all(workers.map((w) => w.worker.runOnce()));
      if (attempted.every((n) => n === 0)) break;
    }
    const calls = workers.flatMap((w) => w.dispatcher.calls.map((c) => c.delivery.idempotencyKey));
    expect(calls.sort()).toEqual([...keys].sort());
    expect(workers.filter((w) => w.dispatcher.calls.length > 0).length).toBeGreaterThan(1);
    expect(await workers[0]!.store.countByStatus()).toMatchObject({ delivered: 300, pending: 0, in_flight: 0 });
  });
});

describe('connector limits shared by replicas (postgres)', () => {
  const replicaDbs = useReplicaDatabases(3);
  const keys = Array.from({ length: 60 }, (_, i) => `l${i}`);

  async function fill(): Promise<ReturnType<typeof createOutbox>[]> {
    const outboxes = replicaDbs.all.map((db) => createOutbox(db));
    // One target each, so no delivery waits behind another's turn.
    for (const key of keys) await enqueue(replicaDbs.all[0]!, outboxes[0]!.clock, [key], { target: { name: key } });
    return outboxes;
  }

  const claimAll = (outboxes: ReturnType<typeof createOutbox>[], at: Date, limits: ConnectorLimits[]) =>
    Promise.all(outboxes.map((o, i) => o.store.claim(`replica-${i}`, at, 30_000, 20, limits)));

  it('holds a connector’s concurrency limit across replicas claiming at once', async () => {
    const outboxes = await fill();
    const limits = [{ connector: 'duty', concurrency: 3, ratePerSecond: undefined, burst: 1 }];
    const at = new Date(outboxes[0]!.clock.now());
    const first = await claimAll(outboxes, at, limits);
    expect(first.flatMap((c) => c.rows)).toHaveLength(3);
    expect(await claimAll(outboxes, at, limits).then((c) => c.flatMap((x) => x.rows))).toHaveLength(0);

    const done = first.flatMap((c) => c.rows)[0]!;
    expect(await outboxes[0]!.store.deliveredMarks.mark(done, at, { attempt: 1, at: at.toISOString(), outcome: 'delivered' }, undefined)).toBe(true);
    expect(await claimAll(outboxes, at, limits).then((c) => c.flatMap((x) => x.rows))).toHaveLength(1);
  });

  it('holds a connector’s rate limit across replicas: a burst, then the rate', async () => {
    const outboxes = await fill();
    const limits = [{ connector: 'duty', concurrency: undefined, ratePerSecond: 10, burst: 10 }];
    const start = outboxes[0]!.clock.now();
    const burst = await claimAll(outboxes, new Date(start), limits);
    expect(burst.flatMap((c) => c.rows)).toHaveLength(10);
    // Once the bucket is empty, the claim says how long until the next token.
    expect(burst.some((c) => c.throttledMs !== undefined && c.throttledMs <= 100)).toBe(true);
    const halfSecond = await claimAll(outboxes, new Date(start + 500), limits);
    expect(halfSecond.flatMap((c) => c.rows)).toHaveLength(5);
    const next = await claimAll(outboxes, new Date(start + 2500), limits);
    expect(next.flatMap((c) => c.rows)).toHaveLength(10);
  });
});
