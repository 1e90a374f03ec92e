import { slaDigest } from '../outbox/payload-builder';
import { enqueueDeliveries, type NewDelivery } from '../outbox/outbox-writer';
import { type Sql } from '../persistence/database';

const MINUTE = 60_000;

/**
 * Sends alerts (SLA marks, and the runbook's inquiry opened/answered notices) individually
 * until a target has had `limit` of them in the current minute; the rest of that minute goes
 * into one digest delivery per target, sent when the minute ends. One guard lives for one
 * scheduler or intake transaction: it counts each target's alerts once, keeps
 * the tally in memory, and writes each digest's new items in one statement at `flush()`.
 * Every alert still lands exactly once: on its own or as an item of the digest.
 */
export class StormGuard {
  private readonly minuteStart: number;
  private readonly sent = new Map<string, number>();
  private readonly overflow = new Map<string, NewDelivery[]>();

  constructor(
    private readonly sql: Sql,
    private readonly limit: number,
    private readonly now: Date,
  ) {
    this.minuteStart = Math.floor(now.getTime() / MINUTE) * MINUTE;
  }

  /** Enqueues or defers each alert; returns how many were accepted (sent now or digested). */
  async add(alerts: readonly NewDelivery[]): Promise<number> {
    const sendNow: NewDelivery[] = [];
    let deferred = 0;
    for (const alert of alerts) {
      const key = targetKey(alert);
      const count = this.sent.get(key) ?? (await this.countThisMinute(alert));
      if (count < this.limit) {
        sendNow.push(alert);
        // Counted as sent even if its key turns out to be written already: the limit errs low.
        this.sent.set(key, count + 1);
      } else {
        this.sent.set(key, count);
        this.overflow.set(key, [...(this.overflow.get(key) ?? []), alert]);
        deferred++;
      }
    }
    // Those sent on their own go in one statement (intake adds many at once).
    return (await enqueueDeliveries(this.sql, sendNow, this.now)) + deferred;
  }

  /** Writes the deferred alerts into their targets' digests. */
  async flush(): Promise<void> {
    // In key order: an intake batch and the scheduler may both append to the same digests, and
    // taking their row locks in one order keeps them from deadlocking.
    const byKey = [...this.overflow.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, alerts] of byKey) await this.addToDigest(alerts);
    this.overflow.clear();
  }

  private async countThisMinute(alert: NewDelivery): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries
       WHERE kind = 'notify' AND connector = $1 AND (target->>'name') = $2 AND created_at >= $3`,
      [alert.connector, targetName(alert), new Date(this.minuteStart)],
    );
    return row?.n ?? 0;
  }

  private async addToDigest(alerts: NewDelivery[]): Promise<void> {
    const first = alerts[0];
    if (!first) return;
    const key = `digest:${first.connector}:${targetName(first)}:${new Date(this.minuteStart).toISOString()}`;
    await enqueueDeliveries(
      this.sql,
      [
        {
          idempotencyKey: key,
          connector: first.connector,
          kind: 'digest',
          target: first.target,
          notBefore: new Date(this.minuteStart + MINUTE),
          payload: slaDigest() as unknown as Record<string, unknown>,
        },
      ],
      this.now,
    );
    const items = alerts.map((a) => ({ key: a.idempotencyKey, text: a.payload.text, inquiryId: a.inquiryId ?? null, conversation: a.payload.conversation }));
    const appended = await this.sql.query(
      `UPDATE deliveries SET payload = jsonb_set(payload, '{items}', (payload->'items') || $2::jsonb), updated_at = $3
       WHERE idempotency_key = $1 AND status = 'pending' RETURNING id`,
      [key, JSON.stringify(items), this.now],
    );
    // The digest of this minute was already sent (alerts fired very late): send them on their own.
    if (appended.length === 0) await enqueueDeliveries(this.sql, alerts, this.now);
  }
}

function targetName(alert: NewDelivery): string {
  return typeof alert.target.name === 'string' ? alert.target.name : '';
}

function targetKey(alert: NewDelivery): string {
  return `${alert.connector}\u0000${targetName(alert)}`;
}
