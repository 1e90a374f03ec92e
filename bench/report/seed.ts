import { type Database } from '../../src/core/persistence/database';

/** Inquiries per INSERT … SELECT statement (each also writes their events). */
const CHUNK = 50_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface SeedPlan {
  inquiries: number;
  conversations: number;
  /** Opening instants are spread uniformly over [startMs, nowMs). */
  startMs: number;
  nowMs: number;
  seed: number;
}

export interface SeedFigures {
  inquiries: number;
  conversations: number;
  messages: number;
  events: number;
  /** Inquiries by status (the hub resolves only open or held inquiries, so none should be resolved after an answer). */
  mix: Record<string, number>;
  breached: number;
  escalated: number;
  withPolicy: number;
  seconds: number;
  perSecond: number;
  analyzeSeconds: number;
  /** pg_total_relation_size (table + indexes + TOAST), MiB. */
  sizesMiB: Record<string, number>;
  databaseMiB: number;
}

/**
 * The most recent inquiries, each the latest of its own conversation (the last K opening
 * instants go round-robin over conversations), so that some of them can still be open: the
 * schema allows one open or held inquiry per conversation.
 */
function recentWindow(plan: SeedPlan): number {
  return Math.min(Math.floor(plan.conversations * 0.75), Math.floor(plan.inquiries * 0.02));
}

/** A uniform draw in [0, 1) per inquiry number and stream, the same on every run (no session state). */
function draw(plan: SeedPlan, stream: number): string {
  return `((hashint8extended(g, ${plan.seed * 1000 + stream}) & 4503599627370495)::float8 / 4503599627370496.0)`;
}

/**
 * One statement per chunk: the inquiries of generate_series($1, $2), and their events (opened
 * for all, answered for the answered ones, escalated for ~3 %). 87 % answered, the rest resolved
 * without an answer (only open or held inquiries can be resolved), except the most recent ones,
 * still open or on hold with a probability that fades over two days. Business FRT 1–240 minutes,
 * skewed fast; ~8 % of answered inquiries with a policy past its target; the calendar FRT adds a
 * night or a weekend to some. Ids are md5 of the seed and number, so every run is identical.
 */
