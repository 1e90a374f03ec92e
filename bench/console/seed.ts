import { type Database } from '../../src/core/persistence/database';

/**
 * `count` waiting inquiries, one per conversation, as intake leaves them under the bench's
 * policy (60 min, first mark at 45): spread over the last `spreadMs`, so some are past their
 * deadline, one in twenty on hold. Set-based SQL: seconds, not minutes, for 10,000.
 */
export async function seedWaiting(db: Database, count: number, nowMs: number, spreadMs = 3 * 3_600_000): Promise<void> {
  const now = new Date(nowMs);
  await db.transaction(async (sql) => {
    await sql.query(
      `INSERT INTO conversations (channel, external_id, title, created_at, last_message_at)
       SELECT (ARRAY['telegram', 'email', 'http'])[1 + g % 3], 'bench-' || g, 'Customer ' || g || ' <support@example.com>', $1, $1
       FROM generate_series(1, $2::int) AS g`,
      [now, count],
    );
    await sql.query(
      `INSERT INTO messages (conversation_id, external_id, author_id, author_role, role_source, text, sent_at, received_at)
       SELECT c.id, 'm-' || c.id, 'client-' || c.id, 'customer', 'default', 'Our invoices are not loading', s.at, s.at
       FROM conversations c, LATERAL (SELECT $1::timestamptz - (c.id * $2::bigint / $3::int) * interval '1 millisecond' AS at) s
       WHERE c.external_id LIKE 'bench-%'`,
      [now, spreadMs, count],
    );
    await sql.query(
      `INSERT INTO inquiries (conversation_id, status, opened_at, first_message_id, last_customer_message_at, created_at, updated_at,
         policy, calendar, due_at, next_attention_at, next_mark, held_at)
       SELECT m.conversation_id, CASE WHEN m.id % 20 = 0 THEN 'on_hold' ELSE 'open' END, m.sent_at, m.id, m.sent_at, m.sent_at, m.sent_at,
         'default', 'always', m.sent_at + interval '60 minutes',
         CASE WHEN m.id % 20 = 0 THEN NULL ELSE m.sent_at + interval '45 minutes' END, 0,
         CASE WHEN m.id % 20 = 0 THEN m.sent_at END
       FROM messages m WHERE m.external_id LIKE 'm-%'`,
    );
    await sql.query(
      `INSERT INTO inquiry_events (inquiry_id, type, actor, occurred_at, recorded_at) SELECT id, 'opened', 'system', opened_at, opened_at FROM inquiries`,
    );
  });
  await db.query('ANALYZE');
}
