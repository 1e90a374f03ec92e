import { createIntake, expectedInquiries, inquiryShapes, message } from '../../support/intake-harness';
import { IntakeBusyError } from '../../../src/core/intake/intake-errors';
import { testBackend, useTestDatabase } from '../../support/test-database';

describe(`intake under concurrency (${testBackend})`, () => {
  const context = useTestDatabase();

  it('keeps concurrent transactions apart: a failing one rolls back only its own writes', async () => {
    const { intake } = createIntake(context.db, { maxBatch: 7 });
    const messages = Array.from({ length: 300 }, (_, i) => message(`c${i % 25}`, i % 3 === 2 ? 'staff' : 'customer', i % 50));
    const failing = Array.from({ length: 60 }, (_, i) =>
      context.db
        .transaction(async (sql) => {
          await sql.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ('doomed', $1, now())`, [String(i)]);
          await new Promise((r) => setImmediate(r));
          throw new Error('rolled back on purpose');
        })
        .catch(() => 'failed'),
    );
    const accepted = messages.map((m) => intake.accept('http', m));

    expect(await Promise.all(failing)).toEqual(Array(60).fill('failed'));
    const results = await Promise.all(accepted);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(await context.db.query(`SELECT * FROM ingest_receipts`)).toEqual([]);
    const [stored] = await context.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`);
    expect(stored?.n).toBe(300);
    expect(await inquiryShapes(context.db)).toEqual(expectedInquiries(messages));
  });

  it('acknowledges every message of a burst only once it is committed', async () => {
    const { intake } = createIntake(context.db, { maxBatch: 50 });
    const messages = Array.from({ length: 500 }, (_, i) => message(`c${i % 40}`, 'customer', i % 30));
    const acknowledged: string[] = [];
    await Promise.all(
      messages.map(async (m) => {
        await intake.accept('http', m);
        const rows = await context.db.query(`SELECT 1 FROM messages WHERE external_id = $1`, [m.id]);
        if (rows.length === 1) acknowledged.push(m.id);
      }),
    );
    expect(acknowledged).toHaveLength(500);
  });

  it('refuses what would overfill the queue at once, stores everything it let in, and recovers', async () => {
    const { intake } = createIntake(context.db, { maxBatch: 1, maxQueued: 3 });
    const messages = Array.from({ length: 40 }, (_, i) => message(`q${i % 4}`, 'customer', i, `q-${i}`));
    const outcomes = await Promise.allSettled(messages.map((m) => intake.accept('http', m)));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r).reason).toBeInstanceOf(IntakeBusyError);
    const taken = messages.filter((_, i) => outcomes[i]?.status === 'fulfilled').map((m) => m.id);
    const stored = await context.db.query<{ id: string }>(`SELECT external_id AS id FROM messages`);
    expect(stored.map((r) => r.id).sort()).toEqual([...taken].sort());
    // Once the queue has drained, the refused ones go in.
    await intake.drain();
    for (const [i, m] of messages.entries()) if (outcomes[i]?.status === 'rejected') await intake.accept('http', m);
    expect(await context.db.query(`SELECT external_id FROM messages`)).toHaveLength(40);
  });
});
