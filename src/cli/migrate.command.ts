import { withDatabase } from './open-database';

export function runMigrate(): Promise<number> {
  return withDatabase(async (db) => {
    const applied = await db.migrate();
    process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
    return 0;
  });
}
