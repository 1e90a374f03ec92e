import { type Sql } from '../persistence/database';
import { slaPoints } from './mark-planner';
import { type SlaCatalog } from './sla-catalog';

interface Row {
  id: string;
  status: string;
  opened_at: Date;
  answered_at: Date | null;
  policy: string | null;
  next_mark: number;
  paused_business_ms: number;
  held_at: Date | null;
  channel: string;
  external_id: string;
  text: string;
}

/**
 * Brings the SLA columns of the given inquiries up to date after intake changed them: policy
 * (kept once chosen), deadline in business time, when the next mark falls due, and — once
 * answered — first response in business time and whether the deadline was missed.
 */
export interface SlaOutcome {
  policy: string;
  /** Set once the inquiry is answered. */
  frtBusinessMs: number | null;
  breached: boolean | null;
  /** When the scheduler must next look at the inquiry (epoch ms), if it is still waiting. */
  nextAttentionAt: number | null;
}

export async function applySla(sql: Sql, inquiryIds: readonly string[], catalog: SlaCatalog): Promise<Map<string, SlaOutcome>> {
  const outcomes = new Map<string, SlaOutcome>();
  if (!catalog.enabled || inquiryIds.length === 0) return outcomes;
  const rows = await sql.query<Row>(
    `SELECT i.id, i.status, i.opened_at, i.answered_at, i.policy, i.next_mark, i.paused_business_ms, i.held_at, c.channel, c.external_id, m.text
     FROM inquiries i JOIN conversations c ON c.id = i.conversation_id JOIN messages m ON m.id = i.first_message_id
     WHERE i.id IN (SELECT value::uuid FROM json_array_elements_text($1::json))`,
    [JSON.stringify([...new Set(inquiryIds)])],
  );
  const updates = rows.flatMap((row) => {
    const policy = catalog.policyFor({ channel: row.channel, conversationId: row.external_id, firstMessage: row.text }, row.policy);
    if (!policy) return [];
    const calendar = catalog.calendar(policy.calendar);
    const opened = new Date(row.opened_at).getTime();
    const answered = row.answered_at === null ? null : new Date(row.answered_at).getTime();
    // Answered while on hold: the hold ran until the answer.
    const holdUntilAnswer = answered !== null && row.held_at !== null ? calendar.businessBetween(new Date(row.held_at).getTime(), answered) : 0;
    const paused = Number(row.paused_business_ms) + holdUntilAnswer;
    const due = calendar.addBusiness(opened, policy.target + paused);
    const nextPoint = slaPoints(policy)[row.next_mark];
    const waiting = answered === null && row.status === 'open';
    const nextAttention = !waiting || !nextPoint ? null : calendar.addBusiness(opened, nextPoint.offsetMs + paused);
    return [
      {
        id: row.id,
        policy: policy.name,
        calendar: policy.calendar,
        due_at: new Date(due),
        next_attention_at: nextAttention === null ? null : new Date(nextAttention),
        frt_business_ms: answered === null ? null : Math.max(0, calendar.businessBetween(opened, answered) - paused),
        breached: answered === null ? null : answered > due,
      },
    ];
  });
  if (updates.length === 0) return outcomes;
  await sql.query(
    `UPDATE inquiries i SET policy = u.policy, calendar = u.calendar, due_at = u.due_at, next_attention_at = u.next_attention_at,
       frt_business_ms = u.frt_business_ms, breached = u.breached
     FROM json_to_recordset($1::json) AS u(id uuid, policy text, calendar text, due_at timestamptz, next_attention_at timestamptz,
       frt_business_ms bigint, breached boolean)
     WHERE i.id = u.id`,
    [JSON.stringify(updates)],
  );
  for (const u of updates) outcomes.set(u.id, { policy: u.policy, frtBusinessMs: u.frt_business_ms, breached: u.breached, nextAttentionAt: u.next_attention_at?.getTime() ?? null });
  return outcomes;
}
