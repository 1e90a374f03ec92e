import { type ConnectorDatabase, type ConnectorDefinition, type ConnectorManifest, type SqlRunner } from '../sdk';
import { fail } from './kit-report';

/**
 * A PostgreSQL database of your tests, as the kit needs it to give a connector its `database`
 * service: statements with rows back, and transactions on one connection. The kit imports no
 * driver; build it from the client your tests already use (a pg Pool, PGlite):
 *
 * ```ts
 * const database: KitDatabase = {
 *   query: async (text, params) => (await pool.query(text, params)).rows,
 *   transaction: async (work) => {
 *     const client = await pool.connect();
 *     try {
 *       await client.query('BEGIN');
 *       const result = await work({ query: async (text, params) => (await client.query(text, params)).rows });
 *       await client.query('COMMIT');
 *       return result;
 *     } catch (error) {
 *       await client.query('ROLLBACK');
 *       throw error;
 *     } finally {
 *       client.release();
 *     }
 *   },
 * };
 * ```
 */
export interface KitDatabase {
  /**
   * Runs a statement and returns its rows. Without `params` it must also take several
   * statements in one text, as a migration's `up` may hold (node-pg and PGlite's `exec` do).
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
}

/** The schema the hub keeps a connector's tables in: `connector_<id>`, dashes as underscores. */
export function connectorSchema(connectorId: string): string {
  return `connector_${connectorId.replace(/-/g, '_')}`;
}

export function declaresDatabase(manifest: Pick<ConnectorManifest<unknown>, 'services'>): boolean {
  return (manifest.services ?? []).includes('database');
}

/** What the hub's manifest check says of tables without the service, for the kit's manifest check. */
export function migrationProblems(manifest: Pick<ConnectorManifest<unknown>, 'services' | 'migrations'>): string[] {
  return (manifest.migrations ?? []).length > 0 && !declaresDatabase(manifest) ? ['manifest.migrations needs "database" in manifest.services'] : [];
}

/** Why the kit cannot run a connector that declares `database` without one, and what to do. */
function missingDatabase(connectorId: string): string {
  return (
    `connector ${connectorId} declares the "database" service, but the kit was given no database: pass \`database\`, ` +
    `a KitDatabase over a PostgreSQL (or PGlite) database of your tests; the kit creates ${connectorSchema(connectorId)} in it and applies manifest.migrations`
  );
}

/**
 * The connector's `database` service on `db`, as the hub gives it: the schema
 * `connector_<id>`, dropped and created afresh (so nothing of an earlier test is left in it),
 * `manifest.migrations` applied once each, in order, each in a transaction of its own, and then
 * every statement run with that schema alone on the search path (set per transaction). Hand it
 * to `createTestContext({ database })`; give the same one to a second context to test a
 * restart, as with `state`. Use a database of your tests: an existing schema of that name is
 * dropped.
 */
export async function createConnectorDatabase<C>(db: KitDatabase, definition: ConnectorDefinition<C>): Promise<ConnectorDatabase> {
  const { id, migrations = [] } = definition.manifest;
  const names = new Set<string>();
  for (const m of migrations) {
    if (!m.name || names.has(m.name)) throw new Error(`connector ${id}: migration names must be present and unique ("${m.name}")`);
    names.add(m.name);
  }
  const schema = connectorSchema(id);
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  const scoped = <T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> =>
    db.transaction(async (sql) => {
      await sql.query(`SELECT set_config('search_path', $1, true)`, [quoted]);
      return work({ query: <R = Record<string, unknown>>(text: string, params?: unknown[]) => sql.query<R>(text, params) });
    });

  await db.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`);
  await db.query(`CREATE SCHEMA ${quoted}`);
  for (const migration of migrations) {
    try {
      await scoped((sql) => sql.query(migration.up));
    } catch (error) {
      throw new Error(`connector ${id}: migration "${migration.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return {
    schema,
    query: <T = Record<string, unknown>>(text: string, params?: unknown[]) => scoped((sql) => sql.query<T>(text, params)),
    transaction: scoped,
  };
}

/** The connector's tables, empty, when it declares `database`; a check fails at once when the kit has no database to give. */
export async function freshDatabase<C>(definition: ConnectorDefinition<C>, database: KitDatabase | undefined): Promise<ConnectorDatabase | undefined> {
  if (!declaresDatabase(definition.manifest)) return undefined;
  if (!database) fail(missingDatabase(definition.manifest.id));
  return createConnectorDatabase(database, definition);
}
