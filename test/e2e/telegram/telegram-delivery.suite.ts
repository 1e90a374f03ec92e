import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { advanceBy, CUSTOMER, DUTY_CHAT, eventually, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';

/** Every opened inquiry is announced in the duty chat: a steady stream to test delivery with. */
const announceRules = () => telegramRules({ notify: { inquiryOpened: ['duty'] } });

describe(`Telegram duty notifications under faults (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub;

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  async function deliveries(): Promise<Array<{ status: string; last_error: string | null }>> {
    return tg.hub.db.query(`SELECT status, last_error FROM deliveries ORDER BY seq`);
  }

  it('delays but loses no notification in a 429 storm, and keeps their order', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: announceRules() });
    tg.peer.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, { times: 4 });
    for (let i = 1; i <= 6; i++) tg.peer.groupMessage({ chatId: -1003000000000 - i, title: `Client ${i}`, from: CUSTOMER, text: `question ${i}` });
    await eventually(async () => (await deliveries()).length === 6, clock);
    const [{ rows }] = [{ rows: await tg.hub.db.query<{ title: string }>(`SELECT c.title FROM deliveries d JOIN inquiries i ON i.id = d.inquiry_id JOIN conversations c ON c.id = i.conversation_id ORDER BY d.seq`) }];
    const written = rows.map((r) => r.title);

    for (let i = 0; i < 40 && tg.peer.sentTo(DUTY_CHAT).length < 6; i++) await advanceBy(clock, 2000, 1000);
    // Each title links to its chat (supergroups): compare what the duty engineer reads.
    const visible = (html: string) => html.replace(/<[^>]+>/g, '');
    expect(tg.peer.sentTo(DUTY_CHAT).map((s) => visible(String(s.params.text)).split('\n')[0])).toEqual(written.map((title) => `🆕 New inquiry — ${title}`));
    expect(tg.peer.rateLimited.total + tg.peer.callsTo('sendMessage').filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(4);
    expect((await deliveries()).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('stays under the flood limits by itself when Telegram enforces them', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    const { FakeBotApi } = await import('../../support/fake-bot-api');
    const peer = new FakeBotApi({ token: '123456789:TEST-token-abcdefghijklmnopqrstu', now: () => clock.now(), enforceRateLimits: true, botUsername: 'replywatch_test_bot' });
    await peer.start();
    // 25 notices one by one (the storm guard would digest those past 20 a minute): the pacer alone keeps them under Telegram's limit.
    const unguarded = telegramRules({ notify: { inquiryOpened: ['duty'] }, duty: { targets: [{ name: 'duty', connector: 'telegram', to: { chatId: DUTY_CHAT } }], stormLimitPerMinute: 1000 } });
    tg = await startTelegramHub({ clock, rules: unguarded, peer });
    for (let i = 1; i <= 25; i++) tg.peer.groupMessage({ chatId: -1003100000000 - i, from: CUSTOMER, text: `q${i}` });
    await eventually(async () => (await deliveries()).length === 25, clock, 15_000);
    for (let i = 0; i < 200 && tg.peer.sentTo(DUTY_CHAT).length < 25; i++) await advanceBy(clock, 5000, 1000);
    expect(tg.peer.sentTo(DUTY_CHAT)).toHaveLength(25);
    // Paced below 20 a minute into the group: Telegram never had to refuse one.
    expect(tg.peer.rateLimited.total).toBe(0);
  });

  it('sends opened notices past the storm limit as one digest at the end of the minute', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: announceRules() });
    for (let i = 1; i <= 25; i++) tg.peer.groupMessage({ chatId: -1003400000000 - i, title: `Storm ${i}`, from: CUSTOMER, text: `q${i}` });
    await eventually(async () => (await tg.hub.db.query(`SELECT 1 FROM inquiries`)).length === 25, clock, 15_000);
    for (let i = 0; i < 100 && tg.peer.sentTo(DUTY_CHAT).length < 21; i++) await advanceBy(clock, 5000, 1000);
    const texts = tg.peer.sentTo(DUTY_CHAT).map((s) => String(s.params.text));
    // 20 on their own (the default limit), then one digest listing the other 5.
    expect(texts.filter((t) => t.startsWith('🆕 New inquiry'))).toHaveLength(20);
    const digest = texts.filter((t) => t.startsWith('Too many alerts at once'));
    expect(digest).toHaveLength(1);
    expect((digest[0] ?? '').match(/New inquiry/g)).toHaveLength(5);
  });

  it('dead-letters with a clear reason when the bot was removed from the duty chat', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: announceRules() });
    tg.peer.removeBot(DUTY_CHAT);
    tg.peer.groupMessage({ chatId: -1003200000001, from: CUSTOMER, text: 'hello' });
    await eventually(async () => (await deliveries())[0]?.status === 'dead', clock);
    expect((await deliveries())[0]?.last_error).toMatch(/403 .*removed from the chat/);
  });

  it('follows a duty group upgraded to a supergroup and delivers there', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: announceRules() });
    const upgraded = -1009000000777;
    tg.peer.migrateChat(DUTY_CHAT, upgraded);
    tg.peer.markDutyChat(upgraded);
    tg.peer.groupMessage({ chatId: -1003300000001, title: 'Acme', from: CUSTOMER, text: 'hello' });
    await eventually(async () => (await deliveries()).length === 1, clock);
    for (let i = 0; i < 20 && tg.peer.sentTo(upgraded).length === 0; i++) await advanceBy(clock, 1000, 1000);
    expect(tg.peer.sentTo(upgraded)).toHaveLength(1);
    await eventually(async () => (await deliveries())[0]?.status === 'delivered', clock);
    expect(await tg.hub.db.query(`SELECT key, value FROM connector_state WHERE connector = 'telegram' AND key LIKE 'chat-alias:%'`)).toEqual([{ key: `chat-alias:${DUTY_CHAT}`, value: { newChatId: upgraded } }]);
  });

  it('splits a notification over 4096 characters and does not resend parts after a failure', async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: announceRules() });
    tg.peer.failNext('sendMessage', { kind: 'http', status: 502, body: '<html>Bad Gateway</html>' }, { times: 1 });
    // The first part goes, the 502 hits the second; the retry must send only the second.
    tg.peer.failNext('sendMessage', { kind: 'delay', ms: 0 }, { times: 1 });
    const title = 'T'.repeat(200);
    tg.peer.groupMessage({ chatId: -1003400000001, title: `${title} ${'x '.repeat(2500)}`, from: CUSTOMER, text: 'long title' });
    for (let i = 0; i < 30 && (await deliveries())[0]?.status !== 'delivered'; i++) await advanceBy(clock, 2000, 1000);
    const parts = tg.peer.sentTo(DUTY_CHAT).map((s) => String(s.params.text));
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('')).toContain(title);
  });
});
