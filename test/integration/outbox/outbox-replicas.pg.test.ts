import { type Database } from '../../../src/core/persistence/database';
import { createOutbox, enqueue } from '../../support/outbox-harness';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

describe('outbox across replicas (postgres)', () => {
  let testDb: TestDatabase;
  let replicas: Database[];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    replicas = await Promise.all([testDb.open(), testDb.open(), testDb.open()]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((db) => db.close()));
    await testDb.drop();
  });

  it('attempts each delivery exactly once when replicas claim side by side (SKIP LOCKED)', async () => {
    const workers = replicas.map((db) => createOutbox(db));
    const keys = Array.from({ length: 300 }, (_, i) => `r${i}`);
    await enqueue(replicas[0]!, workers[0]!.clock, keys);

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
