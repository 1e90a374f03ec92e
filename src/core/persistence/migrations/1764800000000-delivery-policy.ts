import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * State the outbox's delivery policy shares across replicas: a circuit per duty target (and
 * one per connector, target '', for refused credentials), and a token bucket per connector
 * with a rate limit. Kept in the database so every replica holds the same breaker and limit.
 */
export class DeliveryPolicy1764800000000 implements MigrationInterface {
  name = 'DeliveryPolicy1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE outbox_circuits (
      connector text NOT NULL,
      target text NOT NULL,
      state text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
      reason text,
      failures integer NOT NULL DEFAULT 0,
      opens integer NOT NULL DEFAULT 0,
      opened_at timestamptz,
      probe_at timestamptz,
      last_error text,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (connector, target))`);
    await db.query(`CREATE TABLE outbox_buckets (
      connector text PRIMARY KEY,
      tokens double precision NOT NULL,
      refilled_at timestamptz NOT NULL)`);
    // A connector's attempts in flight are counted at every claim when it has a concurrency limit.
    await db.query(`CREATE INDEX deliveries_in_flight_by_connector ON deliveries (connector) WHERE status = 'in_flight'`);
    await db.query(`CREATE INDEX deliveries_pending_by_target ON deliveries (connector, (target->>'name'), next_attempt_at) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS deliveries_pending_by_target`);
    await db.query(`DROP INDEX IF EXISTS deliveries_in_flight_by_connector`);
    await db.query(`DROP TABLE IF EXISTS outbox_buckets`);
    await db.query(`DROP TABLE IF EXISTS outbox_circuits`);
  }
}
