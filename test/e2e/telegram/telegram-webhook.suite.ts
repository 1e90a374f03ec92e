import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { BOT_TOKEN, CUSTOMER, eventually, inquiriesOf, startTelegramHub, type TelegramHub } from '../../support/telegram-harness';

const SECRET = 'webhook-secret-0123456789abcdef';

describe(`Telegram webhook mode (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub;

  beforeEach(async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, telegram: { mode: 'webhook', webhook: { secretToken: SECRET } } });
  });

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${tg.hub.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('refuses requests without the right secret token header and stores nothing', async () => {
    const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: -1006000000001, type: 'supergroup' }, from: CUSTOMER, text: 'x' } };
    expect((await post({}, update)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': `${SECRET}x` }, update)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET.toUpperCase() }, update)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, { not: 'an update' })).status).toBe(400);
    expect(await tg.hub.db.query(`SELECT 1 FROM messages`)).toEqual([]);
  });

  it('takes updates Telegram posts with the secret, once each, and does not poll', async () => {
    const set = await fetch(`${tg.peer.apiRoot}/bot${BOT_TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${tg.hub.url}/telegram/webhook`, secret_token: SECRET }),
    });
    expect(set.status).toBe(200);
    tg.peer.groupMessage({ chatId: -1006000000002, title: 'Hooked', from: CUSTOMER, text: 'via webhook' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    // Telegram retrying the same update changes nothing.
    const update = tg.peer.pushedUpdates[0];
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, update)).status).toBe(200);
    expect((await inquiriesOf(tg.hub))[0]?.customer_message_count).toBe(1);
    expect(tg.peer.getUpdatesCalls).toBe(0);
  });

  it('answers 200 to an update the hub refuses (half a surrogate pair), so Telegram stops sending it, and takes the next', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const now = Math.floor(clock.now() / 1000);
    const broken = { update_id: 10, message: { message_id: 1, date: now, chat: { id: -1006000000003, type: 'supergroup', title: 'Odd' }, from: CUSTOMER, text: 'half \ud800 a pair' } };
    const fine = { update_id: 11, message: { message_id: 2, date: now, chat: { id: -1006000000003, type: 'supergroup', title: 'Odd' }, from: CUSTOMER, text: 'a question' } };
    expect((await post(headers, broken)).status).toBe(200);
    expect((await post(headers, fine)).status).toBe(200);
    expect(await tg.hub.db.query(`SELECT text FROM messages`)).toEqual([{ text: 'a question' }]);
  });

  it('skips an update whose fields have the wrong types (found by the fuzz suite: text 0 answered 500) and takes the next', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const now = Math.floor(clock.now() / 1000);
    const chat = { id: -1006000000004, type: 'supergroup', title: 'Typed' };
    expect((await post(headers, { update_id: 20, message: { message_id: 1, date: now, chat, from: CUSTOMER, text: 0 } })).status).toBe(200);
    expect((await post(headers, { update_id: 21, message: { message_id: 2, date: 'today', chat, from: CUSTOMER, text: 'x' } })).status).toBe(200);
    expect((await post(headers, { update_id: 22, message: { message_id: 3, date: now, chat, from: CUSTOMER, text: 'a real one' } })).status).toBe(200);
    expect(await tg.hub.db.query(`SELECT text FROM messages`)).toEqual([{ text: 'a real one' }]);
  });
});
