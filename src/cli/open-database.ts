import { loadConfig, type LoadedConfig } from '../core/config/load-config';
import { Database } from '../core/persistence/database';
import { withProgress } from './progress';

/** Opens the configured database for a one-off command and closes it afterwards. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  return withConfiguredDatabase(loadConfig(env), work);
}

/** As withDatabase, with the configuration already loaded. */
export async function withConfiguredDatabase<T>(config: LoadedConfig, work: (db: Database) => Promise<T>): Promise<T> {
  // Opening the embedded database takes seconds: say so on a terminal.
  const db = await withProgress('opening the database…', () => Database.open(config.hub.database));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
