import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/** One webhook delivery as the hub stored it. */
export interface StoredDelivery {
  /** The idempotency key: the webhook-id the peer sees. */
  id: string;
  target: string;
  /** The outbox's order within an ordering key. */
  seq: number;
  /** Deliveries with the same key must arrive in `seq` order; null: no order promised (webhooks since contract 2.6). */
  orderingKey: string | null;
  /** Enqueue time: deliveries.created_at, the intake transaction's clock, in wall-clock ms. */
  createdAt: number;
  status: string;
  attempts: number;
  /** The worker that made the last claim: which replica delivered it. */
  claimedBy: string | null;
  /** Phase, from the conversation id's prefix (warm-…, healthy-…, outage-…). */
  phase: string;
}

/** The database's own counters for the run: where the outbox's work went. */
export interface DatabaseCounters {
  commits: number;
  deliveriesUpdates: number;
  deliveriesSeqScans: number;
  /** Index scans of `deliveries`, and the entries they read, per index. */
  indexes: Record<string, { scans: number; read: number }>;
}

export async function readDeliveries(url: string): Promise<StoredDelivery[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; target: string; seq: string; ordering_key: string | null; created_ms: number; status: string; attempts: number; claimed_by: string | null; conversation: string | null }>(
      `SELECT idempotency_key AS id, target->>'name' AS target, seq::text AS seq, ordering_key, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms,
              status, attempts, claimed_by, payload->'conversation'->>'id' AS conversation
         FROM deliveries WHERE connector = 'webhook'`,
    );
    return rows.map((r) => ({
      id: r.id,
      target: r.target,
      seq: Number(r.seq),
      orderingKey: r.ordering_key,
      createdAt: Number(r.created_ms),
      status: r.status,
      attempts: Number(r.attempts),
      claimedBy: r.claimed_by,
      phase: (r.conversation ?? '').split('-')[0] ?? '',
    }));
  });
}

/**
 * Read after every hub has stopped: a PostgreSQL 15 backend reports its statistics when it
 * exits (and at most once a second while busy), so only then are they complete.
 */
export async function readCounters(url: string): Promise<DatabaseCounters> {
  await sleep(1000);
  return withClient(url, async (client) => {
    const db = await client.query<{ commits: string }>(`SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()`);
    const table = await client.query<{ upd: string; seq: string }>(`SELECT n_tup_upd::text AS upd, seq_scan::text AS seq FROM pg_stat_user_tables WHERE relname = 'deliveries'`);
    const indexes = await client.query<{ name: string; scans: string; read: string }>(
      `SELECT indexrelname AS name, idx_scan::text AS scans, idx_tup_read::text AS read FROM pg_stat_user_indexes WHERE relname = 'deliveries'`,
    );
    return {
      commits: Number(db.rows[0]?.commits ?? 0),
      deliveriesUpdates: Number(table.rows[0]?.upd ?? 0),
      deliveriesSeqScans: Number(table.rows[0]?.seq ?? 0),
      indexes: Object.fromEntries(indexes.rows.map((r) => [r.name, { scans: Number(r.scans), read: Number(r.read) }])),
    };
  });
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
