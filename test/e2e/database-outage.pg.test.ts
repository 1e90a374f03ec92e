import { Client } from 'pg';
import { ingestBody, startTestHub } from '../support/hub-harness';
import { createTestDatabase } from '../support/test-database';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server refuses new connections and drops the hub's: a real outage, then recovery. */
describe('PostgreSQL outage (postgres)', () => {
  it('answers 503 during the outage, stores nothing, and accepts again afterwards', async () => {
    const database = await createTestDatabase('postgres');
    const name = new URL(database.settings.url!).pathname.slice(1);
    const hub = await startTestHub({ database });
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      const during = await hub.post(ingestBody({ id: 'during-outage' }));
      expect(await during.text()).toMatch(/"status":503/);
      expect((await fetch(`${hub.url}/health/ready`)).status).toBe(503);

      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const after = await hub.post(ingestBody({ id: 'after-outage' }));
      expect(after.status).toBe(200);
      const ids = (await hub.db.query<{ external_id: string }>('SELECT external_id FROM messages')).map((r) => r.external_id);
      expect(ids).toEqual(['after-outage']);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await hub.close();
      await database.drop();
    }
  });
});
