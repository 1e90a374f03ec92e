import { type Database } from '../../src/core/persistence/database';
import { type IntakeFigures } from './intake-load';
import { expectedInquiries, type InquiryShape } from './replay';
import { CHANNEL, type Workload } from './workload';
import { type Check, check } from '../shared/report';

/** What must hold after the intake run, whatever the timing of the concurrent batches. */
export async function verifyIntake(db: Database, workload: Workload, figures: IntakeFigures): Promise<Check[]> {
  const [stored] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
  const doubleOpen = await db.query<{ conversation_id: number }>(
    `SELECT conversation_id FROM inquiries WHERE status IN ('open', 'on_hold') GROUP BY conversation_id HAVING count(*) > 1`,
  );
  const mismatches = await compareWithReplay(db, workload);
  const storedCount = Number(stored?.n ?? -1);
  return [
    check('no accept() failed', figures.errors === 0, figures.errors === 0 ? '0 errors' : `${figures.errors} errors, first: ${figures.firstError}`),
    check('rows in messages = unique messages', storedCount === workload.unique, `${storedCount} vs ${workload.unique}`),
    check('non-duplicate accept results = unique messages', figures.accepted === workload.unique, `${figures.accepted} vs ${workload.unique}`),
    check('no conversation with more than one open inquiry', doubleOpen.length === 0, `${doubleOpen.length} conversations`),
    check(
      'inquiries equal a time-ordered replay',
      mismatches.length === 0,
      mismatches.length === 0 ? 'all conversations' : `${mismatches.length} conversations differ, e.g. ${mismatches.slice(0, 3).join(', ')}`,
    ),
  ];
}

/** Conversations whose stored inquiries differ from replaying their messages in time order. */
async function compareWithReplay(db: Database, workload: Workload): Promise<string[]> {
  const rows = await db.query<{ conversation: string; opened_at: Date; answered_at: Date | null; customer_message_count: number }>(
    `SELECT c.external_id AS conversation, i.opened_at, i.answered_at, i.customer_message_count
     FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.channel = $1`,
    [CHANNEL],
  );
  const actual = group(
    rows.map((r) => ({
      conversation: r.conversation,
      openedAt: r.opened_at.getTime(),
      answeredAt: r.answered_at?.getTime() ?? null,
      customerMessages: Number(r.customer_message_count),
    })),
  );
  const expected = group(expectedInquiries(workload.messages));
  const differ: string[] = [];
  for (const conversation of new Set([...actual.keys(), ...expected.keys()])) {
    if (actual.get(conversation) !== expected.get(conversation)) differ.push(conversation);
  }
  return differ;
}

/** One comparable string per conversation, inquiries in opening order. */
function group(shapes: InquiryShape[]): Map<string, string> {
  const lists = new Map<string, InquiryShape[]>();
  for (const s of shapes) {
    const list = lists.get(s.conversation) ?? [];
    list.push(s);
    lists.set(s.conversation, list);
  }
  return new Map(
    [...lists].map(([conversation, list]) => [
      conversation,
      list
        .sort((a, b) => a.openedAt - b.openedAt)
        .map((s) => `${s.openedAt}/${s.answeredAt}/${s.customerMessages}`)
        .join(' '),
    ]),
  );
}
