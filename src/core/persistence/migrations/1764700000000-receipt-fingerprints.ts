import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A receipt keeps a fingerprint of its envelope, so an id reused for a different body is
 * refused (409) instead of being taken for a resend and its messages dropped.
 */
export class ReceiptFingerprints1764700000000 implements MigrationInterface {
  name = 'ReceiptFingerprints1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE ingest_receipts ADD COLUMN fingerprint text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE ingest_receipts DROP COLUMN IF EXISTS fingerprint`);
  }
}
