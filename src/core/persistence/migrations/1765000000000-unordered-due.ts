import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The claim finds ordered deliveries through their ordering keys (deliveries_unfinished_by_key)
 * and the rest here, so a queue of ordered deliveries is never read to find an unordered one.
 */
export class UnorderedDue1765000000000 implements MigrationInterface {
  name = 'UnorderedDue1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX deliveries_due_unordered ON deliveries (next_attempt_at) WHERE status = 'pending' AND ordering_key IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS deliveries_due_unordered`);
  }
}
