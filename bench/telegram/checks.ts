import { type Database } from '../../src/core/persistence/database';
import { groupChatId } from './hub';
import { type ConversationReplay } from './replay';
import { type Check, check } from '../shared/report';

/** Every sent key stored exactly once in the channel, and nothing else stored there. */
export async function storedOnce(db: Database, channel: string, keys: readonly string[], label: string): Promise<Check> {
  const rows = await db.query<{ external_id: string; n: number }>(
    `SELECT m.external_id, count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = $1 GROUP BY m.external_id`,
    [channel],
  );
  const stored = new Map(rows.map((r) => [r.external_id, Number(r.n)]));
  const expected = new Set(keys);
  const missing = keys.filter((k) => !stored.has(k));
  const twice = [...stored].filter(([, n]) => n > 1).map(([k]) => k);
  const unexpected = [...stored.keys()].filter((k) => !expected.has(k));
  const pass = missing.length === 0 && twice.length === 0 && unexpected.length === 0 && expected.size === keys.length;
  const detail = pass
    ? `${keys.length} messages, each once`
    : `${keys.length} sent (${keys.length - expected.size} ids reused), ${missing.length} missing${sample(missing)}, ${twice.length} stored twice${sample(twice)}, ${unexpected.length} unexpected${sample(unexpected)}`;
  return check(`${label}: every message stored exactly once`, pass, detail);
}

/**
 * Stored inquiries per conversation (status and customer-message count, in opening order)
 * equal the replay of what was sent.
 */
export async function inquiriesMatch(db: Database, channel: string, replay: ConversationReplay, label: string): Promise<Check> {
  const rows = await db.query<{ conversation: string; status: string; customer_message_count: number }>(
    `SELECT c.external_id AS conversation, i.status, i.customer_message_count
     FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.channel = $1 ORDER BY c.external_id, i.opened_at, i.created_at`,
    [channel],
  );
  const actual = new Map<string, string[]>();
  for (const r of rows) actual.set(r.conversation, [...(actual.get(r.conversation) ?? []), `${r.status}:${Number(r.customer_message_count)}`]);
  const expected = new Map<string, string[]>();
  let inquiries = 0;
  let waiting = 0;
  for (const [group, list] of replay.expected()) {
    if (list.length === 0) continue;
    inquiries += list.length;
    waiting += list.filter((i) => !i.answered).length;
    expected.set(String(groupChatId(group)), list.map((i) => `${i.answered ? 'answered' : 'open'}:${i.customerMessages}`));
  }
  const differ: string[] = [];
  for (const conversation of new Set([...actual.keys(), ...expected.keys()])) {
    const a = (actual.get(conversation) ?? []).join(' ');
    const e = (expected.get(conversation) ?? []).join(' ');
    if (a !== e) differ.push(`${conversation} stored [${a}] expected [${e}]`);
  }
  const storedWaiting = rows.filter((r) => r.status === 'open').length;
  const counts = `${rows.length} inquiries (${storedWaiting} open), replay ${inquiries} (${waiting} open)`;
  return check(
    `${label}: inquiries equal the replay of what was sent`,
    differ.length === 0,
    differ.length === 0 ? `${expected.size} conversations, ${counts}` : `${differ.length} conversations differ; ${counts}; e.g. ${differ.slice(0, 2).join('; ')}`,
  );
}

function sample(keys: string[]): string {
  return keys.length === 0 ? '' : ` (e.g. ${keys.slice(0, 3).join(', ')})`;
}
