import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type HubConfig } from './hub-config.schema';

/** The file in the data directory that holds a generated admin token. */
export const ADMIN_TOKEN_FILE = 'admin.token';

export interface KeptAdminToken {
  file: string;
  /** Made on this start (a first start), rather than read from an earlier one. */
  created: boolean;
}

/**
 * On the embedded database with no admin token configured, the hub keeps one in its data
 * directory (readable by its owner only), so the web console and the admin API work after the
 * quick start, and the CLI on the same machine reads through the running hub with it. Never
 * on a PostgreSQL server: replicas would each make a different one. Sets `hub.admin.token`;
 * undefined when nothing is kept (a token is configured, a server database, generation turned
 * off, or `create` is false and no earlier start made one).
 */
export function keepAdminToken(hub: HubConfig, options: { create: boolean }): KeptAdminToken | undefined {
  const { database, admin } = hub;
  if (admin.token !== undefined || !admin.generateToken || database.url || database.dataDir.startsWith('memory://')) return undefined;
  const file = path.resolve(database.dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    readKept(file, admin);
    return { file, created: false };
  }
  if (!options.create) return undefined;
  const token = randomBytes(24).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole under another name, then linked into place: a hub starting at the same time
  // never reads a half-written file, and a crash mid-write leaves no empty one behind.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(partial, file);
  } catch (error) {
    // Another start made one first: that one is the hub's token.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    readKept(file, admin);
    return { file, created: false };
  } finally {
    rmSync(partial, { force: true });
  }
  admin.token = token;
  return { file, created: true };
}

/** Sets `admin.token` from the kept file. */
function readKept(file: string, admin: HubConfig['admin']): void {
  // A symlink could point the hub at any file the user can read, and show it as a token.
  if (lstatSync(file).isSymbolicLink()) throw new Error(`${file} is a symbolic link; the admin token file must be a plain file (delete it to have a new one generated)`);
  const stored = readFileSync(file, 'utf8').trim();
  // Never quoted: whatever is in there may be somebody's secret.
  if (stored.length < 16) throw new Error(`${file} does not hold an admin token of at least 16 characters; delete it to have a new one generated`);
  admin.token = stored;
}
