import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

interface LoggedCall {
  method: string;
  chatId: number;
  customerChat: boolean;
}

/** Fails the run if any Bot API call of any test targeted a customer chat. */
export default function teardown(): void {
  const file = process.env.REPLYWATCH_BOT_API_CALL_LOG;
  if (!file || !existsSync(file)) return;
  const calls = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LoggedCall);
  const violations = calls.filter((c) => c.customerChat);
  rmSync(path.dirname(file), { recursive: true, force: true });
  if (violations.length > 0) {
    const list = violations.slice(0, 10).map((v) => `${v.method} → ${v.chatId}`).join(', ');
    throw new Error(`${violations.length} of ${calls.length} Bot API calls in this run targeted a customer chat: ${list}`);
  }
  process.stdout.write(`\nBot API calls naming a chat in this run: ${calls.length}; to a customer chat: 0\n`);
}