function chunkSql(plan: SeedPlan): string {
  const { inquiries: n, conversations: c, startMs, nowMs, seed } = plan;
  const k = recentWindow(plan);
  const span = nowMs - startMs;
  const u = (stream: number) => draw(plan, stream);
  return `
  WITH r AS (
    SELECT g, ${u(1)} AS u_time, ${u(2)} AS u_conv, ${u(3)} AS u_kind, ${u(4)} AS u_policy, ${u(5)} AS u_breach,
      ${u(6)} AS u_frt, ${u(7)} AS u_cal, ${u(8)} AS u_resp, ${u(9)} AS u_msgs, ${u(10)} AS u_esc, ${u(11)} AS u_open, ${u(12)} AS u_name
    FROM generate_series($1::bigint, $2::bigint) AS g
  ), t AS (
    SELECT r.*, floor(${startMs}::float8 + ((g - 1) + u_time) * ${span}::float8 / ${n})::bigint AS opened_ms,
      CASE WHEN g > ${n - k} THEN 1 + g % ${c} ELSE 1 + floor(power(u_conv, 1.5) * ${c})::bigint END AS conv,
      CASE WHEN u_policy < 0.10 THEN NULL WHEN u_policy < 0.25 THEN 'vip' WHEN u_policy < 0.85 THEN 'standard' ELSE 'basic' END AS policy,
      CASE WHEN u_policy < 0.10 THEN NULL WHEN u_policy < 0.25 THEN 30 WHEN u_policy < 0.85 THEN 60 ELSE 180 END AS target_min
    FROM r
  ), s AS (
    SELECT t.*, ${nowMs} - opened_ms AS age_ms,
      CASE
        WHEN g > ${n - k} AND (${nowMs} - opened_ms < ${8 * HOUR} OR u_open < 0.25 * exp(-(${nowMs} - opened_ms) / ${2 * DAY}.0))
          THEN CASE WHEN u_kind < 0.2 THEN 'on_hold' ELSE 'open' END
        WHEN u_kind < 0.87 THEN 'answered'
        ELSE 'resolved' END AS kind,
      CASE WHEN target_min IS NULL THEN 1 + 239 * power(u_frt, 2)
           WHEN u_breach < 0.08 THEN target_min + (240 - target_min) * u_frt
           ELSE 1 + (target_min - 1) * power(u_frt, 2) END AS frt_min
    FROM t
  ), x AS (
    SELECT md5('${seed}:' || g)::uuid AS id, conv, policy, kind, u_breach, u_esc, u_frt, u_msgs, u_name,
      to_timestamp(opened_ms::float8 / 1000) AS opened_at,
      round(frt_min * ${MINUTE})::bigint AS frt_b_ms,
      round(frt_min * ${MINUTE})::bigint + CASE WHEN age_ms < ${3 * DAY} OR u_cal < 0.7 THEN 0 WHEN u_cal < 0.95 THEN ${15 * HOUR} ELSE ${63 * HOUR} END AS frt_c_ms,
      to_timestamp((opened_ms + coalesce(target_min, 0) * ${MINUTE})::float8 / 1000) AS due_at,
      'staff-' || (1 + floor(power(u_resp, 1.3) * 25)::int) AS responder_id
    FROM s
  ), y AS (
    SELECT x.*, kind = 'answered' AS answered,
      CASE WHEN kind = 'answered' THEN opened_at + frt_c_ms * interval '1 millisecond' END AS answered_at
    FROM x
  ), ins AS (
    INSERT INTO inquiries (id, conversation_id, status, opened_at, first_message_id, last_customer_message_at, customer_message_count,
      answered_at, responder_id, responder_name, first_response_ms, closed_at, created_at, updated_at,
      policy, calendar, due_at, frt_business_ms, breached, held_at)
    SELECT id, conv, kind, opened_at, conv, opened_at,
      1 + floor(power(u_msgs, 4) * 5)::int,
      answered_at, CASE WHEN answered THEN responder_id END, CASE WHEN answered AND u_name >= 0.1 THEN 'Agent ' || responder_id END,
      CASE WHEN answered THEN frt_c_ms END,
      CASE WHEN kind = 'resolved' THEN opened_at + (30 + u_frt * 2880) * interval '1 minute' END,
      opened_at,
      CASE WHEN kind = 'resolved' THEN opened_at + (30 + u_frt * 2880) * interval '1 minute' ELSE coalesce(answered_at, opened_at) END,
      policy, CASE WHEN policy IS NOT NULL THEN 'business-hours' END, CASE WHEN policy IS NOT NULL THEN due_at END,
      CASE WHEN answered AND policy IS NOT NULL THEN frt_b_ms END,
      CASE WHEN policy IS NULL THEN NULL
           WHEN answered THEN u_breach < 0.08
           WHEN kind = 'resolved' THEN CASE WHEN u_breach < 0.15 THEN true END
           ELSE CASE WHEN due_at < to_timestamp(${nowMs}::float8 / 1000) THEN true END END,
      CASE WHEN kind = 'on_hold' THEN opened_at + interval '5 minutes' END
    FROM y
    RETURNING 1
  )
  INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data)
  SELECT id, 'opened', 'customer:customer-' || conv, NULL, opened_at, opened_at, jsonb_build_object('messageId', conv) FROM y
  UNION ALL
  SELECT id, 'answered', 'staff:' || responder_id, NULL, answered_at, answered_at, jsonb_build_object('firstResponseMs', frt_c_ms) FROM y WHERE answered
  UNION ALL
  SELECT id, 'escalated', 'system', 'sla', opened_at + interval '20 minutes', opened_at + interval '20 minutes', '{}'::jsonb FROM y WHERE u_esc < 0.03`;
}

/**
 * Conversations 1..C (every 97th title needs CSV quoting, every 10th has none), one customer
 * message each — the only messages the schema needs, as the target of inquiries.first_message_id
 * (the reports never read messages) — then the inquiries and their events, chunk by chunk.
 */
