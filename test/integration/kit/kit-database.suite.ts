import {
  ConnectorError,
  defineConnector,
  type ConnectorDefinition,
  type ConnectorInstance,
} from '../../../src/plugins/sdk';
import {
  checkInboundConnector,
  checkOutboundConnector,
  createConnectorDatabase,
  createTestContext,
  formatKitReport,
  INBOUND_CHECKS,
  OUTBOUND_CHECKS,
  type KitReport,
} from '../../../src/plugins/testing';
import { useKitDatabase } from '../../support/kit/kit-database';
import { chatApiConnector } from './connectors/chat-api-outbound';
import { FeedServer } from './connectors/feed';
import { feedConnector } from './connectors/feed-inbound';

const API_KEY = 'feed-key-0123456789';
const TOKEN = 'kit-token-0123456789';

const outcomes = (report: KitReport): Record<string, string> => Object.fromEntries(report.checks.map((c) => [c.name, c.outcome]));
const detail = (report: KitReport, name: string): string => report.checks.find((c) => c.name === name)?.detail ?? '';
/** Every check passed; on a mismatch jest prints the whole report. */
const expectAllPassed = (report: KitReport): void => {
  expect({ report: formatKitReport(report), outcomes: outcomes(report) }).toMatchObject({ outcomes: Object.fromEntries(report.checks.map((c) => [c.name, 'passed'])) });
};

/**
 * The chat API connector with a ledger of its own: it records each delivery it completed in
 * a table, and refuses to deliver when the table holds another delivery, which happens only
 * when a check starts from tables an earlier check wrote.
 */
function ledgerConnector(id: string): ConnectorDefinition<{ baseUrl: string; token: string }> {
  const base = chatApiConnector(id);
  return defineConnector({
    manifest: { ...base.manifest, services: ['database'], migrations: [{ name: '001-ledger', up: `CREATE TABLE ledger (delivery_id text PRIMARY KEY)` }] },
    async create(ctx) {
      const inner: ConnectorInstance = await base.create(ctx);
      return {
        verify: () => inner.verify(),
        async deliver(delivery, options) {
          const others = await ctx.database.query(`SELECT delivery_id FROM ledger WHERE delivery_id <> $1`, [delivery.id]);
          if (others.length > 0) throw new ConnectorError('INVALID_PAYLOAD', `the ledger already holds ${others.length} other delivery(ies)`);
          const result = await (inner.deliver as NonNullable<ConnectorInstance['deliver']>)(delivery, options);
          await ctx.database.query(`INSERT INTO ledger (delivery_id) VALUES ($1) ON CONFLICT DO NOTHING`, [delivery.id]);
          return result;
        },
      };
    },
  });
}

