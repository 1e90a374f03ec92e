import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'typeorm-pglite';
import { type DatabaseSettings } from '../config/hub-config.schema';
import { DataDirLock } from './data-dir-lock';
import { DatabaseUnavailableError, isUnavailable } from './database-errors';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SerialQueue } from './serial-queue';

export type Backend = 'pglite' | 'postgres';

/** What a unit of work sees: plain SQL with rows back, and TypeORM's manager for entity reads. */
export interface Sql {
  /** Runs one statement and returns its rows (RETURNING rows for writes), on either backend. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  readonly manager: EntityManager;
}

export const DATABASE = Symbol('Database');

/** How long after the statement timeout a query with no answer at all counts as a stalled link. */
const STALLED_LINK_GRACE_MS = 2000;

/** Advisory lock key that serializes migrations across replicas ("rwmigrat" in ASCII). */
const MIGRATION_LOCK = '8248181542026895732';

/**
 * One code path for both backends. On PostgreSQL, transactions run concurrently on a pool;
 * on embedded PGlite, which is a single session, every unit of work is serialized.
 */
export class Database {
  private readonly serial = new SerialQueue();
  private closed = false;
  /** Set when the data-directory lock was taken away while held (embedded only). */
  private lockLost: { error?: Error } = {};

  private constructor(
    readonly backend: Backend,
    private readonly dataSource: DataSource,
    private readonly lock: DataDirLock | undefined,
  ) {}

  /** Timeouts default as in hub.yaml when a caller (a tool, a test) gives none. */
  static async open(settings: Omit<DatabaseSettings, 'statementTimeout' | 'connectTimeout'> & Partial<DatabaseSettings>): Promise<Database> {
    const timeouts = { statementTimeout: settings.statementTimeout ?? 30_000, connectTimeout: settings.connectTimeout ?? 5000 };
    if (settings.url) return Database.openServer(settings.url, settings.poolSize, timeouts);
    return Database.openEmbedded(settings);
  }

