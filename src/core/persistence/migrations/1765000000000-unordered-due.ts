import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Deliveries without an order. The claim finds ordered deliveries through their ordering keys
 * (deliveries_unfinished_by_key) and the rest through `deliveries_due_unordered`, so a queue of
 * ordered deliveries is never read to find an unordered one. Connectors whose deliveries need no
 * order (manifest `deliveryOrder: none`) are listed in `outbox_unordered_connectors` by every
 * hub at start, so every replica's writes leave their ordering key empty.
 */
export class UnorderedDue1765000000000 implements MigrationInterface {
  name = 'UnorderedDue1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX deliveries_due_unordered ON deliveries (next_attempt_at) WHERE status = 'pending' AND ordering_key IS NULL`);
    await db.query(`CREATE TABLE outbox_unordered_connectors (connector text PRIMARY KEY)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS outbox_unordered_connectors`);
    await db.query(`DROP INDEX IF EXISTS deliveries_due_unordered`);
  }
}
