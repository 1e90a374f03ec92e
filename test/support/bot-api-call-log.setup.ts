import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every fake Bot API in the run appends each call that names a chat to this file; the
 * teardown then checks, across the whole suite, that none went to a customer chat.
 */
export default function setup(): void {
  const dir = path.join(tmpdir(), `replywatch-bot-api-calls-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.env.REPLYWATCH_BOT_API_CALL_LOG = path.join(dir, 'calls.jsonl');
}
