import { Database } from '../../../src/core/persistence/database';
import { type KitDatabase } from '../../../src/plugins/testing';
import { createTestDatabase } from '../test-database';

/** The hub's own Database as the kit's KitDatabase: what an integrator builds from their client. */
export function kitDatabaseOf(db: Database): KitDatabase {
  return {
    query: (text, params) => db.query(text, params),
    transaction: (work) => db.transaction((sql) => work({ query: (text, params) => sql.query(text, params) })),
  };
}

export interface KitTestDatabase {
  /** What the kit is given (`database:`). */
  readonly database: KitDatabase;
  /** The same database, for looking at what a connector wrote. */
  readonly db: Database;
  /** Closes and drops it. */
  close(): Promise<void>;
}

/**
 * A fresh, empty test database for the kit (embedded PGlite, or the PostgreSQL server with
 * REPLYWATCH_TEST_BACKEND=postgres). The hub's own tables are not created: the kit needs
 * none, and a connector never sees them.
 */
export async function openKitDatabase(): Promise<KitTestDatabase> {
  const testDb = await createTestDatabase();
  let db: Database;
  try {
    db = await Database.open(testDb.settings);
  } catch (error) {
    await testDb.drop();
    throw error;
  }
  return {
    database: kitDatabaseOf(db),
    db,
    close: async () => {
      await db.close();
      await testDb.drop();
    },
  };
}

/** Registers the hooks: one kit database for the file, opened before all tests and dropped after. */
export function useKitDatabase(): { readonly database: KitDatabase; readonly db: Database } {
  let opened: KitTestDatabase | undefined;
  beforeAll(async () => {
    opened = await openKitDatabase();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = (): KitTestDatabase => {
    if (!opened) throw new Error('the kit database is not open yet (use it inside a test)');
    return opened;
  };
  return {
    get database(): KitDatabase {
      return current().database;
    },
    get db(): Database {
      return current().db;
    },
  };
}
