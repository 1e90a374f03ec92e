import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { createTestDatabase } from '../../support/test-database';
import { startTestHub } from '../../support/hub-harness';
import { BOT_TOKEN, CUSTOMER, eventually, inquiriesOf, startTelegramHub, telegramRules } from '../../support/telegram-harness';

/** Several replicas on one PostgreSQL database: one polls, the others stand by and take over. */
describe('Telegram polling with replicas (postgres)', () => {
  it('polls from one replica only, and another takes over when it stops, losing nothing', async () => {
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    const database = await createTestDatabase();
    const tg = await startTelegramHub({ clock, database });
    const second = await startTestHub({
      clock,
      database,
      hub: {
        outbox: { pollInterval: '30s', baseDelay: '1s' },
        connectors: { telegram: { enabled: true, token: BOT_TOKEN, apiRoot: tg.peer.apiRoot, polling: { timeout: 1 } } },
      },
      rules: telegramRules(),
    });
    try {
      for (let i = 0; i < 40; i++) tg.peer.groupMessage({ chatId: -1007000000000 - (i % 8), from: CUSTOMER, text: `m${i}` });
      await eventually(async () => (await tg.hub.db.query(`SELECT 1 FROM messages`)).length === 40, clock);
      expect(tg.peer.maxConcurrentPollers).toBe(1);
      expect(tg.peer.callsTo('getUpdates').filter((c) => c.status === 409)).toEqual([]);

      await tg.stopHub();
      // The standby retries the lock every 15 s of (virtual) time.
      for (let i = 0; i < 40; i++) tg.peer.groupMessage({ chatId: -1007000000100 - (i % 8), from: CUSTOMER, text: `n${i}` });
      await clock.advance(16_000);
      await eventually(async () => (await second.db.query(`SELECT 1 FROM messages`)).length === 80, clock, 15_000);
      expect((await inquiriesOf(second)).length).toBe(16);
    } finally {
      await second.close();
      await tg.close();
      await database.drop();
    }
  });
});