describe("the kit's database service", () => {
  const kit = useKitDatabase();
  const feed = new FeedServer(API_KEY);
  beforeAll(() => feed.listen());
  afterAll(() => feed.close());
  const feedConfig = () => ({ feedUrl: feed.url, apiKey: API_KEY, pollInterval: '2s' });

  describe('createConnectorDatabase', () => {
    it('applies the migrations in order in connector_<id>, with only that schema on the search path', async () => {
      const definition = feedConnector('kit-table-feed', {}, { cursorIn: 'table' });
      const database = await createConnectorDatabase(kit.database, definition);
      expect(database.schema).toBe('connector_kit_table_feed');
      // The seed row of the second migration needs the table of the first.
      expect(await database.query(`SELECT feed, seq FROM feed_cursor`)).toEqual([{ feed: 'main', seq: 0 }]);
      expect(await kit.db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'feed_cursor'`)).toEqual([{ table_schema: 'connector_kit_table_feed' }]);

      await kit.db.query(`CREATE TABLE IF NOT EXISTS public.hub_only (id int)`);
      await expect(database.query(`SELECT * FROM hub_only`)).rejects.toThrow(/hub_only/);
      await expect(
        database.transaction(async (sql) => {
          await sql.query(`UPDATE feed_cursor SET seq = 9`);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await database.query(`SELECT seq FROM feed_cursor`)).toEqual([{ seq: 0 }]);

      await database.query(`UPDATE feed_cursor SET seq = 5`);
      const again = await createConnectorDatabase(kit.database, definition);
      expect(await again.query(`SELECT seq FROM feed_cursor`)).toEqual([{ seq: 0 }]);
    });

    it('names a migration that fails, and refuses duplicate names as the hub does', async () => {
      const broken = (migrations: Array<{ name: string; up: string }>) => ({ ...feedConnector('kit-broken'), manifest: { ...feedConnector('kit-broken').manifest, services: ['database' as const], migrations } });
      await expect(createConnectorDatabase(kit.database, broken([{ name: '001-ok', up: `CREATE TABLE fine (id int)` }, { name: '002-bad', up: `INSERT INTO nowhere VALUES (1)` }]))).rejects.toThrow(
        /^connector kit-broken: migration "002-bad" failed: .*nowhere/,
      );
      await expect(createConnectorDatabase(kit.database, broken([{ name: '001', up: 'SELECT 1' }, { name: '001', up: 'SELECT 2' }]))).rejects.toThrow('migration names must be present and unique ("001")');
    });
  });

  describe('createTestContext', () => {
    it('gives ctx.database to a connector that declares it; two contexts on one database see the same rows, as across a restart', async () => {
      const definition = feedConnector('kit-table-feed', {}, { cursorIn: 'table' });
      const database = await createConnectorDatabase(kit.database, definition);
      const first = createTestContext(definition, { config: feedConfig(), database });
      await first.context.database.query(`UPDATE feed_cursor SET seq = 7`);
      await first.dispose();
      const second = createTestContext(definition, { config: feedConfig(), database });
      expect(second.context.database.schema).toBe('connector_kit_table_feed');
      expect(await second.context.database.query(`SELECT seq FROM feed_cursor`)).toEqual([{ seq: 7 }]);
      await second.dispose();

      const without = createTestContext(definition, { config: feedConfig() });
      expect(() => without.context.database.query('SELECT 1')).toThrow(/not available in the test kit without a database: pass createTestContext\(definition, \{ database: await createConnectorDatabase\(/);
      await without.dispose();
      const undeclared = createTestContext(feedConnector('kit-feed'), { config: feedConfig(), database });
      expect(() => undeclared.context.database.query('SELECT 1')).toThrow('uses ctx.database but does not declare "database"');
      await undeclared.dispose();
    });
  });

  describe('checkInboundConnector', () => {
    it('gives each check fresh tables and keeps them across the restart it simulates', async () => {
      // The feed numbers its items from 1 again after every reset: a cursor left in the table by
      // an earlier check would skip the next check's items, and one lost in the restart would
      // read the first instance's items again.
      const report = await checkInboundConnector(feedConnector('kit-table-feed', {}, { cursorIn: 'table' }), { config: feedConfig, source: feed, database: kit.database });
      expect(report.checks.map((c) => c.name)).toEqual([...INBOUND_CHECKS]);
      expectAllPassed(report);
      expect(detail(report, 'restart-resumes')).toBe('the second instance accepted exactly the 2 new messages');
    });

    it('fails every check, saying to pass `database`, for a connector that declares it when the kit has none', async () => {
      const report = await checkInboundConnector(feedConnector('kit-table-feed', {}, { cursorIn: 'table' }), { config: feedConfig, source: feed, timeoutMs: 500 });
      expect(new Set(Object.values(outcomes(report)))).toEqual(new Set(['failed']));
      expect(detail(report, 'manifest')).toBe(
        'connector kit-table-feed declares the "database" service, but the kit was given no database: pass `database`, a KitDatabase over a PostgreSQL (or PGlite) database of your tests; the kit creates connector_kit_table_feed in it and applies manifest.migrations',
      );
    });

    it('flags migrations without the database service in the manifest check, as the hub refuses them', async () => {
      const base = feedConnector('kit-feed-tables-undeclared');
      const definition = { ...base, manifest: { ...base.manifest, migrations: [{ name: '001', up: 'CREATE TABLE t (id int)' }] } };
      const report = await checkInboundConnector(definition, { config: feedConfig, source: feed, skip: { 'restart-resumes': 'covered above', 'stop-finishes-in-flight': 'covered above' } });
      expect(outcomes(report)).toMatchObject({ manifest: 'failed', 'delivers-all': 'passed' });
      expect(detail(report, 'manifest')).toBe('manifest.migrations needs "database" in manifest.services');
    });
  });

  describe('checkOutboundConnector', () => {
    const options = {
      config: (peerUrl: string) => ({ baseUrl: peerUrl, token: TOKEN }),
      target: { name: 'duty', room: 'ops' },
      idempotencyKey: (request: { headers: Record<string, string> }) => request.headers['idempotency-key'],
    };

    it('gives each check fresh tables', async () => {
      // 'delivers' leaves a row; 'idempotency-key' (another delivery) would be refused if it were still there.
      const report = await checkOutboundConnector(ledgerConnector('kit-ledger'), { ...options, database: kit.database });
      expect(report.checks.map((c) => c.name)).toEqual([...OUTBOUND_CHECKS]);
      expectAllPassed(report);
      expect(await kit.db.query(`SELECT count(*)::int AS n FROM connector_kit_ledger.ledger`)).toEqual([{ n: 0 }]);
    });

    it('fails the manifest check, saying to pass `database`, when the kit has none', async () => {
      const report = await checkOutboundConnector(ledgerConnector('kit-ledger'), options);
      expect(outcomes(report).manifest).toBe('failed');
      expect(detail(report, 'manifest')).toMatch(/^connector kit-ledger declares the "database" service, but the kit was given no database: pass `database`/);
    });
  });
});
