import { ingestBody, startTestHub } from '../../support/hub-harness';
import { createTestDatabase, testBackend } from '../../support/test-database';

describe(`shutdown and database loss (${testBackend})`, () => {
  it('keeps every message it acknowledged when stopped in the middle of a burst', async () => {
    const database = await createTestDatabase();
    const hub = await startTestHub({ database });
    const bodies = Array.from({ length: 300 }, (_, i) => ingestBody({ conversation: `c${i % 15}`, id: `m${i}` }));
    let answered = 0;
    const sent = bodies.map((body) =>
      hub.post(body).then(
        async (r) => ({ status: r.status, id: body.message.id, text: await r.text() }),
        () => ({ status: 0, id: body.message.id, text: 'connection closed' }),
      ).finally(() => answered++),
    );
    // Stop once the burst is well under way: some answered, most still in flight.
    while (answered < 20) await new Promise((r) => setTimeout(r, 2));
    await hub.close();
    const outcomes = await Promise.all(sent);

    const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.id);
    expect(outcomes.filter((o) => ![200, 503, 0].includes(o.status))).toEqual([]);
    const db = await database.open();
    try {
      const stored = new Set((await db.query<{ external_id: string }>('SELECT external_id FROM messages')).map((r) => r.external_id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(acknowledged.length).toBeLessThan(300);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it('answers 503 with Retry-After and acknowledges nothing while the database is gone', async () => {
    const hub = await startTestHub();
    try {
      await hub.db.close();
      const response = await hub.post(ingestBody());
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ status: 503, detail: expect.stringMatching(/nothing was stored/) as string });
      expect((await fetch(`${hub.url}/health/ready`)).status).toBe(503);
    } finally {
      await hub.close();
    }
  });
});
