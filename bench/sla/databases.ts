import { Database } from '../../src/core/persistence/database';
import { scratchPostgres } from '../intake/databases';

/** The hub's default pool size (hub.database.poolSize). */
const POOL_SIZE = 10;

export interface BenchDatabase {
  db: Database;
  /** host:port/name, without credentials, for the report. */
  location: string;
  /** Closes the current connection pool and opens a new one on the same database, as a restarted hub would. */
  reopen(): Promise<Database>;
  /** Closes every pool opened here and drops the database. */
  dispose(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database, dropped again by dispose(). */
export async function openFreshPostgres(adminUrl: string): Promise<BenchDatabase> {
  const scratch = await scratchPostgres(adminUrl);
  const open = () => Database.open({ url: scratch.url, dataDir: '', poolSize: POOL_SIZE });
  const pools: Database[] = [];
  const closeAll = () => Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
  const dispose = async () => {
    try {
      await closeAll();
    } finally {
      await scratch.drop();
    }
  };
  try {
    const db = await open();
    pools.push(db);
    await db.migrate();
    const bench: BenchDatabase = {
      db,
      location: scratch.location,
      reopen: async () => {
        await bench.db.close();
        bench.db = await open();
        pools.push(bench.db);
        return bench.db;
      },
      dispose,
    };
    return bench;
  } catch (error) {
    await dispose();
    throw error;
  }
}
