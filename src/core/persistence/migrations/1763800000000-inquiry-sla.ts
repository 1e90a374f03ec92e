import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** What the SLA engine records per inquiry: its policy, deadline, next mark and outcome. */
export class InquirySla1763800000000 implements MigrationInterface {
  name = 'InquirySla1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE inquiries
        ADD COLUMN policy text,
        ADD COLUMN calendar text,
        ADD COLUMN due_at timestamptz,
        ADD COLUMN next_attention_at timestamptz,
        ADD COLUMN next_mark integer NOT NULL DEFAULT 0,
        ADD COLUMN frt_business_ms bigint,
        ADD COLUMN breached boolean`);
    // The scheduler's only question: which inquiries need attention now, earliest first.
    await db.query(`CREATE INDEX inquiries_next_attention ON inquiries (next_attention_at) WHERE next_attention_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS inquiries_next_attention`);
    await db.query(`
      ALTER TABLE inquiries
        DROP COLUMN policy, DROP COLUMN calendar, DROP COLUMN due_at, DROP COLUMN next_attention_at,
        DROP COLUMN next_mark, DROP COLUMN frt_business_ms, DROP COLUMN breached`);
  }
}
