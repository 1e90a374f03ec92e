import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * State of the Telegram connector and the audit log of staff changes.
 * - telegram_cursor: the last update handled per bot, so a restart resumes where it stopped.
 * - telegram_chat_aliases: groups upgraded to supergroups (old id → new id), for customer
 *   conversations and for duty chats still written with the old id in rules.yaml.
 * - telegram_staff: staff added through /roles (rules.yaml staff stay read-only).
 * - telegram_sent_parts: which parts of a long notification went out, so a retry after a
 *   failure on part 3 does not send parts 1 and 2 again.
 */
export class Telegram1764300000000 implements MigrationInterface {
  name = 'Telegram1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE telegram_cursor (
        bot_id bigint PRIMARY KEY,
        last_update_id bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE telegram_chat_aliases (
        old_chat_id bigint PRIMARY KEY,
        new_chat_id bigint NOT NULL,
        migrated_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE telegram_staff (
        user_id bigint PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('admin', 'support', 'sales')),
        name text,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE telegram_sent_parts (
        idempotency_key text NOT NULL,
        part int NOT NULL,
        chat_id bigint NOT NULL,
        message_id bigint NOT NULL,
        sent_at timestamptz NOT NULL,
        PRIMARY KEY (idempotency_key, part)
      )`);
    await db.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        subject text,
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX audit_log_at ON audit_log (at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'telegram_sent_parts', 'telegram_staff', 'telegram_chat_aliases', 'telegram_cursor']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
