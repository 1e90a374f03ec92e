import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirLock } from '../../../src/core/persistence/data-dir-lock';
import { Database } from '../../../src/core/persistence/database';
import { TEST_SHARED_BUFFERS } from '../../support/test-database';

const LOCK_MODULE = path.resolve('dist/core/persistence/data-dir-lock.js');

/** A separate process that takes the lock and reports `held`, `refused …` or `lost` on stdout. */
function lockHolder(dataDir: string, options: { stallMs?: number } = {}): { child: ChildProcess; lines: string[]; said: (prefix: string) => Promise<string> } {
  // With stallMs, the holder's event loop is blocked that long right after it takes the lock,
  // as a hub's is while its database starts on a loaded machine: no refresh happens meanwhile.
  // Atomics.wait blocks the thread as a busy loop would, without burning a core the other test
  // files need.
  const stall = options.stallMs ? `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${options.stallMs}); console.log('awake');` : '';
  const script = `require(${JSON.stringify(LOCK_MODULE)}).DataDirLock.acquire(${JSON.stringify(dataDir)}, () => console.log('lost'))
    .then(() => { console.log('held'); ${stall} }, (e) => { console.log('refused ' + e.message); process.exit(0); });
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    waiters.splice(0).forEach((wake) => wake());
  });
  const said = async (prefix: string): Promise<string> => {
    for (;;) {
      const line = lines.find((l) => l.startsWith(prefix));
      if (line) return line;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, lines, said };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('embedded data directory', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-datadir-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await killed(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second process at once while the first runs, and takes over within seconds once it is killed', async () => {
    const first = lockHolder(dir);
    children.push(first.child);
    await first.said('held');
    const started = Date.now();
    await expect(DataDirLock.acquire(dir, () => undefined)).rejects.toThrow(`in use by process ${first.child.pid}`);
    expect(Date.now() - started).toBeLessThan(1000);

    await killed(first.child);
    const lock = await DataDirLock.acquire(dir, () => undefined);
    expect(Date.now() - started).toBeLessThan(15_000);
    await lock.release();
  });

  it('never takes the lock from a holder that runs but has not refreshed it for longer than the stale time', async () => {
    const busy = lockHolder(dir, { stallMs: 8000 });
    children.push(busy.child);
    await busy.said('held');
    // Past the 5 s stale time: the lock looks abandoned, but its process is alive.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await expect(DataDirLock.acquire(dir, () => undefined)).rejects.toThrow(`in use by process ${busy.child.pid}`);
    await busy.said('awake');
    // The holder's next refresh finds the lock still its own.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(busy.lines).not.toContain('lost');
  });

  it('lets exactly one of several processes racing for a stale lock hold it', async () => {
    const dead = lockHolder(dir);
    children.push(dead.child);
    await dead.said('held');
    await killed(dead.child);
    const racers = Array.from({ length: 4 }, () => lockHolder(dir));
    children.push(...racers.map((r) => r.child));
    const outcomes = await Promise.all(racers.map((r) => Promise.race([r.said('held'), r.said('refused')])));
    // A holder whose lock was taken from it is told so within its refresh period.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const holding = racers.filter((r) => r.lines.includes('held') && !r.lines.includes('lost'));
    expect(holding).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('refused')).every((o) => o.includes('in use by'))).toBe(true);
  });

  it('keeps the directory to its owner whatever the umask, and tightens files an older release left open', async () => {
    const previous = process.umask(0);
    try {
      mkdirSync(path.join(dir, 'base'), { recursive: true });
      writeFileSync(path.join(dir, 'base', 'old-file'), 'x', { mode: 0o666 });
      chmodSync(path.join(dir, 'base', 'old-file'), 0o666);
      const db = await Database.open({ dataDir: dir, poolSize: 1, sharedBuffers: TEST_SHARED_BUFFERS });
      try {
        await db.migrate();
        await db.query(`INSERT INTO ingest_receipts (source, receipt_id, received_at) VALUES ('t', 'a', now())`);
      } finally {
        await db.close();
      }
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dir, 'base', 'old-file')).mode & 0o777).toBe(0o600);
      // At rest, every file the database wrote is the owner's alone.
      const open = walk(dir).filter((file) => (statSync(file).mode & 0o077) !== 0);
      expect(open).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? [full, ...walk(full)] : entry.isFile() ? [full] : [];
  });
}
