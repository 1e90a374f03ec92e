import { type StateStore, type StateWriteOptions, type StoredValue } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database } from '../../../core/persistence/database';

const MAX_KEY_LENGTH = 512;
/** A state value is a cursor or a small record, not a document store. */
const MAX_VALUE_BYTES = 256 * 1024;

interface Row {
  key: string;
  value: unknown;
  version: string | number;
}

/** A connector's key → JSON store in `connector_state`, shared by every replica. */
export class DatabaseStateStore implements StateStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly connector: string,
  ) {}

  async get<T = unknown>(key: string): Promise<StoredValue<T> | undefined> {
    checkKey(key);
    const [row] = await this.db.query<Row>(
      `SELECT key, value, version FROM connector_state WHERE connector = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [this.connector, key, this.now()],
    );
    return row ? { value: row.value as T, version: Number(row.version) } : undefined;
  }

  async set<T>(key: string, value: T, options: StateWriteOptions = {}): Promise<number> {
    const [row] = await this.db.query<{ version: string | number }>(
      `INSERT INTO connector_state (connector, key, value, version, expires_at, updated_at) VALUES ($1, $2, $3::jsonb, 1, $4, $5)
       ON CONFLICT (connector, key) DO UPDATE SET value = EXCLUDED.value, version = connector_state.version + 1, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
       RETURNING version`,
      [this.connector, key, encode(key, value), this.expiry(options), this.now()],
    );
    return Number(row?.version);
  }

  async compareAndSet<T>(key: string, expectedVersion: number | undefined, value: T, options: StateWriteOptions = {}): Promise<number | false> {
    const json = encode(key, value);
    const now = this.now();
    if (expectedVersion === undefined) {
      // "Only if absent": an expired row counts as absent and is replaced.
      const rows = await this.db.query<{ version: string | number }>(
        `INSERT INTO connector_state (connector, key, value, version, expires_at, updated_at) VALUES ($1, $2, $3::jsonb, 1, $4, $5)
         ON CONFLICT (connector, key) DO UPDATE SET value = EXCLUDED.value, version = connector_state.version + 1, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
         WHERE connector_state.expires_at IS NOT NULL AND connector_state.expires_at <= $5
         RETURNING version`,
        [this.connector, key, json, this.expiry(options), now],
      );
      return rows[0] ? Number(rows[0].version) : false;
    }
    const rows = await this.db.query<{ version: string | number }>(
      `UPDATE connector_state SET value = $3::jsonb, version = version + 1, expires_at = $5, updated_at = $6
       WHERE connector = $1 AND key = $2 AND version = $4 AND (expires_at IS NULL OR expires_at > $6) RETURNING version`,
      [this.connector, key, json, expectedVersion, this.expiry(options), now],
    );
    return rows[0] ? Number(rows[0].version) : false;
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    const rows = await this.db.query(`DELETE FROM connector_state WHERE connector = $1 AND key = $2 RETURNING key`, [this.connector, key]);
    return rows.length > 0;
  }

  async list<T = unknown>(prefix: string, options: { limit?: number } = {}): Promise<Array<{ key: string } & StoredValue<T>>> {
    const rows = await this.db.query<Row>(
      `SELECT key, value, version FROM connector_state WHERE connector = $1 AND starts_with(key, $2) AND (expires_at IS NULL OR expires_at > $3) ORDER BY key COLLATE "C" LIMIT $4`,
      [this.connector, prefix, this.now(), options.limit ?? 10_000],
    );
    return rows.map((row) => ({ key: row.key, value: row.value as T, version: Number(row.version) }));
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private expiry(options: StateWriteOptions): Date | null {
    return options.ttlMs === undefined ? null : new Date(this.clock.now() + options.ttlMs);
  }
}

/** Removes expired keys of every connector; run by the host now and then. */
export async function purgeExpiredState(db: Database, now: Date): Promise<number> {
  const rows = await db.query(`DELETE FROM connector_state WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING key`, [now]);
  return rows.length;
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new Error(`state key must be 1-${MAX_KEY_LENGTH} characters`);
}

function encode(key: string, value: unknown): string {
  checkKey(key);
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`state value for "${key}" is not JSON (undefined or a function)`);
  if (Buffer.byteLength(json) > MAX_VALUE_BYTES) throw new Error(`state value for "${key}" is ${Buffer.byteLength(json)} bytes, above the ${MAX_VALUE_BYTES} a state key may hold`);
  return json;
}
