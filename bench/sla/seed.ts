import { type Rules } from '../../src/core/config/rules.schema';
import { type Database } from '../../src/core/persistence/database';
import { type BusinessCalendar } from '../../src/core/sla/business-calendar';
import { slaPoints } from '../../src/core/sla/mark-planner';
import { type Policy } from '../../src/core/sla/policy.schema';
import { SlaCatalog } from '../../src/core/sla/sla-catalog';
import { STEADY_POLICY } from './calendars';
import { mulberry32 } from '../shared/random';

export const CHANNEL = 'bench';
const WEEK_MS = 7 * 86_400_000;
/** Rows per INSERT statement (one json_to_recordset each). */
const CHUNK = 5000;

export interface SeedFigures {
  inquiries: number;
  seconds: number;
  perSecond: number;
  /** VACUUM ANALYZE after the load, as autovacuum would do on a live database. */
  analyzeSeconds: number;
  firstMarkAt: string;
  lastMarkAt: string;
  lastDueAt: string;
}

export function conversationId(n: number): string {
  return `c${n}`;
}

function policyNamed(rules: Rules, name: string): Policy {
  const policy = rules.policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return policy;
}

/**
 * `count` open inquiries, each with its conversation and first customer message (and the
 * `opened` event intake would have written), loaded with set-based INSERTs rather than
 * through intake. Opening instants are spread uniformly so the first marks fall due over the
 * week after `firstMarkFrom`; deadlines and next marks are computed with the runbook's
 * BusinessCalendar exactly as applySla does.
 */
