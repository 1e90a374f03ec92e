import { type Database } from '../../src/core/persistence/database';

/**
 * received_at of every stored message of a channel, by external id. Intake stamps it with the
 * clock at the start of the committing transaction, so "push → stamp" ends a few ms before the
 * commit (the batch's statements and the commit itself are not in it).
 */
export async function receivedAt(db: Database, channel: string): Promise<Map<string, number>> {
  const rows = await db.query<{ external_id: string; received_at: Date }>(
    `SELECT m.external_id, m.received_at FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = $1`,
    [channel],
  );
  return new Map(rows.map((r) => [r.external_id, new Date(r.received_at).getTime()]));
}

/** For each sent key (in order) its stamp minus its send instant, both epoch ms; unstored keys are skipped. */
export function stampLatencies(sentAt: ReadonlyMap<string, number>, stamps: ReadonlyMap<string, number>): { latencies: number[]; lastStamp: number } {
  const latencies: number[] = [];
  let lastStamp = 0;
  for (const [key, at] of sentAt) {
    const stamp = stamps.get(key);
    if (stamp === undefined) continue;
    latencies.push(stamp - at);
    lastStamp = Math.max(lastStamp, stamp);
  }
  return { latencies, lastStamp };
}