  private static async openServer(url: string, poolSize: number, timeouts: { statementTimeout: number; connectTimeout: number }): Promise<Database> {
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      synchronize: false,
      parseInt8: true,
      poolSize,
      extra: {
        connectionTimeoutMillis: timeouts.connectTimeout,
        statement_timeout: timeouts.statementTimeout,
        // The server cancels a slow statement itself; this deadline is for a link that stalled
        // (nothing arrives at all), which the server cannot see. See releaseStuck.
        query_timeout: timeouts.statementTimeout + STALLED_LINK_GRACE_MS,
        application_name: 'replywatch',
      },
    });
    try {
      await dataSource.initialize();
    } catch (error) {
      throw new DatabaseUnavailableError(stripCredentials(error, url));
    }
    return new Database('postgres', dataSource, undefined);
  }

  private static async openEmbedded(settings: Pick<DatabaseSettings, 'dataDir' | 'sharedBuffers'>): Promise<Database> {
    const { dataDir } = settings;
    const inMemory = dataDir.startsWith('memory://');
    const lost: { error?: Error } = {};
    const lock = inMemory ? undefined : await DataDirLock.acquire(dataDir, (error) => (lost.error = error));
    try {
      const dataSource = new DataSource({
        type: 'postgres',
        driver: new PGliteDriver({ dataDir, ...embeddedStartParams(settings.sharedBuffers) }).driver,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        synchronize: false,
      });
      await dataSource.initialize();
      const database = new Database('pglite', dataSource, lock);
      database.lockLost = lost;
      return database;
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  /**
   * Applies pending migrations; returns the names of those applied. Replicas starting together
   * take turns through an advisory lock, so each migration runs once.
   */
  async migrate(): Promise<string[]> {
    return this.exclusive(() => this.lockedForMigration(async () => (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name)));
  }

  /**
   * Runs `work` (which uses this Database's own methods) while holding the migration lock, so
   * that schema changes of replicas starting together take turns. Embedded mode has one
   * process, and its single session must stay free for `work`, so no lock is taken there.
   */
  async withMigrationLock<T>(work: () => Promise<T>): Promise<T> {
    if (this.backend === 'pglite') return work();
    return this.lockedForMigration(work);
  }

  private async lockedForMigration<T>(work: () => Promise<T>): Promise<T> {
    if (this.backend === 'pglite') return work();
    const lockHolder = this.dataSource.createQueryRunner();
    try {
      await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      return await work();
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lockHolder.release();
    }
  }

  /**
   * Tries to become the one holder of `key` among replicas: a PostgreSQL session advisory
   * lock on a connection of its own, so it ends when this process or its connection dies.
   * Embedded mode has a single process by construction (the data-dir lock), so it always wins.
   */
  async tryLeadership(key: string): Promise<Leadership | null> {
    if (this.backend === 'pglite') return { stillHeld: () => Promise.resolve(!this.closed), release: () => Promise.resolve() };
    const holder = this.dataSource.createQueryRunner();
    try {
      const [row] = (await holder.query('SELECT pg_try_advisory_lock($1) AS ok', [key])) as Array<{ ok: boolean }>;
      if (row?.ok !== true) {
        await holder.release();
        return null;
      }
    } catch (error) {
      await holder.release();
      throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
    let released = false;
    return {
      stillHeld: async () => {
        if (released) return false;
        try {
          await holder.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        await holder.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
        await holder.release();
      },
    };
  }

  async pendingMigrations(): Promise<boolean> {
    return this.exclusive(() => this.dataSource.showMigrations());
  }

  /** Runs `work` in one transaction; commits if it resolves, rolls back if it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.withRunner(true, work));
  }

  /** Runs `work` outside a transaction (each statement commits on its own). */
  run<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.withRunner(false, work));
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.run((sql) => sql.query<T>(text, params));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Queued work on PGlite finishes first; the pool then waits for running queries.
    await this.serial.run(async () => {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    });
    await this.lock?.release();
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new DatabaseUnavailableError('the database has been closed'));
    // Another process may be writing the directory now: writing too would corrupt it.
    if (this.lockLost.error) return Promise.reject(new DatabaseUnavailableError(`lost the lock of the embedded database (${this.lockLost.error.message}); restart the hub`));
    return this.backend === 'pglite' ? this.serial.run(job) : job();
  }

  private async withRunner<T>(transactional: boolean, work: (sql: Sql) => Promise<T>): Promise<T> {
    let runner: QueryRunner | undefined;
    try {
      runner = this.dataSource.createQueryRunner();
      await runner.connect();
    } catch (error) {
      await runner?.release();
      throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    }
    const sql = bindSql(runner);
    try {
      if (!transactional) return await work(sql);
      await runner.startTransaction();
      const result = await work(sql);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (isStalledLink(error)) {
        await releaseStuck(runner, error as Error);
        throw new DatabaseUnavailableError(error);
      }
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error;
    } finally {
      await runner.release();
    }
  }
}

/** node-postgres gave up waiting for an answer: the link stalled (see query_timeout). */
function isStalledLink(error: unknown): boolean {
  return error instanceof Error && /Query read timeout/.test(error.message);
}

/**
 * A connection whose answer never came is out of step with the server for good: it is closed
 * (the server rolls its transaction back) and released with the error, so the pool drops it
 * instead of handing it to the next request. No rollback is sent: it would wait as long again.
 */
async function releaseStuck(runner: QueryRunner, error: Error): Promise<void> {
  const client = (runner as unknown as { databaseConnection?: { connection?: { stream?: { destroy(): void } } } }).databaseConnection;
  client?.connection?.stream?.destroy();
  await (runner as unknown as { releasePostgresConnection(err: Error): Promise<void> }).releasePostgresConnection(error);
}

/** A lock held for as long as this process keeps its connection; see tryLeadership. */
export interface Leadership {
  /** False once the connection holding the lock is gone (the lock went with it). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

function bindSql(runner: QueryRunner): Sql {
  return {
    manager: runner.manager,
    // Structured results give rows the same way on node-pg and PGlite (the unstructured form
    // returns [rows, count] for UPDATE on node-pg but plain rows on PGlite).
    query: async <T>(text: string, params?: unknown[]) => (await runner.query(text, params, true)).records as T[],
  };
}

/** Connection errors may quote the URL; keep the password out of anything logged. */
function stripCredentials(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return 'invalid DATABASE_URL';
  }
  return password ? message.split(password).join('***') : message;
}

/** PGlite's own start parameters, plus the page cache size when one is set (replacing them drops the defaults). */
function embeddedStartParams(sharedBuffers: string | undefined): { startParams?: string[] } {
  return sharedBuffers === undefined ? {} : { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] };
}
