import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the plugin host keeps for connectors (connector SDK 2.0), and the staff roster moved
 * into the core (who is staff is the hub's decision, not a connector's):
 * - connector_state: key → JSON per connector with a version for compare-and-set, and an
 *   optional expiry (cursors, aliases, parts of a message already sent);
 * - connector_leases: singleton work, one holder per name across replicas;
 * - connector_jobs: periodic jobs, each due run claimed by one replica;
 * - connector_migrations: which of a connector's own migrations ran (its tables live in a
 *   schema of its own);
 * - staff_roster: staff added at run time on a channel (Telegram's /roles).
 * Telegram's tables from 1764300000000 are carried over into these and dropped.
 */
export class ConnectorServices1764600000000 implements MigrationInterface {
  name = 'ConnectorServices1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE connector_state (
        connector text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        version bigint NOT NULL,
        expires_at timestamptz,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (connector, key)
      )`);
    await db.query(`CREATE INDEX connector_state_expiry ON connector_state (expires_at) WHERE expires_at IS NOT NULL`);
    await db.query(`
      CREATE TABLE connector_leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        ticket uuid NOT NULL,
        acquired_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE connector_jobs (
        name text PRIMARY KEY,
        next_run_at timestamptz NOT NULL,
        ticket uuid,
        lease_until timestamptz,
        last_run_at timestamptz,
        last_error text
      )`);
    await db.query(`
      CREATE TABLE connector_migrations (
        connector text NOT NULL,
        name text NOT NULL,
        applied_at timestamptz NOT NULL,
        PRIMARY KEY (connector, name)
      )`);
    await db.query(`
      CREATE TABLE staff_roster (
        channel text NOT NULL,
        author_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'support', 'sales')),
        name text,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL,
        PRIMARY KEY (channel, author_id)
      )`);
    await this.carryOverTelegram(db);
  }

  private async carryOverTelegram(db: QueryRunner): Promise<void> {
    await db.query(`INSERT INTO staff_roster (channel, author_id, role, name, added_by, added_at)
      SELECT 'telegram', user_id::text, role, name, added_by, added_at FROM telegram_staff`);
    await db.query(`INSERT INTO connector_state (connector, key, value, version, updated_at)
      SELECT 'telegram', 'cursor:' || bot_id, jsonb_build_object('lastUpdateId', last_update_id), 1, updated_at FROM telegram_cursor`);
    await db.query(`INSERT INTO connector_state (connector, key, value, version, updated_at)
      SELECT 'telegram', 'chat-alias:' || old_chat_id, jsonb_build_object('newChatId', new_chat_id), 1, migrated_at FROM telegram_chat_aliases`);
    await db.query(`INSERT INTO connector_state (connector, key, value, version, expires_at, updated_at)
      SELECT 'telegram', 'sent-part:' || idempotency_key || ':' || part, jsonb_build_object('chatId', chat_id, 'messageId', message_id), 1, sent_at + interval '30 days', sent_at
      FROM telegram_sent_parts`);
    for (const table of ['telegram_sent_parts', 'telegram_staff', 'telegram_chat_aliases', 'telegram_cursor']) await db.query(`DROP TABLE ${table}`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['staff_roster', 'connector_migrations', 'connector_jobs', 'connector_leases', 'connector_state']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
