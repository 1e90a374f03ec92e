import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { createTestDatabase, testBackend } from '../../support/test-database';
import { CUSTOMER, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub } from '../../support/telegram-harness';

describe(`Telegram connector under bad input and restarts (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub | undefined;

  beforeEach(() => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
  });

  afterEach(async () => {
    if (!tg) return;
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
    tg = undefined;
  });

  async function messageCount(): Promise<number> {
    const [row] = await tg!.hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`);
    return row?.n ?? 0;
  }

  it('skips unknown update kinds, messages without a sender and junk, and truncates huge texts', async () => {
    tg = await startTelegramHub({ clock });
    tg.peer.pushUpdate({ message_reaction_count: { chat: { id: -1004000000001, type: 'supergroup' }, message_id: 1, date: 0, reactions: [] } });
    tg.peer.pushUpdate({ some_future_update: { whatever: true } });
    tg.peer.pushUpdate({ message: { message_id: 5, date: 1, chat: { id: -1004000000001, type: 'supergroup', title: 'X' }, text: 'no from, no sender_chat' } });
    tg.peer.groupMessage({ chatId: -1004000000002, from: CUSTOMER, text: 'y'.repeat(40_000) });
    await eventually(async () => (await messageCount()) === 1, clock);
    const [row] = await tg.hub.db.query<{ text: string }>(`SELECT text FROM messages`);
    expect(row?.text).toHaveLength(16_384);
    expect(row?.text.endsWith('…')).toBe(true);
    // Polling went on past the junk: a later message is stored too.
    tg.peer.groupMessage({ chatId: -1004000000003, from: CUSTOMER, text: 'after the junk' });
    await eventually(async () => (await messageCount()) === 2, clock);
  });

  it('skips a message with a broken date (1970) that the hub refuses, and goes on with the next', async () => {
    tg = await startTelegramHub({ clock });
    tg.peer.groupMessage({ chatId: -1004000000011, from: CUSTOMER, text: 'sent by a broken clock', date: 1 });
    tg.peer.groupMessage({ chatId: -1004000000012, from: CUSTOMER, text: 'an ordinary question' });
    await eventually(async () => (await messageCount()) === 1 && tg!.peer.pendingUpdateCount === 0, clock);
    expect(await tg.hub.db.query(`SELECT text FROM messages`)).toEqual([{ text: 'an ordinary question' }]);
    expect(await inquiriesOf(tg.hub)).toHaveLength(1);
  });

  it('reports a token the Bot API rejects as a down connector while the rest of the hub runs', async () => {
    const { FakeBotApi } = await import('../../support/fake-bot-api');
    const peer = new FakeBotApi({ token: '123456789:TEST-token-abcdefghijklmnopqrstu', now: () => clock.now() });
    await peer.start();
    peer.setTokenValid(false);
    tg = await startTelegramHub({ clock, peer });
    const ready = (await (await fetch(`${tg.hub.url}/health/ready`)).json()) as { connectors: Record<string, { status: string; detail?: string }> };
    expect(ready.connectors.telegram?.status).toBe('down');
    expect(ready.connectors.telegram?.detail).toMatch(/401.*token/);
    expect(JSON.stringify(ready)).not.toContain('TEST-token');
    const { ingestBody } = await import('../../support/hub-harness');
    expect((await tg.hub.post(ingestBody())).status).toBe(200);
  });

  it('keeps trying when the Bot API cannot be reached at start, and connects once it can', async () => {
    const { FakeBotApi } = await import('../../support/fake-bot-api');
    const peer = new FakeBotApi({ token: '123456789:TEST-token-abcdefghijklmnopqrstu', now: () => clock.now() });
    await peer.start();
    peer.failNext('getMe', { kind: 'http', status: 502, body: '<html>Bad Gateway</html>' }, { times: 2 });
    tg = await startTelegramHub({ clock, peer });
    const ready = (await (await fetch(`${tg.hub.url}/health/ready`)).json()) as { connectors: Record<string, { status: string; detail?: string }> };
    expect(ready.connectors.telegram).toMatchObject({ status: 'degraded' });
    expect(ready.connectors.telegram?.detail).toMatch(/retrying/);
    for (let i = 0; i < 10 && peer.callsTo('getUpdates').length === 0; i++) await clock.advance(5000).then(() => new Promise((r) => setTimeout(r, 50)));
    tg.peer.groupMessage({ chatId: -1004000000020, from: CUSTOMER, text: 'after the outage' });
    await eventually(async () => (await messageCount()) === 1, clock);
  });

  it('explains a 409 conflict (a webhook is set) on /health and recovers when it is gone', async () => {
    tg = await startTelegramHub({ clock });
    tg.peer.failNext('getUpdates', { kind: 'error', code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    await eventually(async () => {
      const ready = (await (await fetch(`${tg!.hub.url}/health/ready`)).json()) as { connectors: Record<string, { detail?: string }> };
      return /webhook is set/.test(ready.connectors.telegram?.detail ?? '');
    }, clock);
    await clock.advance(30_000);
    tg.peer.groupMessage({ chatId: -1004000000010, from: CUSTOMER, text: 'after the conflict' });
    await eventually(async () => (await messageCount()) === 1, clock);
  });

  it('loses and duplicates nothing when restarted in the middle of a stream', async () => {
    const database = await createTestDatabase();
    try {
      tg = await startTelegramHub({ clock, database });
      const groups = 20;
      for (let i = 0; i < 200; i++) tg.peer.groupMessage({ chatId: -1004100000000 - (i % groups), from: i % 10 === 9 ? STAFF_USER : CUSTOMER, text: `m${i}` });
      await eventually(async () => (await messageCount()) > 0, clock);
      await tg.stopHub();
      for (let i = 200; i < 300; i++) tg.peer.groupMessage({ chatId: -1004100000000 - (i % groups), from: CUSTOMER, text: `m${i}` });
      await tg.startHub();
      await eventually(async () => (await messageCount()) === 300, clock, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(await messageCount()).toBe(300);
      const perConversation = await tg.hub.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM inquiries WHERE status IN ('open', 'on_hold') GROUP BY conversation_id HAVING count(*) > 1`,
      );
      expect(perConversation).toEqual([]);
      expect((await inquiriesOf(tg.hub)).length).toBeGreaterThanOrEqual(groups);
    } finally {
      await tg?.close();
      tg = undefined;
      await database.drop();
    }
  });
});
