import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { createTestDatabase, testBackend } from '../../support/test-database';

type Answer = { status: number | 'reset' | 'refused'; retryAfter: string | null; conversation: string };

/**
 * `count` signed requests, each a batch of `size` messages in its own conversation, sent at
 * once from another process: the embedded database runs on the hub's thread, so a client in
 * the same process could not send while a commit runs, and no queue would ever form.
 */
async function burst(hub: TestHub, count: number, prefix: string, size = 1): Promise<Answer[]> {
  const signer = new Webhook(hub.secret);
  const requests = Array.from({ length: count }, (_, i) => {
    const conversation = `${prefix}-${i}`;
    const body = JSON.stringify({ messages: Array.from({ length: size }, () => ingestBody({ conversation })) });
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) };
    return { conversation, body, headers };
  });
  const script = `
    const requests = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    Promise.all(requests.map(async (r) => {
      try {
        const response = await fetch(${JSON.stringify(`${hub.url}/api/v1/messages`)}, { method: 'POST', headers: r.headers, body: r.body });
        await response.arrayBuffer();
        return { status: response.status, retryAfter: response.headers.get('retry-after'), conversation: r.conversation };
      } catch (error) {
        // Refused: the listener was already closed, nothing was sent. Reset: sent, fate unknown.
        const refused = error && error.cause && error.cause.code === 'ECONNREFUSED';
        return { status: refused ? 'refused' : 'reset', retryAfter: null, conversation: r.conversation };
      }
    })).then((answers) => process.stdout.write(JSON.stringify(answers)));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin.end(JSON.stringify(requests));
  await exited;
  return JSON.parse(out) as Answer[];
}

async function storedConversations(hub: TestHub): Promise<string[]> {
  const rows = await hub.db.query<{ id: string }>(`SELECT DISTINCT c.external_id AS id FROM messages m JOIN conversations c ON c.id = m.conversation_id`);
  return rows.map((r) => r.id).sort();
}

describe(`HTTP intake when the hub stops under load (${testBackend})`, () => {
  it('sheds a burst beyond intake.maxQueued with 503 and Retry-After, storing nothing of what it refused', async () => {
    const database = await createTestDatabase();
    // Small batches make the queue build up on either backend.
    const hub = await startTestHub({ database, hub: { intake: { maxBatch: 5, maxQueued: 40 } } });
    try {
      // A queue forms only when requests arrive faster than commits; on a machine busy with
      // other work the sending process may be too slow for that, so a burst that was all taken
      // is followed by a heavier one (more messages per request), up to three.
      const answers: Answer[] = [];
      for (let round = 0; round < 3 && !answers.some((a) => a.status === 503); round++) {
        answers.push(...(await burst(hub, 400, `shed-${round}`, 1 + 4 * round)));
      }
      expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((a) => a.retryAfter === '2')).toBe(true);
      expect(await storedConversations(hub)).toEqual(answers.filter((a) => a.status === 200).map((a) => a.conversation).sort());
    } finally {
      await hub.close().catch(() => undefined);
      await database.drop();
    }
  });

  it('answers requests in flight when it stops: each one 200 (stored) or 503 (not stored), none reset', async () => {
    const database = await createTestDatabase();
    const hub = await startTestHub({ database, hub: { intake: { maxBatch: 5 } } });
    try {
      // Fewer than the listener's backlog (511): connections past it have their SYN dropped
      // and retried by the sender's kernel a second later, after the hub may have gone.
      const sending = burst(hub, 400, 'stop');
      // Stop once the burst is being stored.
      for (let i = 0; i < 500 && (await storedConversations(hub)).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await hub.app.close();
      const answers = await sending;
      expect(answers.filter((a) => a.status !== 200 && a.status !== 503 && a.status !== 'refused')).toEqual([]);
      // What was answered 200 is on disk after the stop; nothing else is.
      const reopened = await database.open();
      try {
        const stored = await reopened.query<{ id: string }>(`SELECT DISTINCT c.external_id AS id FROM messages m JOIN conversations c ON c.id = m.conversation_id`);
        expect(stored.map((r) => r.id).sort()).toEqual(answers.filter((a) => a.status === 200).map((a) => a.conversation).sort());
      } finally {
        await reopened.close();
      }
    } finally {
      await hub.close().catch(() => undefined);
      await database.drop();
    }
  });
});
