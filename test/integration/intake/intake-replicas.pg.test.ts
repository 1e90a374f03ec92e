import { createIntake, expectedInquiries, inquiryShapes, message } from '../../support/intake-harness';
import { useReplicaDatabases } from '../../support/test-database';

/** Several hub replicas (each with its own pool) writing into one PostgreSQL server. */
describe('intake across replicas (postgres)', () => {
  const replicaDbs = useReplicaDatabases(4);

  it('leaves exactly one open inquiry when many replicas accept for one conversation at once', async () => {
    const intakes = replicaDbs.all.map((db) => createIntake(db, { maxBatch: 5 }).intake);
    const messages = Array.from({ length: 200 }, (_, i) => message('hot-chat', 'customer', i % 20, `m-${i}`));
    const results = await Promise.all(messages.map((m, i) => intakes[i % intakes.length]!.accept('http', m)));

    const open = await replicaDbs.all[0]!.query<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, sum(customer_message_count)::int AS total FROM inquiries WHERE status = 'open'`,
    );
    expect(open).toEqual([{ n: 1, total: 200 }]);
    expect(results.filter((r) => r.effect === 'opened')).toHaveLength(1);
    expect(new Set(results.map((r) => r.inquiryId)).size).toBe(1);
  });

  it('counts each message once when every replica receives the same duplicates', async () => {
    const intakes = replicaDbs.all.map((db) => createIntake(db, { maxBatch: 3 }).intake);
    const messages = Array.from({ length: 60 }, (_, i) => message(`c${i % 6}`, i % 4 === 3 ? 'staff' : 'customer', i));
    const results = await Promise.all(intakes.flatMap((intake) => messages.map((m) => intake.accept('http', m))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(60);
    expect(await inquiryShapes(replicaDbs.all[0]!)).toEqual(expectedInquiries(messages));
  });

  it('agrees with a time-ordered replay when replicas race on interleaved customer and staff messages', async () => {
    const intakes = replicaDbs.all.map((db) => createIntake(db, { maxBatch: 4 }).intake);
    const messages = Array.from({ length: 400 }, (_, i) => message(`c${i % 8}`, (i * 7) % 10 < 6 ? 'customer' : 'staff', (i * 13) % 90));
    await Promise.all(messages.map((m, i) => intakes[(i * 5) % intakes.length]!.accept('http', m)));
    expect(await inquiryShapes(replicaDbs.all[0]!)).toEqual(expectedInquiries(messages));
  });

  it('stores an envelope once when replicas race with its id, and tells a different body apart', async () => {
    const intakes = replicaDbs.all.map((db) => createIntake(db, { maxBatch: 4 }).intake);
    // Per replica: the same envelope twice (a resend) and a different body under the same id.
    const attempts = intakes.flatMap((intake, r) => [
      intake.acceptEnvelope('http', { id: 'msg_race', fingerprint: 'body-a' }, [message('race', 'customer', 0, 'a-1')]),
      intake.acceptEnvelope('http', { id: 'msg_race', fingerprint: 'body-a' }, [message('race', 'customer', 0, 'a-1')]),
      intake.acceptEnvelope('http', { id: 'msg_race', fingerprint: `body-b${r}` }, [message('race', 'customer', 1, `b-${r}`)]),
    ]);
    const outcomes = await Promise.all(attempts);
    const accepted = outcomes.filter((o) => o.status === 'accepted');
    expect(accepted).toHaveLength(1);
    const [stored] = await replicaDbs.all[0]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`);
    expect(stored?.n).toBe(1);
    // Whichever body won, each other attempt is a resend of it or a conflict with it, never both stored.
    const winner = attempts.indexOf(attempts[outcomes.indexOf(accepted[0]!)]!);
    const winnerBody = winner % 3 === 2 ? `body-b${Math.floor(winner / 3)}` : 'body-a';
    outcomes.forEach((outcome, i) => {
      if (i === winner) return;
      const body = i % 3 === 2 ? `body-b${Math.floor(i / 3)}` : 'body-a';
      expect(outcome.status).toBe(body === winnerBody ? 'replayed' : 'conflict');
    });
  });
});
