import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Deliveries to one place (a duty chat, a channel) leave in the order they were written: the
 * claim skips a delivery while an older one with the same ordering key is still unfinished.
 * `seq` gives that order; timestamps can tie and uuids are random.
 */
export class DeliveryOrdering1764200000000 implements MigrationInterface {
  name = 'DeliveryOrdering1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries ADD COLUMN seq bigserial`);
    await db.query(`ALTER TABLE deliveries ADD COLUMN ordering_key text`);
    await db.query(`CREATE INDEX deliveries_unfinished_by_key ON deliveries (ordering_key, seq) WHERE status IN ('pending', 'in_flight')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS deliveries_unfinished_by_key`);
    await db.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS ordering_key`);
    await db.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS seq`);
  }
}
