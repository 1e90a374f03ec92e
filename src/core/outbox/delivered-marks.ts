import { type Database } from '../persistence/database';
import { type DeliveryAttempt } from '../persistence/entities/delivery.entity';
import { ASYNC_COMMIT } from './async-commit';
import { type DeliveryRow } from './outbox-store';

interface Mark {
  row: DeliveryRow;
  at: Date;
  attempt: DeliveryAttempt;
  externalId: string | undefined;
  settle: (kept: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Records successful attempts together: marks that arrive while one write is under way (or in
 * the same turn of the event loop) share the next one. At a few thousand deliveries a second a
 * commit per delivery is what bounds the outbox; shared, it is a commit per few dozen. Each
 * caller still learns whether its claim was still its own.
 */
export class DeliveredMarks {
  private queue: Mark[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly db: Database) {}

  mark(row: DeliveryRow, at: Date, attempt: DeliveryAttempt, externalId: string | undefined): Promise<boolean> {
    return new Promise<boolean>((settle, fail) => {
      this.queue.push({ row, at, attempt, externalId, settle, fail });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // The next turn, so marks of attempts that finished together join one write.
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writeQueued().finally(() => {
        this.writing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const rows = await this.db.transaction(async (sql) => {
        await sql.query(ASYNC_COMMIT);
        return sql.query<{ id: string }>(
        `UPDATE deliveries d SET status = 'delivered', delivered_at = m.at, updated_at = m.at, lease_until = NULL, last_error = NULL,
           external_id = COALESCE(m.external_id, d.external_id), history = d.history || jsonb_build_array(m.entry)
          FROM json_to_recordset($1::json) AS m(id uuid, claimed_by text, attempts int, at timestamptz, external_id text, entry jsonb)
         WHERE d.id = m.id AND d.status = 'in_flight' AND d.claimed_by = m.claimed_by AND d.attempts = m.attempts
         RETURNING d.id`,
        [
          JSON.stringify(
            batch.map((m) => ({
              id: m.row.id,
              claimed_by: m.row.claimed_by,
              attempts: m.row.attempts,
              at: m.at.toISOString(),
              external_id: m.externalId ?? null,
              entry: m.attempt,
            })),
          ),
        ],
      );
      });
      const kept = new Set(rows.map((r) => r.id));
      for (const m of batch) m.settle(kept.has(m.row.id));
    } catch (error) {
      for (const m of batch) m.fail(error);
    }
  }
}
