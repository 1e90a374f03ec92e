import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Hold pauses an inquiry's SLA clock. `paused_business_ms` is the business time spent on
 * hold so far; every mark and the deadline are shifted by it.
 */
export class InquiryHold1763900000000 implements MigrationInterface {
  name = 'InquiryHold1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inquiries ADD COLUMN held_at timestamptz, ADD COLUMN paused_business_ms bigint NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inquiries DROP COLUMN held_at, DROP COLUMN paused_business_ms`);
  }
}
