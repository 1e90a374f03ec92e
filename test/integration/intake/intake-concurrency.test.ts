import { createIntake, expectedInquiries, inquiryShapes, message } from '../../support/intake-harness';
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
});
