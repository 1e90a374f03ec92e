import { pendingCleanups } from '../shared/lifecycle';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database, type Backend } from '../../src/core/persistence/database';

export interface BenchDatabase {
  db: Database;
  /** Where the data lives, for the report (a directory, or a database name without credentials). */
  location: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated database: a new file-backed PGlite directory, or a new PostgreSQL database. */
export async function openFresh(backend: Backend, adminUrl: string): Promise<BenchDatabase> {
  return backend === 'postgres' ? openPostgres(adminUrl) : openPglite();
}

async function openPglite(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  pendingCleanups.add(removeDir);
  const db = await migrated(Database.open({ dataDir, poolSize: 1 }), removeDir);
  return { db, location: dataDir, dispose: owned(removeDir, () => db.close()) };
}

async function openPostgres(adminUrl: string): Promise<BenchDatabase> {
  const scratch = await scratchPostgres(adminUrl);
  const db = await migrated(Database.open({ url: scratch.url, dataDir: '', poolSize: 10 }), scratch.drop);
  return { db, location: scratch.location, dispose: owned(scratch.drop, () => db.close()) };
}

export interface ScratchPostgres {
  url: string;
  /** host:port/name, without credentials, for the report. */
  location: string;
  /** Drops the database (also run on abort until then). */
  drop(): Promise<void>;
}

/** A new, empty `rw_bench_*` database on the server, owed to pendingCleanups until drop(). */
export async function scratchPostgres(adminUrl: string): Promise<ScratchPostgres> {
  const name = `rw_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const dropDb = () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  pendingCleanups.add(dropDb);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    location: `${url.host}/${name}`,
    drop: async () => {
      await dropDb();
      pendingCleanups.delete(dropDb);
    },
  };
}

async function migrated(opening: Promise<Database>, cleanup: () => Promise<void>): Promise<Database> {
  let db: Database | undefined;
  try {
    db = await opening;
    await db.migrate();
    return db;
  } catch (error) {
    await db?.close().catch(() => undefined);
    await cleanup();
    pendingCleanups.delete(cleanup);
    throw error;
  }
}

function owned(cleanup: () => Promise<void>, close: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await close();
    } finally {
      await cleanup();
      pendingCleanups.delete(cleanup);
    }
  };
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
