import { Database } from '../../src/core/persistence/database';
import { type Check, check } from '../shared/report';
import { type AppendedMail } from './mailer';

/** One stored email message as the hub recorded it; wall-clock milliseconds. */
export interface StoredMail {
  copies: number;
  /** messages.received_at: the hub's clock at the start of the transaction that stored it. */
  receivedAt: number;
  /** inquiries.created_at of the inquiry this mail opened (same transaction, same clock). */
  inquiryAt: number | undefined;
}

/**
 * Every message on the email channel with the hub's own timestamps, read from its database
 * after it stopped (the embedded database is locked while the hub runs). The timestamps are the
 * hub's clock inside the committing transaction, so how often anyone looked does not matter.
 */
export async function readStored(section: Record<string, unknown>): Promise<Map<string, StoredMail>> {
  const db = await Database.open({ url: section.url as string | undefined, dataDir: (section.dataDir as string | undefined) ?? '', poolSize: 2 });
  try {
    const rows = await db.query<{ external_id: string; received_ms: number | string; inquiry_ms: number | string | null }>(
      `SELECT m.external_id,
              extract(epoch FROM m.received_at)::float8 * 1000 AS received_ms,
              extract(epoch FROM i.created_at)::float8 * 1000 AS inquiry_ms
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN inquiries i ON i.first_message_id = m.id
        WHERE c.channel = 'email'`,
    );
    const stored = new Map<string, StoredMail>();
    for (const row of rows) {
      const seen = stored.get(row.external_id);
      const inquiryAt = row.inquiry_ms === null ? undefined : Number(row.inquiry_ms);
      if (seen) {
        seen.copies++;
        continue;
      }
      stored.set(row.external_id, { copies: 1, receivedAt: Number(row.received_ms), inquiryAt });
    }
    return stored;
  } finally {
    await db.close();
  }
}

/** Each appended mail stored once and opening its inquiry; nothing stored that was not appended. */
export function storedOnce(stored: ReadonlyMap<string, StoredMail>, appended: readonly AppendedMail[]): Check[] {
  const missing = appended.filter((a) => !stored.has(a.messageId));
  const twice = [...stored.entries()].filter(([, s]) => s.copies > 1);
  const withoutInquiry = appended.filter((a) => stored.get(a.messageId)?.inquiryAt === undefined && stored.has(a.messageId));
  const ids = new Set(appended.map((a) => a.messageId));
  const strangers = [...stored.keys()].filter((id) => !ids.has(id));
  const sample = (list: readonly string[]) => (list.length ? `, e.g. ${list.slice(0, 3).join(', ')}` : '');
  return [
    check('every appended Message-ID is stored', missing.length === 0, `${appended.length} appended, ${missing.length} missing${sample(missing.map((m) => m.messageId))}`),
    check('no Message-ID is stored twice', twice.length === 0, `${twice.length} stored more than once${sample(twice.map(([id]) => id))}`),
    check('every stored mail opened its inquiry', withoutInquiry.length === 0, `${withoutInquiry.length} without an inquiry${sample(withoutInquiry.map((m) => m.messageId))}`),
    check('nothing stored that was not appended', strangers.length === 0, `${stored.size} stored, ${strangers.length} unknown${sample(strangers)}`),
  ];
}
