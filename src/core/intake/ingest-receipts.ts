import { type EnvelopeOutcome, type EnvelopeReceipt } from '../../plugins/sdk/message';
import { type Clock } from '../clock/clock';
import { type Database, type Sql } from '../persistence/database';
import { InvalidMessageError } from './intake-errors';
import { unstorable } from './validate-message';

/** Receipts older than this are dropped; senders' signatures expire long before (±5 min). */
const RETENTION_MS = 24 * 3_600_000;
const MAX_RECEIPT_ID = 256;
const MAX_FINGERPRINT = 128;

/** What a receipt already on record says about an envelope arriving with the same id. */
type PriorOutcome = Exclude<EnvelopeOutcome, { status: 'accepted' }>;

/** Envelope ids already processed per channel, so a replayed envelope changes nothing. */
export class IngestReceipts {
  private lastPurge = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async has(source: string, receiptId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ingest_receipts WHERE source = $1 AND receipt_id = $2`, [source, receiptId]);
    return rows.length > 0;
  }

  async record(source: string, receiptId: string): Promise<void> {
    await this.db.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      source,
      receiptId,
      new Date(this.clock.now()),
    ]);
    await this.purgeIfDue();
  }

  /** The outcome of an envelope whose id is already on record, or undefined if it is new. */
  async prior(source: string, receipt: EnvelopeReceipt, sql: Pick<Sql, 'query'> = this.db): Promise<PriorOutcome | undefined> {
    const [row] = await sql.query<{ fingerprint: string | null }>(`SELECT fingerprint FROM ingest_receipts WHERE source = $1 AND receipt_id = $2`, [source, receipt.id]);
    if (!row) return undefined;
    // Receipts from before fingerprints were kept, or envelopes without one, count as resends.
    if (row.fingerprint === null || receipt.fingerprint === undefined || row.fingerprint === receipt.fingerprint) return { status: 'replayed' };
    return { status: 'conflict', detail: `envelope id ${receipt.id} was already used for a different body; nothing was stored` };
  }

  /**
   * Claims the receipts inside the caller's transaction, in one statement whatever their
   * number: for each envelope, undefined when it is the first with its id (its messages may be
   * stored), else what the earlier one says. Give them sorted by (source, id), so that two
   * transactions claiming the same ids lock them in the same order. On PostgreSQL a concurrent
   * claim of the same id waits for the first to commit or roll back.
   */
  async claimAll(sql: Sql, envelopes: ReadonlyArray<{ source: string; receipt: EnvelopeReceipt }>, at: Date): Promise<Array<PriorOutcome | undefined>> {
    if (envelopes.length === 0) return [];
    // One JSON parameter, not three per envelope: a batch may carry any number of them.
    const rows = envelopes.map(({ source, receipt }, ord) => ({ ord, source, receipt_id: receipt.id, fingerprint: receipt.fingerprint ?? null }));
    // DO NOTHING also skips the second of two equal ids in one statement: that envelope is a resend.
    const inserted = await sql.query<{ source: string; receipt_id: string }>(
      `INSERT INTO ingest_receipts (source, receipt_id, received_at, fingerprint)
       SELECT r.source, r.receipt_id, $2::timestamptz, r.fingerprint
       FROM json_to_recordset($1::json) AS r(ord int, source text, receipt_id text, fingerprint text)
       ORDER BY r.ord
       ON CONFLICT DO NOTHING RETURNING source, receipt_id`,
      [JSON.stringify(rows), at],
    );
    const claimed = new Set(inserted.map((row) => `${row.source}\u0000${row.receipt_id}`));
    const outcomes: Array<PriorOutcome | undefined> = [];
    for (const { source, receipt } of envelopes) {
      const id = `${source}\u0000${receipt.id}`;
      // The first envelope with an id takes the claim; any later one in the list is its resend.
      if (claimed.delete(id)) outcomes.push(undefined);
      else outcomes.push((await this.prior(source, receipt, sql)) ?? { status: 'replayed' });
    }
    return outcomes;
  }

  async purgeIfDue(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastPurge <= 3_600_000) return;
    this.lastPurge = now;
    await this.db.query(`DELETE FROM ingest_receipts WHERE received_at < $1`, [new Date(now - RETENTION_MS)]);
  }
}

/** Refuses a receipt the receipts table could not hold, before anything is written. */
export function validateReceipt(receipt: EnvelopeReceipt): void {
  if (typeof receipt.id !== 'string' || receipt.id.length === 0 || receipt.id.length > MAX_RECEIPT_ID) {
    throw new InvalidMessageError('receipt.id', `expected 1–${MAX_RECEIPT_ID} characters`);
  }
  const idProblem = unstorable(receipt.id);
  if (idProblem) throw new InvalidMessageError('receipt.id', idProblem);
  if (receipt.fingerprint === undefined) return;
  if (typeof receipt.fingerprint !== 'string' || receipt.fingerprint.length > MAX_FINGERPRINT) {
    throw new InvalidMessageError('receipt.fingerprint', `expected at most ${MAX_FINGERPRINT} characters`);
  }
  const fingerprintProblem = unstorable(receipt.fingerprint);
  if (fingerprintProblem) throw new InvalidMessageError('receipt.fingerprint', fingerprintProblem);
}
