import { type Database } from '../persistence/database';
import { slaPoints } from './mark-planner';
import { type SlaCatalog } from './sla-catalog';

interface Row {
  id: string;
  status: 'open' | 'on_hold';
  opened_at: Date;
  paused_business_ms: number;
  channel: string;
  external_id: string;
  text: string;
}

const CHUNK = 500;

/**
 * After a reload that asks for it: choose the policy of every waiting inquiry again and
 * recompute its deadline and next point. Points of the new policy that are already in the past
 * are treated as passed, not fired late: a reload must not flood the duty chat.
 * Returns how many inquiries were recomputed.
 */
export async function recomputeWaiting(db: Database, catalog: SlaCatalog, now: number): Promise<number> {
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.transaction(async (sql) => {
      const chunk = await sql.query<Row>(
        `SELECT i.id, i.status, i.opened_at, i.paused_business_ms, c.channel, c.external_id, m.text
         FROM inquiries i JOIN conversations c ON c.id = i.conversation_id JOIN messages m ON m.id = i.first_message_id
         WHERE i.status IN ('open', 'on_hold') AND i.id > $1 ORDER BY i.id LIMIT $2 FOR UPDATE OF i`,
        [after, CHUNK],
      );
      const updates = chunk.flatMap((row) => {
        const policy = catalog.policyFor({ channel: row.channel, conversationId: row.external_id, firstMessage: row.text }, null);
        if (!policy) return [];
        const calendar = catalog.calendar(policy.calendar);
        const opened = new Date(row.opened_at).getTime();
        const paused = Number(row.paused_business_ms);
        const instants = slaPoints(policy).map((p) => calendar.addBusiness(opened, p.offsetMs + paused));
        const nextMark = instants.findIndex((at) => at > now);
        const next = nextMark === -1 ? instants.length : nextMark;
        return [
          {
            id: row.id,
            policy: policy.name,
            calendar: policy.calendar,
            due_at: new Date(calendar.addBusiness(opened, policy.target + paused)),
            next_mark: next,
            // A held inquiry gets its next instant when it is resumed.
            next_attention_at: row.status === 'open' && next < instants.length ? new Date(instants[next] as number) : null,
          },
        ];
      });
      if (updates.length > 0) {
        await sql.query(
          `UPDATE inquiries i SET policy = u.policy, calendar = u.calendar, due_at = u.due_at, next_mark = u.next_mark,
             next_attention_at = u.next_attention_at
           FROM json_to_recordset($1::json) AS u(id uuid, policy text, calendar text, due_at timestamptz, next_mark int, next_attention_at timestamptz)
           WHERE i.id = u.id`,
          [JSON.stringify(updates)],
        );
      }
      return chunk;
    });
    done += rows.length;
    const last = rows[rows.length - 1];
    if (!last || rows.length < CHUNK) return done;
    after = last.id;
  }
}