export async function seedInquiries(db: Database, rules: Rules, count: number, seed: number, firstMarkFrom: number): Promise<SeedFigures> {
  const policy = policyNamed(rules, STEADY_POLICY);
  const calendar = new SlaCatalog(rules).calendar(policy.calendar);
  const firstOffset = slaPoints(policy)[0]?.offsetMs ?? 0;
  const random = mulberry32(seed);
  let firstMarkAt = Number.POSITIVE_INFINITY;
  let lastMarkAt = 0;
  let lastDueAt = 0;
  const started = performance.now();
  for (let offset = 0; offset < count; offset += CHUNK) {
    const rows = [];
    for (let n = offset; n < Math.min(count, offset + CHUNK); n++) {
      const opened = Math.floor(firstMarkFrom - firstOffset + ((n + random()) / count) * WEEK_MS);
      const next = calendar.addBusiness(opened, firstOffset);
      const due = calendar.addBusiness(opened, policy.target);
      firstMarkAt = Math.min(firstMarkAt, next);
      lastMarkAt = Math.max(lastMarkAt, next);
      lastDueAt = Math.max(lastDueAt, due);
      rows.push({ ext: conversationId(n), opened_at: new Date(opened), due_at: new Date(due), next_at: new Date(next) });
    }
    await db.query(INSERT_CHUNK, [JSON.stringify(rows), CHANNEL, policy.name, policy.calendar]);
  }
  const loaded = performance.now();
  for (const table of ['conversations', 'messages', 'inquiries', 'inquiry_events']) await db.query(`VACUUM ANALYZE ${table}`);
  const [stored] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiries WHERE status = 'open' AND next_attention_at IS NOT NULL`);
  if (Number(stored?.n) !== count) throw new Error(`seeded ${stored?.n} open inquiries, expected ${count}`);
  const ms = loaded - started;
  return {
    inquiries: count,
    seconds: ms / 1000,
    perSecond: (count * 1000) / ms,
    analyzeSeconds: (performance.now() - loaded) / 1000,
    firstMarkAt: new Date(firstMarkAt).toISOString(),
    lastMarkAt: new Date(lastMarkAt).toISOString(),
    lastDueAt: new Date(lastDueAt).toISOString(),
  };
}

const INSERT_CHUNK = `
  WITH r AS (
    SELECT * FROM json_to_recordset($1::json) AS r(ext text, opened_at timestamptz, due_at timestamptz, next_at timestamptz)
  ), c AS (
    INSERT INTO conversations (channel, external_id, title, created_at, last_message_at)
    SELECT $2, r.ext, 'Chat ' || r.ext, r.opened_at, r.opened_at FROM r
    RETURNING id, external_id
  ), m AS (
    INSERT INTO messages (conversation_id, external_id, author_id, author_role, role_source, text, sent_at, received_at)
    SELECT c.id, 'm-' || r.ext, 'customer-' || r.ext, 'customer', 'sender', 'Hello, my order has not arrived', r.opened_at, r.opened_at
    FROM r JOIN c ON c.external_id = r.ext
    RETURNING id, conversation_id, author_id, sent_at
  ), i AS (
    INSERT INTO inquiries (conversation_id, status, opened_at, first_message_id, last_customer_message_at, customer_message_count,
      created_at, updated_at, policy, calendar, due_at, next_attention_at, next_mark)
    SELECT m.conversation_id, 'open', r.opened_at, m.id, r.opened_at, 1, r.opened_at, r.opened_at, $3, $4, r.due_at, r.next_at, 0
    FROM m JOIN c ON c.id = m.conversation_id JOIN r ON r.ext = c.external_id
    RETURNING id, first_message_id
  )
  INSERT INTO inquiry_events (inquiry_id, type, actor, occurred_at, recorded_at, data)
  SELECT i.id, 'opened', 'customer:' || m.author_id, m.sent_at, m.sent_at, json_build_object('messageId', m.id)::jsonb
  FROM i JOIN m ON m.id = i.first_message_id`;

/** When each rescheduled inquiry's first mark falls due, by inquiry id. */
export type Schedule = Map<string, number>;

/**
 * Moves the given inquiries (by seed index) so their first mark falls due at `markAt(k)`:
 * the opening instant is set back by the mark's business offset, and the result is checked
 * with the calendar (the scheduler's calendar works round the clock, so the inverse is exact).
 * Due instant and next attention are recomputed as applySla would.
 */
export async function reschedule(
  db: Database,
  rules: Rules,
  policyName: string,
  seedIndexes: readonly number[],
  markAt: (k: number) => number,
): Promise<Schedule> {
  const policy = policyNamed(rules, policyName);
  const calendar: BusinessCalendar = new SlaCatalog(rules).calendar(policy.calendar);
  const firstOffset = slaPoints(policy)[0]?.offsetMs ?? 0;
  const rows = seedIndexes.map((n, k) => {
    const at = Math.round(markAt(k));
    const opened = at - firstOffset;
    const next = calendar.addBusiness(opened, firstOffset);
    if (next !== at) throw new Error(`calendar ${policy.calendar} is not round the clock: mark at ${new Date(next).toISOString()}, wanted ${new Date(at).toISOString()}`);
    return { ext: conversationId(n), opened_at: new Date(opened), due_at: new Date(calendar.addBusiness(opened, policy.target)), next_at: new Date(next) };
  });
  const schedule: Schedule = new Map();
  const wanted = new Map(rows.map((r) => [r.ext, r.next_at.getTime()]));
  for (let offset = 0; offset < rows.length; offset += CHUNK) {
    const updated = await db.query<{ id: string; ext: string }>(
      `UPDATE inquiries i SET opened_at = u.opened_at, last_customer_message_at = u.opened_at, due_at = u.due_at,
         next_attention_at = u.next_at, next_mark = 0, policy = $3, updated_at = now()
       FROM json_to_recordset($1::json) AS u(ext text, opened_at timestamptz, due_at timestamptz, next_at timestamptz)
       JOIN conversations c ON c.channel = $2 AND c.external_id = u.ext
       WHERE i.conversation_id = c.id AND i.status = 'open'
       RETURNING i.id, c.external_id AS ext`,
      [JSON.stringify(rows.slice(offset, offset + CHUNK)), CHANNEL, policy.name],
    );
    for (const row of updated) schedule.set(row.id, wanted.get(row.ext) as number);
  }
  if (schedule.size !== rows.length) throw new Error(`rescheduled ${schedule.size} inquiries, expected ${rows.length}`);
  return schedule;
}
