import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { advanceBy, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, telegramRules, type TelegramHub } from '../../support/telegram-harness';

/** A forum supergroup whose topics were created before the bot joined: it never saw their names. */
const FORUM = { chatId: -1001000000006, title: 'Northwind', isForum: true };

describe(`Telegram forum topics in duty notices (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub;

  beforeEach(async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock, rules: telegramRules({ notify: { inquiryOpened: ['duty'], inquiryAnswered: ['duty'] } }) });
  });

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  /** The first line of each duty message, links reduced to their text. */
  const dutyHeadlines = () => tg.peer.sentTo(DUTY_CHAT).map((s) => (String(s.params.text).split('\n')[0] ?? '').replace(/<a href="[^"]*">([^<]*)<\/a>/g, '$1'));

  it('names a topic it never saw created by its group and number, then by its name once a rename shows it, and keeps the name', async () => {
    // A reply to an ordinary message carries no topic creation: nothing tells the topic's name.
    const earlier = { message_id: 3, date: clock.now() / 1000 - 600, chat: { id: FORUM.chatId, type: 'supergroup', title: FORUM.title, is_forum: true }, message_thread_id: 10, is_topic_message: true, text: 'hi' };
    tg.peer.groupMessage({ ...FORUM, threadId: 10, from: CUSTOMER, text: 'The export is empty', replyTo: earlier });
    await eventually(() => dutyHeadlines().length === 1, clock);
    expect(dutyHeadlines()).toEqual(['🆕 New inquiry — Northwind › topic 10']);

    tg.peer.groupMessage({ ...FORUM, threadId: 10, from: CUSTOMER, forum_topic_edited: { name: 'Exports' } });
    // Another message without the topic's name must not bring the placeholder back.
    tg.peer.groupMessage({ ...FORUM, threadId: 10, from: CUSTOMER, text: 'Still empty', replyTo: earlier });
    await eventually(() => tg.peer.pendingUpdateCount === 0, clock);
    await advanceBy(clock, 46 * 60_000);
    await eventually(() => dutyHeadlines().length === 2, clock);
    expect(dutyHeadlines()[1]).toBe('⚡ 15 minutes left — Northwind › Exports');

    tg.peer.groupMessage({ ...FORUM, threadId: 10, from: STAFF_USER, text: 'Fixed, please retry' });
    // The duty chat's pacing holds a notice a (virtual) second behind the one before; on a
    // loaded machine the ⚡ can go out only at the end of the 46 minutes, so time must move on.
    await advanceBy(clock, 5_000, 1_000);
    await eventually(() => dutyHeadlines().length === 3, clock);
    expect(dutyHeadlines()[2]).toBe('✅ Answered after 46 min — Northwind › Exports');
  });

  it('takes the name from the topic creation a message in the topic quotes', async () => {
    const created = { message_id: 1, date: clock.now() / 1000 - 3600, chat: { id: FORUM.chatId, type: 'supergroup', title: FORUM.title, is_forum: true }, message_thread_id: 11, is_topic_message: true, forum_topic_created: { name: 'Billing', icon_color: 7322096 } };
    tg.peer.groupMessage({ ...FORUM, threadId: 11, from: CUSTOMER, text: 'Charged twice', replyTo: created });
    await eventually(() => dutyHeadlines().length === 1, clock);
    expect(dutyHeadlines()).toEqual(['🆕 New inquiry — Northwind › Billing']);
  });

  it('lets a forum_topic_created seen later replace the placeholder', async () => {
    tg.peer.groupMessage({ ...FORUM, threadId: 12, from: CUSTOMER, text: 'Question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    // The notice goes out through the outbox, after the inquiry is stored.
    await eventually(() => dutyHeadlines().length === 1, clock);
    expect(dutyHeadlines()).toEqual(['🆕 New inquiry — Northwind › topic 12']);

    tg.peer.groupMessage({ ...FORUM, threadId: 12, forum_topic_created: { name: 'Onboarding' } });
    tg.peer.groupMessage({ ...FORUM, threadId: 12, from: STAFF_USER, text: 'Answer' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);
    // The duty chat's pacing holds the second message a (virtual) second behind the first.
    await advanceBy(clock, 5_000, 1_000);
    await eventually(() => dutyHeadlines().length === 2, clock);
    expect(dutyHeadlines()[1]).toBe('✅ Answered after 0 min — Northwind › Onboarding');
  });
});
