import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { advanceBy, BOT_ADMIN, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub } from '../../support/telegram-harness';

const GROUP = -1002000000001;

describe(`Telegram commands and the role manager (${testBackend})`, () => {
  let clock: VirtualClock;
  let tg: TelegramHub;

  beforeEach(async () => {
    clock = new VirtualClock('2026-11-23T09:00:00Z');
    tg = await startTelegramHub({ clock });
  });

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  const dutyTexts = () => tg.peer.sentTo(DUTY_CHAT).map((s) => String(s.params.text));

  it('registers the command menus, group commands for admins only', async () => {
    await eventually(() => tg.peer.commandsFor({ type: 'all_private_chats' }) !== undefined, clock);
    expect(tg.peer.commandsFor({ type: 'all_chat_administrators' })?.map((c) => c.command)).toEqual(['hold', 'resume', 'resolve', 'escalate']);
    expect(tg.peer.commandsFor({ type: 'chat', chat_id: DUTY_CHAT })?.map((c) => c.command)).toEqual(['hot', 'slastat', 'report', 'roles', 'help']);
  });

  it('acts on /hold and /resolve from staff in a customer chat silently, confirming in the duty chat', async () => {
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme', from: CUSTOMER, text: 'Need help' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: '/hold waiting for logs', entities: [{ type: 'bot_command', offset: 0, length: 5 }] });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'on_hold', clock);
    await eventually(() => dutyTexts().some((t) => t.startsWith('⏸ On hold by Sam')), clock);
    expect(dutyTexts().find((t) => t.startsWith('⏸'))).toContain('Reason: waiting for logs');

    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: '/resolve@replywatch_test_bot' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'resolved', clock);
    // The commands were not recorded as answers, and nothing was said in the customer chat.
    expect((await inquiriesOf(tg.hub))[0]?.responder_id).toBeNull();
    expect(tg.peer.sentTo(GROUP)).toEqual([]);
  });

  it('adds to /hot the chats that breached most this month, from the reports', async () => {
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme', from: CUSTOMER, text: 'Still there?' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    await advanceBy(clock, 61 * 60_000);
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Sorry for the wait' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);
    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/hot' });
    await eventually(() => dutyTexts().some((t) => t.startsWith('🧊')), clock);
    const hot = dutyTexts().find((t) => t.startsWith('🧊')) ?? '';
    expect(hot).toBe('🧊 Nothing is waiting for an answer.\n\n📈 Most breaches this month:\nAcme: 1 of 1 late, slowest 61 min');
  });

  it('treats a command from a customer as a customer message and acts on nothing', async () => {
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: '/resolve' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    expect((await inquiriesOf(tg.hub))[0]).toMatchObject({ status: 'open', customer_message_count: 1 });
  });

  it('lists waiting inquiries with /hot in the duty chat, nearest deadline first', async () => {
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme', from: CUSTOMER, text: 'First' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    await clock.advance(10 * 60_000);
    tg.peer.groupMessage({ chatId: -1002000000002, title: 'Globex', from: CUSTOMER, text: 'Second' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 2, clock);
    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/hot' });
    await eventually(() => dutyTexts().some((t) => t.startsWith('🔥')), clock);
    const hot = dutyTexts().find((t) => t.startsWith('🔥')) ?? '';
    expect(hot).toMatch(/50 min left — Acme[\s\S]*60 min left — Globex/);
    expect(hot).toContain('https://t.me/c/2000000001/1');
    // Duty chat chatter is never an inquiry.
    expect((await inquiriesOf(tg.hub)).map((i) => i.external_id)).not.toContain(String(DUTY_CHAT));
  });

  it('answers /slastat with the figures and /report with a CSV document in the duty chat', async () => {
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme', from: CUSTOMER, text: 'Question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    await clock.advance(20 * 60_000);
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Answer' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/slastat' });
    await eventually(() => dutyTexts().some((t) => t.startsWith('SLA report')), clock);
    const stat = dutyTexts().find((t) => t.startsWith('SLA report')) ?? '';
    expect(stat).toContain('inquiries 1: answered 1');
    expect(stat).toContain('within SLA: 100 %');

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/report 2026-11-01 2026-11-30' });
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).some((s) => s.method === 'sendDocument'), clock);
    const doc = tg.peer.sentTo(DUTY_CHAT).find((s) => s.method === 'sendDocument')!;
    expect(doc.file?.filename).toMatch(/^replywatch-.*\.csv$/);
    const csv = doc.file!.data.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFchat_id,created_at,first_reply_at,overdue,conversation_title,channel,policy,frt_business_minutes,responder,tickets');
    expect(csv).toContain(`${GROUP},`);

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/slastat next-year' });
    await eventually(() => dutyTexts().some((t) => t.includes('Examples: /slastat')), clock);
  });

  it('refuses /roles to someone who is not a bot admin', async () => {
    tg.peer.privateMessage({ from: STAFF_USER, text: '/roles' });
    await eventually(() => tg.peer.sentTo(STAFF_USER.id).length === 1, clock);
    expect(String(tg.peer.sentTo(STAFF_USER.id)[0]?.params.text)).toContain('Only bot admins');
    tg.peer.privateMessage({ from: CUSTOMER, text: '/roles' });
    tg.peer.privateMessage({ from: CUSTOMER, text: '/hot' });
    await eventually(() => tg.peer.pendingUpdateCount === 0, clock);
    await new Promise((r) => setTimeout(r, 200));
    // A stranger gets no answer at all: the bot is not a support channel.
    expect(tg.peer.sentTo(CUSTOMER.id)).toEqual([]);
  });

  it('lets a bot admin add staff by forwarding a message, and remove them, with an audit trail', async () => {
    tg.peer.privateMessage({ from: BOT_ADMIN, text: '/roles' });
    await eventually(() => tg.peer.sentTo(BOT_ADMIN.id).length === 1, clock);
    const list = tg.peer.sentTo(BOT_ADMIN.id)[0]!;
    tg.peer.callbackQuery({ from: BOT_ADMIN, chatId: BOT_ADMIN.id, messageId: list.message.message_id, data: 'roles:add:support' });
    await eventually(() => tg.peer.sentTo(BOT_ADMIN.id).length === 2, clock);
    const newcomer = { id: 314, first_name: 'Nina' };
    tg.peer.privateMessage({ from: BOT_ADMIN, text: 'hi', forward_origin: { type: 'user', sender_user: { ...newcomer, is_bot: false }, date: 0 } });
    await eventually(() => tg.peer.sentTo(BOT_ADMIN.id).some((s) => String(s.params.text).includes('Nina is now support')), clock);

    // Nina now answers as staff.
    tg.peer.groupMessage({ chatId: GROUP, from: CUSTOMER, text: 'Question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    tg.peer.groupMessage({ chatId: GROUP, from: newcomer, text: 'Answer' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);

    tg.peer.callbackQuery({ from: BOT_ADMIN, chatId: BOT_ADMIN.id, messageId: list.message.message_id, data: 'roles:rm:314' });
    await eventually(async () => (await tg.hub.db.query(`SELECT 1 FROM staff_roster WHERE channel = 'telegram'`)).length === 0, clock);
    const audit = await tg.hub.db.query<{ actor: string; action: string; subject: string }>(`SELECT actor, action, subject FROM audit_log ORDER BY id`);
    expect(audit).toEqual([
      { actor: 'telegram:7', action: 'staff.added', subject: 'telegram:314' },
      { actor: 'telegram:7', action: 'staff.removed', subject: 'telegram:314' },
    ]);
  });

  it('answers a malformed or foreign callback without acting', async () => {
    tg.peer.callbackQuery({ from: BOT_ADMIN, chatId: BOT_ADMIN.id, messageId: 1, data: 'roles:rm:; DROP TABLE' });
    tg.peer.callbackQuery({ from: STAFF_USER, chatId: STAFF_USER.id, messageId: 1, data: 'roles:add:admin' });
    await eventually(() => tg.peer.callbackAnswers.length === 2, clock);
    expect(tg.peer.callbackAnswers.map((a) => a.text)).toEqual(['This button is no longer valid.', 'Only bot admins can manage roles.']);
    expect(await tg.hub.db.query(`SELECT 1 FROM staff_roster WHERE channel = 'telegram'`)).toEqual([]);
  });
});
