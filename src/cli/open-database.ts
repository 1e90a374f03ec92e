import { loadConfig } from '../core/config/load-config';
import { Database } from '../core/persistence/database';

/** Opens the configured database for a one-off command and closes it afterwards. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const config = loadConfig(env);
  const db = await Database.open(config.hub.database);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
