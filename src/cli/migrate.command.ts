import { withDatabase } from './open-database';
import { withProgress } from './progress';

export function runMigrate(): Promise<number> {
  return withDatabase(async (db) => {
    const applied = await withProgress('applying migrations…', () => db.migrate());
    process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
    return 0;
  });
}
