import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * A holder refreshes the lock this often; one not refreshed for STALE_MS is taken over, unless
 * the process it names still runs.
 */
const STALE_MS = 5000;
const UPDATE_MS = 1000;
const LOCK_NAME = 'replywatch.lock.d';
const PID_NAME = 'replywatch.pid';
/** The pid lock file of earlier releases; removed once the new lock is held. */
const LEGACY_LOCK = 'replywatch.lock';

/**
 * An embedded database directory must be opened by one process at a time: PGlite has no
 * locking of its own, and two writers would corrupt it. The lock is a directory created
 * atomically (proper-lockfile), refreshed while held; a lock left by a killed process goes
 * stale within seconds and is taken over. The owner's pid is kept beside it to name the
 * process in the refusal, and a process that still runs is never waited for.
 */
export class DataDirLock {
  private constructor(
    private readonly dataDir: string,
    private readonly releaseLock: () => Promise<void>,
  ) {}

  /**
   * `onLost` is called if the lock is taken away while held (its directory removed, or not
   * refreshed in time because the process stalled): the database must stop writing.
   */
  static async acquire(dataDir: string, onLost: (error: Error) => void): Promise<DataDirLock> {
    securePrivateDirectory(dataDir);
    // A hub of an earlier release holds its pid file instead: respect it while it runs.
    const legacyOwner = readLegacyOwner(dataDir);
    if (legacyOwner !== undefined && legacyOwner !== process.pid && isAlive(legacyOwner)) throw inUse(dataDir, legacyOwner);
    const lockfilePath = path.join(dataDir, LOCK_NAME);
    // A holder that still runs keeps its lock even if it has not refreshed it lately: a hub
    // whose event loop is busy for seconds (the database starting on a loaded machine) is not
    // gone, and taking its lock over would leave it unable to write.
    const holder = existsSync(lockfilePath) ? readOwner(dataDir) : undefined;
    if (holder !== undefined && holder !== process.pid && isHubProcess(holder)) throw inUse(dataDir, holder);
    const options = { realpath: false, stale: STALE_MS, update: UPDATE_MS, lockfilePath, onCompromised: onLost };
    let release: () => Promise<void>;
    try {
      release = await lock(dataDir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const owner = readOwner(dataDir);
      // A fresh lock whose owner runs (this process included) is in use: refuse at once.
      if (owner !== undefined && (owner === process.pid || isAlive(owner))) throw inUse(dataDir, owner);
      // The holder is gone: its lock turns stale within STALE_MS, then it is ours.
      release = await lock(dataDir, { ...options, retries: { retries: Math.ceil((STALE_MS * 2) / 250), factor: 1, minTimeout: 250, maxTimeout: 250 } }).catch((retryError: unknown) => {
        if ((retryError as NodeJS.ErrnoException).code === 'ELOCKED') throw inUse(dataDir, readOwner(dataDir));
        throw retryError;
      });
    }
    writeFileSync(path.join(dataDir, PID_NAME), String(process.pid), { mode: 0o600 });
    rmSync(path.join(dataDir, LEGACY_LOCK), { force: true });
    return new DataDirLock(dataDir, release);
  }

  async release(): Promise<void> {
    rmSync(path.join(this.dataDir, PID_NAME), { force: true });
    // Files the database created while running (under a loose umask) are closed at rest too.
    try {
      tighten(this.dataDir);
    } catch {
      // A directory removed under us has nothing left to protect.
    }
    // Already released (the lock was lost, or released twice) is not an error here.
    await this.releaseLock().catch(() => undefined);
  }
}

/**
 * The directory holds customers' messages: only this user may enter it, whatever the umask.
 * Files an earlier release created readable by others are tightened too; files created while
 * the hub runs are out of other users' reach through the directory's mode, and are tightened
 * when the lock is released.
 */
function securePrivateDirectory(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(dataDir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tighten(full);
    else if (entry.isFile() && (statSync(full).mode & 0o077) !== 0) chmodSync(full, 0o600);
  }
}

/** Another process (a running hub, as a rule) holds the embedded database. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: number | undefined,
  ) {
    super(`the embedded database in ${dataDir} is in use by ${owner === undefined ? 'another process' : `process ${owner}`}; stop that hub first (or use the admin API), since two processes would corrupt it`);
    this.name = 'DataDirInUseError';
  }
}

function inUse(dataDir: string, owner: number | undefined): Error {
  return new DataDirInUseError(dataDir, owner);
}

function readOwner(dataDir: string): number | undefined {
  return readPid(path.join(dataDir, PID_NAME));
}

function readLegacyOwner(dataDir: string): number | undefined {
  return readPid(path.join(dataDir, LEGACY_LOCK));
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid file's process runs and could be a hub. After a crash the pid may have been reused
 * by an unrelated program; where /proc tells the command line, only a Node.js process counts.
 */
function isHubProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** Whether a process with this id exists (one we may not signal counts: it runs). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
