import { Client } from 'pg';

export const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Server test databases of this run start with this (the run's id is the jest parent's pid). */
export function runDatabasePrefix(run = process.env.REPLYWATCH_TEST_RUN_ID ?? 'x'): string {
  return `rw_test_${run}_`;
}

/**
 * Drops the server databases of this run that a test file left behind and says which file
 * created each (a comment set at creation): a leak should be fixed where it happens, and must
 * not pile up on the server meanwhile. A machine without a server has nothing to clean.
 */
export async function dropLeftoverDatabases(): Promise<string[]> {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return [];
  }
  try {
    const { rows } = await client.query<{ name: string; creator: string | null }>(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS creator FROM pg_database WHERE starts_with(datname, $1)`,
      [runDatabasePrefix()],
    );
    for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.name} WITH (FORCE)`);
    return rows.map((r) => `${r.name} (${r.creator ?? 'created outside a test'})`);
  } finally {
    await client.end();
  }
}
