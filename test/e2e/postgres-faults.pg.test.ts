import { ingestBody, startTestHub, type TestHub } from '../support/hub-harness';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type ProxyMode, TcpProxy } from '../support/tcp-proxy';

interface Answer {
  status: number | 'timeout' | 'error';
  messageId: string;
  sentAt: number;
  tookMs: number;
  during: ProxyMode;
}

/** The hub's PostgreSQL link broken from outside while senders keep sending. */
describe('PostgreSQL faults under load (postgres)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let hub: TestHub;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const direct = new URL(database.settings.url as string);
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(direct);
    proxied.port = String(await proxy.start());
    hub = await startTestHub({
      database: { ...database, settings: { ...database.settings, url: proxied.toString() } },
      hub: { database: { url: proxied.toString(), statementTimeout: '2s', connectTimeout: '1s', poolSize: 4 } },
    });
  });

  afterAll(async () => {
    await hub.close().catch(() => undefined);
    await proxy.stop();
    await database.drop();
  });

  it('keeps every acknowledged message through a cut and a stall, answers 503 in time meanwhile, and recovers by itself', async () => {
    const answers: Answer[] = [];
    let mode: ProxyMode = 'pass';
    let sending = true;
    const sender = async () => {
      while (sending) {
        const body = ingestBody({ conversation: `fault-${answers.length % 7}` });
        const started = Date.now();
        const during = mode;
        let status: Answer['status'];
        try {
          const response = await hub.post(body, { headers: {} });
          await response.arrayBuffer();
          status = response.status;
        } catch (error) {
          status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
        }
        answers.push({ status, messageId: body.message.id, sentAt: started, tookMs: Date.now() - started, during });
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const senders = Array.from({ length: 4 }, () => sender());
    const phase = async (next: ProxyMode, ms: number) => {
      mode = next;
      proxy.set(next);
      await new Promise((resolve) => setTimeout(resolve, ms));
    };
    await phase('pass', 1000);
    await phase('cut', 2500);
    await phase('pass', 4000);
    // Longer than the statement timeout plus the stalled-link grace (4 s here).
    await phase('stall', 10_000);
    await phase('pass', 6000);
    sending = false;
    await Promise.all(senders);

    if (process.env.REPLYWATCH_FAULT_REPORT) console.log(
      JSON.stringify(['pass', 'cut', 'stall'].map((m) => ({ m, n: answers.filter((a) => a.during === m).length, s: [...new Set(answers.filter((a) => a.during === m).map((a) => a.status))], max: Math.max(0, ...answers.filter((a) => a.during === m).map((a) => a.tookMs)) }))));
    const direct = await database.open();
    try {
      const stored = new Set((await direct.query<{ id: string }>(`SELECT external_id AS id FROM messages`)).map((r) => r.id));
      const acknowledged = answers.filter((a) => a.status === 200);
      expect(acknowledged.filter((a) => !stored.has(a.messageId))).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(10);
    } finally {
      await direct.close();
    }
    // Only "stored" or "not stored, retry later": never a 500, never left waiting.
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    // Nothing waits the 10 s stall out: a stuck query is given up after the statement timeout
    // plus 2 s (4 s here); one request may meet two of them (its lookup, then its commit).
    expect(Math.max(...answers.map((a) => a.tookMs))).toBeLessThan(9500);
    expect(answers.some((a) => a.during !== 'pass' && a.status === 503)).toBe(true);
    // Healed: the last second of sending went through.
    const last = answers.filter((a) => a.sentAt > Date.now() - 1500);
    expect(last.length).toBeGreaterThan(0);
    expect(last.every((a) => a.status === 200)).toBe(true);
  });
});
