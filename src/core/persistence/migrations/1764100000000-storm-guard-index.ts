import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The storm guard counts a target's recent alerts; without this index that is a table scan. */
export class StormGuardIndex1764100000000 implements MigrationInterface {
  name = 'StormGuardIndex1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX deliveries_recent_alerts ON deliveries (connector, (target->>'name'), created_at) WHERE kind = 'notify'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS deliveries_recent_alerts`);
  }
}
