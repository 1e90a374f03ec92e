import { createOutbox, enqueue } from '../../support/outbox-harness';
import { useReplicaDatabases } from '../../support/test-database';

describe('outbox across replicas (postgres)', () => {
  const replicaDbs = useReplicaDatabases(3);

  it('attempts each delivery exactly once when replicas claim side by side (SKIP LOCKED)', async () => {
    const workers = replicaDbs.all.map((db) => createOutbox(db));
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
