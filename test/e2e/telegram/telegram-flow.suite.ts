import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { advanceBy, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub } from '../../support/telegram-harness';

const GROUP = -1001234567890;

describe(`Telegram groups end to end (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub;

  beforeEach(async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock });
  });

  afterEach(async () => {
    // The invariant of every test here: nothing was ever written into a customer chat.
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  it('opens an inquiry for a group message, warns the duty chat at ⚡/❗/⚠️ with a link, and a staff reply closes it', async () => {
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme', from: CUSTOMER, text: 'Invoices do not load' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);

    await advanceBy(clock, 61 * 60_000);
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).length >= 3, clock);
    const sent = tg.peer.sentTo(DUTY_CHAT);
    const texts = sent.map((s) => String(s.params.text));
    // The chat's name links to the customer's first message (Telegram HTML; the fake parses it).
    const acme = '<a href="https://t.me/c/1234567890/1">Acme</a>';
    expect(texts.map((t) => t.split('\n')[0])).toEqual([`⚡ 15 minutes left — ${acme}`, `❗ 5 minutes left — ${acme}`, `⚠️ SLA MISS — ${acme}`]);
    expect(sent.every((s) => s.params.parse_mode === 'HTML')).toBe(true);

    const metrics = async () => (await fetch(`${tg.hub.url}/metrics`)).text();
    expect(await metrics()).toContain('replywatch_inquiries_waiting{policy="default",status="open"} 1');

    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Looking into it' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);
    expect(tg.peer.sentTo(GROUP)).toEqual([]);
    // Answered after 61 minutes against a 60-minute target: one breach, FRT in the 5400 s bucket.
    const after = await metrics();
    expect(after).toContain('replywatch_first_response_business_seconds_bucket{le="3600",policy="default"} 0');
    expect(after).toContain('replywatch_first_response_business_seconds_bucket{le="5400",policy="default"} 1');
    expect(after).toContain('replywatch_sla_breached_answers_total{policy="default"} 1');
    expect(after).not.toContain('replywatch_inquiries_waiting{policy="default",status="open"} 1');
  });

  it('keeps Telegram order within one second: a follow-up after the reply opens a new inquiry', async () => {
    // All three carry the same whole-second date (09:00:00), received at 09:00:00.5.
    await clock.advance(500);
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: 'It is broken' });
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Fixed now' });
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: 'Still broken for me' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 2, clock);
    expect((await inquiriesOf(tg.hub)).map((i) => i.status)).toEqual(['answered', 'open']);
  });

  it('counts an anonymous admin (posting as the group) as staff', async () => {
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: 'Hello?' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    tg.peer.groupMessage({ chatId: GROUP, senderChat: { id: GROUP }, text: 'Hi, support here' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);
  });

  it('keeps each forum topic its own conversation, General included, and resolves a closed topic', async () => {
    const forum = { chatId: -1005550000001, title: 'Globex', isForum: true };
    tg.peer.groupMessage({ ...forum, threadId: 11, from: CUSTOMER, text: 'Billing question' });
    tg.peer.groupMessage({ ...forum, threadId: 12, from: CUSTOMER, text: 'API question' });
    tg.peer.groupMessage({ ...forum, from: CUSTOMER, text: 'General question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 3, clock);

    tg.peer.groupMessage({ ...forum, threadId: 11, from: STAFF_USER, text: 'Billing answer' });
    tg.peer.groupMessage({ ...forum, threadId: 12, forum_topic_closed: {} });
    await eventually(async () => (await inquiriesOf(tg.hub)).filter((i) => i.status === 'open').length === 1, clock);
    const byId = Object.fromEntries((await inquiriesOf(tg.hub)).map((i) => [i.external_id, i.status]));
    expect(byId).toEqual({ '-1005550000001:11': 'answered', '-1005550000001:12': 'resolved', '-1005550000001': 'open' });
  });

  it('keeps the topic title from forum_topic_created and edited', async () => {
    const forum = { chatId: -1005550000002, title: 'Initech', isForum: true };
    tg.peer.groupMessage({ ...forum, threadId: 21, forum_topic_created: { name: 'Payments', icon_color: 7322096 } });
    tg.peer.groupMessage({ ...forum, threadId: 21, forum_topic_edited: { name: 'Payments & refunds' } });
    tg.peer.groupMessage({ ...forum, threadId: 21, from: CUSTOMER, text: 'Refund?' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    const [row] = await tg.hub.db.query<{ title: string }>(`SELECT title FROM conversations WHERE external_id = '-1005550000002:21'`);
    expect(row?.title).toBe('Initech › Payments & refunds');
  });

  it('moves a group upgraded to a supergroup with its history, so a reply there answers the old inquiry', async () => {
    const oldId = -4001;
    const newId = -1004001000001;
    tg.peer.groupMessage({ chatId: oldId, chatType: 'group', title: 'Small Co', from: CUSTOMER, text: 'Question before the upgrade' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    tg.peer.groupMessage({ chatId: oldId, chatType: 'group', from: CUSTOMER, migrate_to_chat_id: newId });
    tg.peer.groupMessage({ chatId: newId, chatType: 'supergroup', title: 'Small Co', from: CUSTOMER, migrate_from_chat_id: oldId });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.external_id === String(newId), clock);

    tg.peer.groupMessage({ chatId: newId, from: STAFF_USER, text: 'Answer after the upgrade' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);
    const [{ n }] = (await tg.hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`)) as [{ n: number }];
    expect(n).toBe(2);
  });

  it('opens nothing for edits, bots, service messages and automatic forwards, but counts media', async () => {
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: 'original', edited: true });
    tg.peer.groupMessage({ chatId: GROUP, from: { id: 999, is_bot: true, first_name: 'OtherBot' }, text: 'I am a bot' });
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, new_chat_members: [{ id: 1, is_bot: false, first_name: 'New' }] });
    tg.peer.groupMessage({ chatId: GROUP, isAutomaticForward: true, senderChat: { id: -1007777000001, type: 'channel' }, text: 'Channel post' });
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, pinned_message: { message_id: 1, date: 0, chat: { id: GROUP, type: 'supergroup' } } });
    const last = tg.peer.groupMessage({ chatId: -1001111111111, from: CUSTOMER, photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] });
    await eventually(() => tg.peer.pendingUpdateCount === 0 && last > 0, clock);
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    expect((await inquiriesOf(tg.hub)).map((i) => i.external_id)).toEqual(['-1001111111111']);
  });
});
