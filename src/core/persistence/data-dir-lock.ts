import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * An embedded database directory must be opened by one process at a time: PGlite has no
 * locking of its own, and two writers would corrupt it. The lock file holds the owner's pid;
 * a lock left by a process that no longer runs is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'replywatch.lock');
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(file);
        if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
          throw new Error(
            `the embedded database in ${dataDir} is in use by process ${owner}; stop that hub first ` +
              `(or use the admin API), since two processes would corrupt it`,
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new Error(`could not lock the embedded database in ${dataDir}`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
