import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Once per jest run, before any worker starts: a scratch directory for the run (the teardown
 * removes it), named to the workers through the environment.
 * - Every fake Bot API appends each call that names a chat to `calls.jsonl`; the teardown
 *   checks across the whole suite that none went to a customer chat.
 * - The embedded test databases are copies of one migrated data directory, `pglite-template`,
 *   built by the first test that needs one (see test-database.ts).
 */
export default function setup(): void {
  const dir = path.join(tmpdir(), `replywatch-test-run-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.env.REPLYWATCH_TEST_RUN_DIR = dir;
  process.env.REPLYWATCH_BOT_API_CALL_LOG = path.join(dir, 'calls.jsonl');
  process.env.REPLYWATCH_PGLITE_TEMPLATE = path.join(dir, 'pglite-template');
}
