import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dropLeftoverDatabases } from './run-databases';

interface LoggedCall {
  method: string;
  chatId: number;
  customerChat: boolean;
}

/**
 * Fails the run if any Bot API call of any test targeted a customer chat; removes the run's
 * scratch directory, and the server databases test files left behind (naming those files).
 */
export default async function teardown(): Promise<void> {
  const leftovers = await dropLeftoverDatabases();
  if (leftovers.length > 0) process.stdout.write(`\nServer test databases left behind (dropped now): ${leftovers.join(', ')}\n`);
  const runDir = process.env.REPLYWATCH_TEST_RUN_DIR;
  const file = process.env.REPLYWATCH_BOT_API_CALL_LOG;
  const calls = file && existsSync(file) ? readCalls(file) : [];
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  const databases = process.env.REPLYWATCH_TEST_DATABASES_DIR;
  if (databases) rmSync(databases, { recursive: true, force: true });
  const violations = calls.filter((c) => c.customerChat);
  if (violations.length > 0) {
    const list = violations.slice(0, 10).map((v) => `${v.method} → ${v.chatId}`).join(', ');
    throw new Error(`${violations.length} of ${calls.length} Bot API calls in this run targeted a customer chat: ${list}`);
  }
  if (calls.length > 0) process.stdout.write(`\nBot API calls naming a chat in this run: ${calls.length}; to a customer chat: 0\n`);
}

function readCalls(file: string): LoggedCall[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LoggedCall);
}
