import { type ConnectorDatabase, type ConnectorMigration, type SqlRunner } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database, type Sql } from '../../../core/persistence/database';

/** The schema holding a connector's own tables: `connector_<id>` with dashes as underscores. */
export function schemaOf(connectorId: string): string {
  return `connector_${connectorId.replace(/-/g, '_')}`;
}

/**
 * SQL for one connector, run with its schema first on the search path: its own tables are
 * found by their plain names, and each statement runs in a transaction of its own (the
 * search path is set for that transaction only).
 */
export class ScopedDatabase implements ConnectorDatabase {
  readonly schema: string;

  constructor(
    private readonly db: Database,
    connectorId: string,
  ) {
    this.schema = schemaOf(connectorId);
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.transaction((sql) => sql.query<T>(text, params));
  }

  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> {
    return this.db.transaction(async (sql) => {
      await sql.query(`SELECT set_config('search_path', $1, true)`, [`"${this.schema}"`]);
      return work({ query: <R = Record<string, unknown>>(text: string, params?: unknown[]) => sql.query<R>(text, params) });
    });
  }
}

/**
 * Applies a connector's migrations not yet recorded, in order, each in its own transaction with
 * its record; returns the names applied. Runs at start, after the hub's own migrations.
 */
export async function migrateConnector(db: Database, clock: Clock, connectorId: string, migrations: readonly ConnectorMigration[]): Promise<string[]> {
  if (migrations.length === 0) return [];
  const names = new Set<string>();
  for (const m of migrations) {
    if (!m.name || names.has(m.name)) throw new Error(`connector ${connectorId}: migration names must be present and unique ("${m.name}")`);
    names.add(m.name);
  }
  const schema = schemaOf(connectorId);
  return db.withMigrationLock(async () => {
    const applied: string[] = [];
    await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const done = new Set((await db.query<{ name: string }>(`SELECT name FROM connector_migrations WHERE connector = $1`, [connectorId])).map((r) => r.name));
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await db.transaction(async (sql: Sql) => {
        const [hub] = await sql.query<{ search_path: string }>(`SHOW search_path`);
        await sql.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
        await sql.query(migration.up);
        // The record is the hub's own table: back to the hub's search path for it.
        await sql.query(`SELECT set_config('search_path', $1, true)`, [hub?.search_path ?? 'public']);
        await sql.query(`INSERT INTO connector_migrations (connector, name, applied_at) VALUES ($1, $2, $3)`, [connectorId, migration.name, new Date(clock.now())]);
      });
      applied.push(migration.name);
    }
    return applied;
  });
}
