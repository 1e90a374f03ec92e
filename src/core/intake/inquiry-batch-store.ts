import { type Sql } from '../persistence/database';
import { type InquiryChange } from './inquiry-tracker';
import { type InquiryState } from './inquiry-replay';

/** Set-based SQL for the batch path: a handful of statements per batch, not per message. */

export async function loadLatestInquiries(sql: Sql, conversationIds: number[]): Promise<Map<number, InquiryState>> {
  if (conversationIds.length === 0) return new Map();
  // The conversations are row-locked by this transaction, and every writer of inquiries takes
  // that lock first, so these rows cannot change under us.
  const rows = await sql.query<{
    conversation_id: number;
    id: string;
    status: InquiryState['status'];
    opened_at: Date;
    first_message_id: number;
    last_customer_message_at: Date;
    customer_message_count: number;
    answered_at: Date | null;
    answer_message_id: number | null;
    responder_id: string | null;
    responder_name: string | null;
    first_response_ms: number | null;
  }>(
    `SELECT c.id AS conversation_id, i.* FROM json_array_elements_text($1::json) AS c(id)
     CROSS JOIN LATERAL (
       SELECT id, status, opened_at, first_message_id, last_customer_message_at, customer_message_count, answered_at,
              answer_message_id, responder_id, responder_name, first_response_ms
       FROM inquiries WHERE conversation_id = c.id::bigint ORDER BY opened_at DESC LIMIT 1
     ) i`,
    [JSON.stringify(conversationIds.map(String))],
  );
  return new Map(
    rows.map((r) => [
      Number(r.conversation_id),
      {
        id: r.id,
        isNew: false,
        dirty: false,
        status: r.status,
        openedAt: new Date(r.opened_at),
        firstMessageId: Number(r.first_message_id),
        lastCustomerMessageAt: new Date(r.last_customer_message_at),
        customerMessageCount: r.customer_message_count,
        answeredAt: r.answered_at === null ? null : new Date(r.answered_at),
        answerMessageId: r.answer_message_id === null ? null : Number(r.answer_message_id),
        responderId: r.responder_id,
        responderName: r.responder_name,
        firstResponseMs: r.first_response_ms === null ? null : Number(r.first_response_ms),
      },
    ]),
  );
}

/** Writes changed inquiries first, then new ones, so an answered one frees its conversation's open slot. */
export async function saveInquiries(sql: Sql, states: Array<{ conversationId: number; state: InquiryState }>, now: Date): Promise<void> {
  const changed = states.filter((s) => !s.state.isNew && s.state.dirty).map(toRecord);
  const created = states.filter((s) => s.state.isNew).map(toRecord);
  const columns = `id uuid, conversation_id bigint, status text, opened_at timestamptz, first_message_id bigint,
    last_customer_message_at timestamptz, customer_message_count int, answered_at timestamptz, answer_message_id bigint,
    responder_id text, responder_name text, first_response_ms bigint`;
  if (changed.length > 0) {
    await sql.query(
      `UPDATE inquiries i SET status = u.status, opened_at = u.opened_at, first_message_id = u.first_message_id,
         last_customer_message_at = u.last_customer_message_at, customer_message_count = u.customer_message_count,
         answered_at = u.answered_at, answer_message_id = u.answer_message_id, responder_id = u.responder_id,
         responder_name = u.responder_name, first_response_ms = u.first_response_ms, updated_at = $2
       FROM json_to_recordset($1::json) AS u(${columns})
       WHERE i.id = u.id`,
      [JSON.stringify(changed), now],
    );
  }
  if (created.length > 0) {
    await sql.query(
      `INSERT INTO inquiries (id, conversation_id, status, opened_at, first_message_id, last_customer_message_at, customer_message_count,
         answered_at, answer_message_id, responder_id, responder_name, first_response_ms, created_at, updated_at)
       SELECT u.*, $2, $2 FROM json_to_recordset($1::json) AS u(${columns})`,
      [JSON.stringify(created), now],
    );
  }
}

export async function appendEventsBatch(sql: Sql, changes: readonly InquiryChange[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  await sql.query(
    `INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data)
     SELECT e.inquiry_id, e.type, e.actor, e.reason, e.occurred_at, $2, e.data
     FROM json_to_recordset($1::json) AS e(inquiry_id uuid, type text, actor text, reason text, occurred_at timestamptz, data jsonb)`,
    [JSON.stringify(changes.map((c) => ({ inquiry_id: c.inquiryId, type: c.type, actor: c.actor, reason: c.reason ?? null, occurred_at: c.occurredAt, data: c.data }))), now],
  );
}

function toRecord({ conversationId, state }: { conversationId: number; state: InquiryState }) {
  return {
    id: state.id,
    conversation_id: conversationId,
    status: state.status,
    opened_at: state.openedAt,
    first_message_id: state.firstMessageId,
    last_customer_message_at: state.lastCustomerMessageAt,
    customer_message_count: state.customerMessageCount,
    answered_at: state.answeredAt,
    answer_message_id: state.answerMessageId,
    responder_id: state.responderId,
    responder_name: state.responderName,
    first_response_ms: state.firstResponseMs,
  };
}
