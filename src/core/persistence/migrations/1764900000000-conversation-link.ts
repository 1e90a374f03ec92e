import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Where a person opens a message in its channel (a Telegram t.me link, the link an HTTP sender
 * gave; none for mail). Kept per message: the link of an inquiry is the one of its first
 * message, found through `inquiries.first_message_id` like the opening message's id, so it
 * follows an inquiry whose start moves when an older message arrives late. Null for messages
 * stored before, and wherever the channel has no link.
 */
export class ConversationLink1764900000000 implements MigrationInterface {
  name = 'ConversationLink1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages ADD COLUMN link text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages DROP COLUMN IF EXISTS link`);
  }
}
