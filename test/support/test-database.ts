import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type DatabaseSettings } from '../../src/core/config/hub-config.schema';
import { Database } from '../../src/core/persistence/database';
import { ADMIN_URL, runDatabasePrefix } from './run-databases';

/**
 * Integration tests run on the embedded database by default and on the PostgreSQL server
 * when REPLYWATCH_TEST_BACKEND=postgres (each test database is created fresh and dropped).
 */
export const testBackend: 'pglite' | 'postgres' = process.env.REPLYWATCH_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';


export interface TestDatabase {
  settings: DatabaseSettings;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export const TEST_SHARED_BUFFERS = '16MB';

/** hub.yaml's defaults. */
const DATABASE_TIMEOUTS = { statementTimeout: 30_000, connectTimeout: 5000 };

/**
 * A fresh database of the configured backend with no data: on PostgreSQL a new database, on
 * PGlite a data directory that is a copy of the run's migrated template (see embeddedTemplate).
 */
export async function createTestDatabase(backend = testBackend, options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const name = `${runDatabasePrefix()}${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    // The run's teardown names any database a test file forgot to drop, by this comment.
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    if (testPath) await adminQuery(`COMMENT ON DATABASE ${name} IS '${path.relative(process.cwd(), testPath).replace(/'/g, "''")}'`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const settings: DatabaseSettings = { url: url.toString(), dataDir: '', poolSize: 10, ...DATABASE_TIMEOUTS };
    return {
      settings,
      open: () => openMigrated(settings),
      drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const dataDir = mkdtempSync(path.join(process.env.REPLYWATCH_TEST_DATABASES_DIR ?? tmpdir(), 'replywatch-test-'));
  // `empty`: a directory as on an operator's first start, for tests of what happens before it is created.
  const template = options.empty ? undefined : await embeddedTemplate();
  if (template) cpSync(template, dataDir, { recursive: true });
  // A small page cache: PGlite sets up all of its default 128MB at every open, the largest
  // part of a test database's start.
  const settings: DatabaseSettings = { dataDir, poolSize: 1, sharedBuffers: TEST_SHARED_BUFFERS, ...DATABASE_TIMEOUTS };
  return {
    settings,
    open: () => openMigrated(settings),
    drop: () => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

let templateBuild: Promise<string | undefined> | undefined;

/**
 * A migrated, closed embedded data directory that each test database starts as a copy of.
 * Creating one from nothing runs initdb and every migration, several seconds per test file on
 * two cores; a copy is a fraction of a second. It belongs to one jest run (the global setup
 * names it and the teardown removes it), so it always has the migrations of the code under
 * test. The first worker to need it builds it while the others wait for it.
 */
function embeddedTemplate(): Promise<string | undefined> {
  const target = process.env.REPLYWATCH_PGLITE_TEMPLATE;
  if (!target) return Promise.resolve(undefined);
  templateBuild ??= buildTemplate(target);
  return templateBuild;
}

/** Longest a worker waits for another worker's template before it builds its own. */
const TEMPLATE_WAIT_MS = 120_000;

async function buildTemplate(target: string): Promise<string> {
  if (existsSync(target)) return target;
  // One worker builds it; the others wait for its rename. Each building its own at the start
  // of a run cost every worker about 5 s of CPU, on cores all the workers share.
  if (!takeBuildLock(target)) {
    for (const deadline = Date.now() + TEMPLATE_WAIT_MS; Date.now() < deadline; ) {
      if (existsSync(target)) return target;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const building = mkdtempSync(`${target}.building-`);
  const db = await Database.open({ dataDir: building, poolSize: 1, sharedBuffers: TEST_SHARED_BUFFERS });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  try {
    renameSync(building, target);
  } catch (error) {
    // Another worker finished first: its copy is the same schema.
    if (!existsSync(target)) throw error;
    rmSync(building, { recursive: true, force: true });
  }
  return target;
}

function takeBuildLock(target: string): boolean {
  try {
    mkdirSync(`${target}.lock`);
    return true;
  } catch {
    return false;
  }
}

async function openMigrated(settings: DatabaseSettings): Promise<Database> {
  const db = await Database.open(settings);
  await db.migrate();
  return db;
}

async function adminQuery(text: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Every table a test may fill, children before the tables they reference; the schema's
 * bookkeeping (migrations, recorded choices) stays.
 */
const TEST_TABLES = [
  'ticket_link_inquiries', 'inquiry_events', 'deliveries', 'ticket_links', 'inquiries', 'messages', 'conversations',
  'outbox_circuits', 'outbox_buckets', 'ingest_receipts', 'connector_state', 'connector_leases', 'connector_jobs',
  'staff_roster', 'audit_log', 'report_runs',
];

/** How long a reset keeps asking for the tables while a running hub is using them. */
const RESET_PATIENCE_MS = 15_000;

/**
 * Empties every table between tests (the event log allows this only as an explicit purge) and
 * starts their id sequences over, as a fresh database has them.
 *
 * DELETE rather than TRUNCATE: a test leaves a few rows, and TRUNCATE gives each of the 16
 * tables and their indexes new files. On the embedded database that was 0.2–1 s per test, a
 * large share of the suite's time; a DELETE of a few rows is milliseconds on either backend.
 *
 * A hub may be running on the database meanwhile, with transactions that lock several of these
 * tables in an order of their own. A lock that waits for one table while holding another can
 * close a deadlock cycle, and PostgreSQL may then pick the hub's transaction as the victim (an
 * "outbox pass failed: deadlock detected" in a test's log). So the reset never waits: it asks
 * for all the tables with NOWAIT and, when one is busy, lets go and tries again shortly.
 */
export async function resetTables(db: Database): Promise<void> {
  const deadline = Date.now() + RESET_PATIENCE_MS;
  for (;;) {
    try {
      await db.transaction(async (sql) => {
        await sql.query(`SET LOCAL replywatch.purge = 'on'`);
        await sql.query(`LOCK TABLE ${TEST_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`);
        // One round trip: a statement list without parameters runs as a simple query.
        await sql.query(TEST_TABLES.map((table) => `DELETE FROM ${table}`).join('; '));
        await sql.query(
          `SELECT setval(s.oid::regclass, 1, false) FROM pg_class s
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
             JOIN pg_class t ON t.oid = d.refobjid
            WHERE s.relkind = 'S' AND t.relname = ANY($1::text[])`,
          [TEST_TABLES],
        );
      });
      return;
    } catch (error) {
      if (!isLockBusy(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/** PostgreSQL's lock_not_available, which NOWAIT raises. */
function isLockBusy(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '55P03';
}

/**
 * Registers the usual hooks: a fresh database for the file, emptied before each test (unless
 * `reset: false`), closed and dropped at the end. Read `.db` inside tests.
 */
export function useTestDatabase(options: { reset?: boolean } = {}): { readonly db: Database } {
  let testDb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  if (options.reset !== false) beforeEach(() => resetTables(db as Database));
  return {
    get db(): Database {
      if (!db) throw new Error('the test database is not open yet');
      return db;
    },
  };
}

/**
 * Hub replicas for the PostgreSQL-only tests: one fresh server database, `count` pools of
 * their own onto it (as separate processes would have), emptied before each test.
 */
export function useReplicaDatabases(count: number): { readonly all: Database[] } {
  let testDb: TestDatabase | undefined;
  let replicas: Database[] = [];
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    replicas = await Promise.all(Array.from({ length: count }, () => (testDb as TestDatabase).open()));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((db) => db.close()));
    await testDb?.drop();
  });
  beforeEach(() => resetTables(replicas[0] as Database));
  return {
    get all(): Database[] {
      return replicas;
    },
  };
}
