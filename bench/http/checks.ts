import { type Database } from '../../src/core/persistence/database';
import { type Check, check } from '../shared/report';

/**
 * Every message the hub acknowledged with 200 is stored exactly once, and nothing the bench
 * did not send is stored. Read after the hub has stopped, straight from its database.
 */
export async function storedOnce(db: Database, acknowledged: readonly string[]): Promise<Check[]> {
  const rows = await db.query<{ external_id: string; copies: number }>(
    `SELECT m.external_id, count(*)::int AS copies
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.channel = 'http'
      GROUP BY m.external_id`,
  );
  const stored = new Map(rows.map((row) => [row.external_id, Number(row.copies)]));
  const missing = acknowledged.filter((id) => !stored.has(id));
  const twice = rows.filter((row) => Number(row.copies) > 1);
  const uniqueAcks = new Set(acknowledged).size;
  return [
    check('every acknowledged message is stored', missing.length === 0, `${acknowledged.length} acknowledged, ${missing.length} missing${missing.length ? `, e.g. ${missing.slice(0, 3).join(', ')}` : ''}`),
    check('no message is stored twice', twice.length === 0 && uniqueAcks === acknowledged.length, `${twice.length} stored more than once, ${acknowledged.length - uniqueAcks} acknowledged twice`),
    check('stored messages are the ones sent', stored.size >= acknowledged.length, `${stored.size} stored (requests cut off at a phase end may be stored unacknowledged)`),
  ];
}