export async function seed(db: Database, plan: SeedPlan, progress: (done: number) => void): Promise<SeedFigures> {
  const started = performance.now();
  const start = `to_timestamp(${plan.startMs}::float8 / 1000)`;
  await db.query(
    `INSERT INTO conversations (channel, external_id, title, created_at, last_message_at)
     SELECT CASE WHEN g % 10 < 6 THEN 'telegram' WHEN g % 10 < 9 THEN 'email' ELSE 'web' END, 'c' || g,
       CASE WHEN g % 97 = 0 THEN 'ACME, Inc. "VIP" ' || g WHEN g % 10 = 9 THEN NULL ELSE 'Customer ' || g END,
       ${start}, to_timestamp(${plan.nowMs}::float8 / 1000)
     FROM generate_series(1, ${plan.conversations}) AS g ORDER BY g`,
  );
  await db.query(
    `INSERT INTO messages (conversation_id, external_id, author_id, author_role, role_source, text, sent_at, received_at)
     SELECT id, 'm-first', 'customer-' || id, 'customer', 'sender', 'Hello, my order has not arrived', created_at, created_at
     FROM conversations ORDER BY id`,
  );
  // The inquiries name conversation n and its message by the number n: check that holds.
  const [ids] = await db.query<{ bad: number }>(
    `SELECT (SELECT count(*) FROM conversations WHERE external_id <> 'c' || id)::int + (SELECT count(*) FROM messages WHERE id <> conversation_id)::int AS bad`,
  );
  if (Number(ids?.bad) !== 0) throw new Error('conversation and message ids are not 1..C in step; is the database fresh?');
  const sql = chunkSql(plan);
  for (let first = 1; first <= plan.inquiries; first += CHUNK) {
    const last = Math.min(plan.inquiries, first + CHUNK - 1);
    await db.query(sql, [first, last]);
    progress(last);
  }
  const loaded = performance.now();
  for (const table of ['conversations', 'messages', 'inquiries', 'inquiry_events']) await db.query(`VACUUM ANALYZE ${table}`);
  const analyzed = performance.now();
  return { ...(await describe(db, plan)), seconds: (loaded - started) / 1000, perSecond: (plan.inquiries * 1000) / (loaded - started), analyzeSeconds: (analyzed - loaded) / 1000 };
}

async function describe(db: Database, plan: SeedPlan): Promise<Omit<SeedFigures, 'seconds' | 'perSecond' | 'analyzeSeconds'>> {
  const mix = await db.query<{ kind: string; n: number }>(
    `SELECT CASE WHEN status = 'resolved' AND answered_at IS NOT NULL THEN 'resolved after answer'
                 WHEN status = 'resolved' THEN 'resolved without answer' ELSE status END AS kind, count(*)::int AS n
     FROM inquiries GROUP BY 1 ORDER BY 2 DESC`,
  );
  const [counts] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM inquiries)::int AS inquiries, (SELECT count(*) FROM conversations)::int AS conversations,
       (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM inquiry_events)::int AS events,
       (SELECT count(*) FROM inquiries WHERE breached)::int AS breached, (SELECT count(*) FROM inquiries WHERE policy IS NOT NULL)::int AS with_policy,
       (SELECT count(DISTINCT inquiry_id) FROM inquiry_events WHERE type = 'escalated')::int AS escalated,
       (pg_database_size(current_database()) / 1048576.0)::float8 AS database_mib`,
  );
  const sizes = await db.query<{ name: string; mib: number }>(
    `SELECT relname AS name, (pg_total_relation_size(oid) / 1048576.0)::float8 AS mib FROM pg_class
     WHERE relname IN ('inquiries', 'inquiry_events', 'conversations', 'messages') ORDER BY 2 DESC`,
  );
  const n = (key: string) => Number(counts?.[key] ?? 0);
  if (n('inquiries') !== plan.inquiries) throw new Error(`seeded ${n('inquiries')} inquiries, expected ${plan.inquiries}`);
  return {
    inquiries: n('inquiries'),
    conversations: n('conversations'),
    messages: n('messages'),
    events: n('events'),
    mix: Object.fromEntries(mix.map((m) => [m.kind, Number(m.n)])),
    breached: n('breached'),
    escalated: n('escalated'),
    withPolicy: n('with_policy'),
    sizesMiB: Object.fromEntries(sizes.map((s) => [s.name, Number(s.mib)])),
    databaseMiB: n('database_mib'),
  };
}
