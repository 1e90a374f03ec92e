import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Conversations, messages, inquiries with their event log, the outbox, and ingest receipts. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE conversations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel text NOT NULL,
        external_id text NOT NULL,
        title text,
        created_at timestamptz NOT NULL,
        last_message_at timestamptz NOT NULL,
        CONSTRAINT conversations_channel_external_id UNIQUE (channel, external_id)
      )`);
    await db.query(`
      CREATE TABLE messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        conversation_id bigint NOT NULL REFERENCES conversations (id),
        external_id text NOT NULL,
        author_id text NOT NULL,
        author_name text,
        author_role text NOT NULL CHECK (author_role IN ('customer', 'staff', 'bot')),
        role_source text NOT NULL,
        text text NOT NULL,
        sent_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        CONSTRAINT messages_conversation_external_id UNIQUE (conversation_id, external_id)
      )`);
    // Finding the first staff reply after a customer message must be an index lookup.
    await db.query(`CREATE INDEX messages_staff_by_time ON messages (conversation_id, sent_at) WHERE author_role = 'staff'`);
    await db.query(`
      CREATE TABLE inquiries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id bigint NOT NULL REFERENCES conversations (id),
        status text NOT NULL CHECK (status IN ('open', 'on_hold', 'answered', 'resolved')),
        opened_at timestamptz NOT NULL,
        first_message_id bigint NOT NULL REFERENCES messages (id),
        last_customer_message_at timestamptz NOT NULL,
        customer_message_count integer NOT NULL DEFAULT 1,
        answered_at timestamptz,
        answer_message_id bigint REFERENCES messages (id),
        responder_id text,
        responder_name text,
        first_response_ms bigint,
        closed_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // The race guard: at most one open (or held) inquiry per conversation, whatever the timing.
    await db.query(
      `CREATE UNIQUE INDEX inquiries_one_open_per_conversation ON inquiries (conversation_id) WHERE status IN ('open', 'on_hold')`,
    );
    await db.query(`CREATE INDEX inquiries_by_conversation_time ON inquiries (conversation_id, opened_at DESC)`);
    await db.query(`CREATE INDEX inquiries_by_status_time ON inquiries (status, opened_at DESC)`);
    await db.query(`
      CREATE TABLE inquiry_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        inquiry_id uuid NOT NULL REFERENCES inquiries (id),
        type text NOT NULL,
        actor text NOT NULL,
        reason text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX inquiry_events_by_inquiry ON inquiry_events (inquiry_id, id)`);
    // The event log is evidence: the database itself refuses to rewrite it. Only a deliberate
    // purge (retention, test resets) that sets replywatch.purge = 'on' may remove rows.
    await db.query(`
      CREATE FUNCTION replywatch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('replywatch.purge', true) = 'on' THEN
          RETURN NULL;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER inquiry_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON inquiry_events
      FOR EACH STATEMENT EXECUTE FUNCTION replywatch_append_only()`);
    await db.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL,
        connector text NOT NULL,
        kind text NOT NULL,
        target jsonb NOT NULL,
        payload jsonb NOT NULL,
        inquiry_id uuid REFERENCES inquiries (id),
        status text NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        failures integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        claimed_by text,
        last_error text,
        history jsonb NOT NULL DEFAULT '[]'::jsonb,
        external_id text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        delivered_at timestamptz,
        dead_at timestamptz,
        CONSTRAINT deliveries_idempotency_key UNIQUE (idempotency_key)
      )`);
    await db.query(`CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'in_flight'`);
    await db.query(`CREATE INDEX deliveries_dead ON deliveries (dead_at DESC) WHERE status = 'dead'`);
    await db.query(`
      CREATE TABLE ingest_receipts (
        source text NOT NULL,
        receipt_id text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (source, receipt_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['ingest_receipts', 'deliveries', 'inquiry_events', 'inquiries', 'messages', 'conversations']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP FUNCTION IF EXISTS replywatch_append_only()`);
  }
}
