import { sleep, telegramError, timed, TOKEN, usePeers } from './peer-fixture';

const GROUP = -1001234567890;
const ids = (updates: Array<{ update_id: number }>) => updates.map((u) => u.update_id);

describe('FakeBotApi: routing, updates and webhook', () => {
  const peers = usePeers();

  it('answers getMe, refuses a wrong or revoked token and unknown methods like Telegram', async () => {
    const { peer, apiRoot, telegram } = await peers.peer({ botUsername: 'rw_bot' });
    expect(await telegram.getMe()).toMatchObject({ id: 123456, is_bot: true, username: 'rw_bot', supports_inline_queries: false });

    const wrong = await fetch(`${apiRoot}/bot999:nope/getMe`, { method: 'POST' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await fetch(`${apiRoot}/bot${TOKEN}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ description: 'Not Found: method not found' });

    peer.setTokenValid(false);
    expect((await telegramError(telegram.getMe())).code).toBe(401);
  });

  it('reads form-encoded bodies and query strings as well as JSON', async () => {
    const { peer, apiRoot } = await peers.peer();
    peer.markDutyChat(GROUP);
    const form = await fetch(`${apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: String(GROUP), text: 'via form', reply_markup: '{"inline_keyboard":[]}' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: GROUP }, text: 'via form' } });
    expect(peer.callsTo('sendMessage')[0]!.params).toMatchObject({ chat_id: GROUP, reply_markup: { inline_keyboard: [] } });
    peer.groupMessage({ chatId: GROUP, text: 'hello' });
    const query = await fetch(`${apiRoot}/bot${TOKEN}/getUpdates?offset=0&timeout=0`);
    expect(await query.json()).toMatchObject({ ok: true, result: [{ message: { text: 'hello' } }] });
  });

  it('holds a long poll until an update arrives, and answers an empty one after the timeout', async () => {
    const { peer, telegram } = await peers.peer();
    const poll = timed(telegram.getUpdates(2, 100, 0, undefined));
    await sleep(150);
    const pushedAt = performance.now();
    const id = peer.groupMessage({ chatId: GROUP, text: 'first', from: { id: 42, first_name: 'Ann' } });
    const { value } = await poll;
    expect(performance.now() - pushedAt).toBeLessThan(200);
    expect(value).toEqual([
      {
        update_id: id,
        message: expect.objectContaining({
          message_id: 1, text: 'first', chat: { id: GROUP, type: 'supergroup', title: `Chat ${GROUP}` },
          from: { id: 42, first_name: 'Ann', is_bot: false },
        }) as unknown,
      },
    ]);

    const empty = await timed(telegram.getUpdates(1, 100, id + 1, undefined));
    expect(empty.value).toEqual([]);
    expect(empty.ms).toBeGreaterThanOrEqual(950);
    expect(empty.ms).toBeLessThan(1500);
    expect(peer.getUpdatesCalls).toBe(2);
    expect(peer.maxConcurrentPollers).toBe(1);
  });

  it('confirms updates below the offset and redelivers the unconfirmed ones after a restart', async () => {
    const { peer, telegram } = await peers.peer();
    const pushed = [1, 2, 3].map((n) => peer.groupMessage({ chatId: GROUP, text: `m${n}` }));
    expect(pushed[1]! - pushed[0]!).toBe(1);
    expect(ids(await telegram.getUpdates(0, 2, 0, undefined))).toEqual(pushed.slice(0, 2));
    expect(ids(await telegram.getUpdates(0, 100, pushed[1]!, undefined))).toEqual(pushed.slice(1));
    // A restarted client knows no offset and gets everything not yet confirmed.
    expect(ids(await telegram.callApi('getUpdates', {}))).toEqual(pushed.slice(1));
    expect(await telegram.getUpdates(0, 100, pushed[2]! + 1, undefined)).toEqual([]);
    expect(peer.pendingUpdateCount).toBe(0);
    expect(peer.lastMessageId(GROUP)).toBe(3);
  });

  it('filters by allowed_updates, remembering the last list given', async () => {
    const { peer, telegram } = await peers.peer();
    peer.pushUpdate({ chat_member: { chat: { id: GROUP, type: 'supergroup', title: 'G' } } });
    const message = peer.groupMessage({ chatId: GROUP, text: 'hi' });
    const callback = peer.callbackQuery({ from: { id: 42 }, chatId: GROUP, messageId: 1, data: 'ack' });
    expect(ids(await telegram.getUpdates(0, 100, 0, ['callback_query']))).toEqual([callback]);
    expect(ids(await telegram.getUpdates(0, 100, 0, undefined))).toEqual([callback]);
    expect(ids(await telegram.getUpdates(0, 100, 0, []))).toEqual([message, callback]);
  });

  it('terminates the older of two overlapping pollers with 409', async () => {
    const { peer, telegram } = await peers.peer();
    const older = telegramError(telegram.getUpdates(5, 100, 0, undefined));
    await peer.waitFor((p) => p.activePollers === 1);
    expect(await telegram.getUpdates(0, 100, 0, undefined)).toEqual([]);
    const error = await older;
    expect(error.code).toBe(409);
    expect(error.description).toBe('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    expect(peer.maxConcurrentPollers).toBe(2);
    expect(peer.callsTo('getUpdates').map((c) => c.status)).toEqual([409, 200]);
  });

  it('delivers to a webhook with the secret header, retries a failing receiver and refuses getUpdates meanwhile', async () => {
    const { peer, telegram } = await peers.peer();
    peer.markDutyChat(GROUP);
    const hook = await peers.receiver((n) =>
      n === 1 ? { status: 500 } : { status: 200, body: n === 3 ? { method: 'sendMessage', chat_id: GROUP, text: 'from reply' } : undefined },
    );
    await telegram.setWebhook(hook.url, { secret_token: 's3cret' });
    const first = peer.groupMessage({ chatId: GROUP, text: 'one' });
    const second = peer.groupMessage({ chatId: GROUP, text: 'two' });
    await peer.waitFor((p) => p.webhookDeliveries.length === 3 && p.sent.length === 1);

    expect(peer.webhookDeliveries.map(({ updateId, status }) => ({ updateId, status }))).toEqual([
      { updateId: first, status: 500 },
      { updateId: first, status: 200 },
      { updateId: second, status: 200 },
    ]);
    expect(hook.received.every((r) => r.headers['x-telegram-bot-api-secret-token'] === 's3cret')).toBe(true);
    expect(hook.received[0]!.body).toMatchObject({ update_id: first, message: { text: 'one' } });
    expect(peer.sentTo(GROUP)[0]!.message).toMatchObject({ text: 'from reply' });
    expect(await telegram.getWebhookInfo()).toMatchObject({
      url: hook.url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });

    const conflict = await telegramError(telegram.getUpdates(0, 100, 0, undefined));
    expect([conflict.code, conflict.description]).toEqual([
      409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ]);
    await telegram.deleteWebhook();
    const third = peer.groupMessage({ chatId: GROUP, text: 'three' });
    expect(ids(await telegram.getUpdates(0, 100, 0, undefined))).toEqual([third]);
    expect(hook.received).toHaveLength(3);
  });

  it('answers a pending long poll with an empty result on stop', async () => {
    const { peer, telegram } = await peers.peer();
    const poll = timed(telegram.getUpdates(10, 100, 0, undefined));
    await peer.waitFor((p) => p.activePollers === 1);
    await peer.stop();
    const { value, ms } = await poll;
    expect(value).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });

  it('builds realistic private, edited, anonymous-admin and service updates', async () => {
    const { peer, telegram } = await peers.peer({ now: () => Date.UTC(2026, 10, 2, 12) });
    peer.privateMessage({ from: { id: 42, first_name: 'Ann', username: 'ann' }, text: '/start' });
    peer.groupMessage({ chatId: GROUP, senderChat: { id: GROUP }, text: 'anon', isForum: true, threadId: 7 });
    peer.groupMessage({ chatId: GROUP, messageId: 1, text: 'anon, edited', edited: true });
    peer.groupMessage({ chatId: GROUP, forum_topic_created: { name: 'Billing', icon_color: 7322096 } });
    const [priv, anon, edited, topic] = (await telegram.getUpdates(0, 100, 0, undefined)) as unknown as Array<Record<string, unknown>>;
    expect(priv!.message).toMatchObject({ chat: { id: 42, type: 'private', first_name: 'Ann', username: 'ann' }, date: 1793620800 });
    expect(anon!.message).toMatchObject({
      from: { id: 1087968824, username: 'GroupAnonymousBot' }, sender_chat: { id: GROUP }, message_thread_id: 7, is_topic_message: true,
      chat: { is_forum: true },
    });
    expect(edited!.edited_message).toMatchObject({ message_id: 1, text: 'anon, edited', edit_date: 1793620800 });
    expect(topic!.message).toMatchObject({ message_id: 2, forum_topic_created: { name: 'Billing' } });
    expect(peer.isCustomerChat(GROUP)).toBe(true);
    expect(peer.isCustomerChat(42)).toBe(false);
  });
});
