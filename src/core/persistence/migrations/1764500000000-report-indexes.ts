import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Reports select inquiries by when they were opened and count the escalated ones; at a
 * million inquiries both were scans (bench/report).
 */
export class ReportIndexes1764500000000 implements MigrationInterface {
  name = 'ReportIndexes1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX inquiries_by_opened ON inquiries (opened_at, id)`);
    await db.query(`CREATE INDEX inquiry_events_escalated ON inquiry_events (inquiry_id) WHERE type = 'escalated'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS inquiry_events_escalated`);
    await db.query(`DROP INDEX IF EXISTS inquiries_by_opened`);
  }
}
