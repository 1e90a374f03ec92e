import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The last good copy of each calendar's holiday feed, so a restart without network keeps holidays. */
export class HolidayFeeds1764000000000 implements MigrationInterface {
  name = 'HolidayFeeds1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE holiday_feeds (
        calendar text PRIMARY KEY,
        source text NOT NULL,
        fetched_at timestamptz NOT NULL,
        dates jsonb NOT NULL,
        closures jsonb NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS holiday_feeds`);
  }
}
