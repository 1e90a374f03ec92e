import { accessSync, constants, mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive } from '../../src/core/persistence/data-dir-lock';
import { unlistedSuites } from './suites';

/**
 * Once per jest run, before any worker starts: a check that every `*.suite.ts` is imported by
 * its folder's `suites.test.ts` (see suites.ts), then a scratch directory for the run (the
 * teardown removes it), named to the workers through the environment.
 * - Every fake Bot API appends each call that names a chat to `calls.jsonl`; the teardown
 *   checks across the whole suite that none went to a customer chat.
 * - The embedded test databases are copies of one migrated data directory, `pglite-template`,
 *   built by the first test that needs one (see test-database.ts). They live in memory
 *   (/dev/shm) where the machine has it: a test database is 39 MB in a thousand files, and
 *   copying, writing and deleting them on disk was a large share of the suite's time.
 * - Scratch space for the packaging tests, in the same place: an `npm install` of the packed
 *   hub writes about 170 MB in thousands of files, and on disk that took twice the time.
 */
export default function setup(): void {
  const unlisted = unlistedSuites(path.join(__dirname, '..'));
  if (unlisted.length > 0) {
    throw new Error(`test suites that no suites.test.ts imports, so they would never run: ${unlisted.join(', ')}. Add \`import './<name>.suite';\` to the suites.test.ts beside each.`);
  }
  const dir = path.join(tmpdir(), `replywatch-test-run-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.env.REPLYWATCH_TEST_RUN_DIR = dir;
  process.env.REPLYWATCH_TEST_RUN_ID = String(process.pid);
  process.env.REPLYWATCH_BOT_API_CALL_LOG = path.join(dir, 'calls.jsonl');
  const databases = path.join(memoryBacked() ?? dir, `replywatch-test-databases-${process.pid}`);
  rmSync(databases, { recursive: true, force: true });
  mkdirSync(databases, { recursive: true });
  process.env.REPLYWATCH_TEST_DATABASES_DIR = databases;
  process.env.REPLYWATCH_PGLITE_TEMPLATE = path.join(databases, 'pglite-template');
  const scratch = path.join(databases, 'scratch');
  mkdirSync(scratch);
  process.env.REPLYWATCH_TEST_SCRATCH_DIR = scratch;
}

const TMPFS_MAGIC = 0x01021994;
/**
 * The template, one database per worker and three plugin installs at once, with room to spare
 * (a container's /dev/shm may be 64 MB).
 */
const MEMORY_NEEDED = 2 * 1024 ** 3;

/** /dev/shm when it is a tmpfs this process may write to, with room for the run's databases. */
function memoryBacked(): string | undefined {
  try {
    const fs = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < MEMORY_NEEDED) return undefined;
    removeAbandoned('/dev/shm');
    return '/dev/shm';
  } catch {
    return undefined;
  }
}

/** A run that was killed never ran its teardown; its databases would hold memory until a reboot. */
function removeAbandoned(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = /^replywatch-test-databases-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(path.join(root, name), { recursive: true, force: true });
  }
}
