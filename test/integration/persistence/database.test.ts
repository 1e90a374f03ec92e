import { Database } from '../../../src/core/persistence/database';
import { createTestDatabase, testBackend, useTestDatabase } from '../../support/test-database';

describe(`database (${testBackend})`, () => {
  const context = useTestDatabase({ reset: false });

  it('migrates once and reports nothing pending afterwards', async () => {
    expect(await context.db.migrate()).toEqual([]);
    expect(await context.db.pendingMigrations()).toBe(false);
  });

  if (testBackend === 'pglite') {
    it('gives the embedded database the page cache database.sharedBuffers asks for', async () => {
      expect(await context.db.query(`SHOW shared_buffers`)).toEqual([{ shared_buffers: '16MB' }]);
    });
  }

  it('returns counts and bigint ids as numbers on both drivers', async () => {
    const [row] = await context.db.query<{ n: unknown; big: unknown }>('SELECT count(*) AS n, 9007199254740::bigint AS big FROM conversations');
    expect(row).toEqual({ n: 0, big: 9007199254740 });
  });

  it('returns RETURNING rows of an UPDATE the same way on both drivers', async () => {
    const rows = await context.db.transaction(async (sql) => {
      await sql.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ('t', 'a', now()), ('t', 'b', now())`);
      return sql.query<{ receipt_id: string }>(`UPDATE ingest_receipts SET received_at = now() WHERE source = 't' RETURNING receipt_id`);
    });
    expect(rows.map((r) => r.receipt_id).sort()).toEqual(['a', 'b']);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await expect(
      context.db.transaction(async (sql) => {
        await sql.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ('rollback', 'x', now())`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await context.db.query(`SELECT * FROM ingest_receipts WHERE source = 'rollback'`)).toEqual([]);
  });

  it('keeps the inquiry event log append-only', async () => {
    await expect(context.db.query('DELETE FROM inquiry_events')).rejects.toThrow(/append-only/);
  });

  // The embedded database runs in-process; a statement limit matters where a server link can stall.
  if (testBackend === 'postgres') {
    it('cancels a statement that runs past database.statementTimeout and keeps serving', async () => {
      const testDb = await createTestDatabase();
      const db = await Database.open({ ...testDb.settings, statementTimeout: 300 });
      try {
        const started = Date.now();
        await expect(db.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await db.close();
        await testDb.drop();
      }
    });
  }
});
