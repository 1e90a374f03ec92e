import { type Clock } from '../clock/clock';
import { type Database } from '../persistence/database';

/** Receipts older than this are dropped; senders' signatures expire long before (±5 min). */
const RETENTION_MS = 24 * 3_600_000;

/** Envelope ids already processed per channel, so a replayed envelope changes nothing. */
export class IngestReceipts {
  private lastPurge = 0;

  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async has(source: string, receiptId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ingest_receipts WHERE source = $1 AND receipt_id = $2`, [source, receiptId]);
    return rows.length > 0;
  }

  async record(source: string, receiptId: string): Promise<void> {
    const now = this.clock.now();
    await this.db.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      source,
      receiptId,
      new Date(now),
    ]);
    if (now - this.lastPurge > 3_600_000) {
      this.lastPurge = now;
      await this.db.query(`DELETE FROM ingest_receipts WHERE received_at < $1`, [new Date(now - RETENTION_MS)]);
    }
  }
}
