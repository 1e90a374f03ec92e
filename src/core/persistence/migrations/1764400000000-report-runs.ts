import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** One row per scheduled report run: the primary key makes each run happen once across replicas. */
export class ReportRuns1764400000000 implements MigrationInterface {
  name = 'ReportRuns1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE report_runs (
        job text NOT NULL,
        fire_at timestamptz NOT NULL,
        ran_at timestamptz NOT NULL,
        label text NOT NULL,
        rows int,
        PRIMARY KEY (job, fire_at)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS report_runs`);
  }
}
