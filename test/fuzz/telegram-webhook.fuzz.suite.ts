import fc from 'fast-check';
import { VirtualClock } from '../../src/core/clock/virtual-clock';
import { testBackend } from '../support/test-database';
import { CUSTOMER, DUTY_CHAT, startTelegramHub, STAFF_USER, type TelegramHub } from '../support/telegram-harness';
import { anyValue, FUZZ, hostileString, longestStall, storedCounts } from './hostile';

const SECRET = 'webhook-secret-fuzz-0123456789abcdef';
const NOW = Date.parse('2026-11-23T09:00:00Z');

const chatId = fc.oneof(fc.constantFrom(-1007000000001, -1007000000002, DUTY_CHAT, 0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER), fc.integer(), fc.double(), anyValue);
const date = fc.oneof(fc.constant(Math.floor(NOW / 1000)), fc.constantFrom(0, 1, -62135596800, 253402300799, 1e15), fc.integer(), fc.double(), anyValue);
const user = fc.oneof(fc.constantFrom(CUSTOMER, STAFF_USER), fc.record({ id: fc.oneof(fc.integer(), anyValue), is_bot: fc.oneof(fc.boolean(), anyValue), first_name: hostileString(80), username: hostileString(40) }, { requiredKeys: [] }));
const chat = fc.record(
  { id: chatId, type: fc.oneof(fc.constantFrom('group', 'supergroup', 'private', 'channel'), hostileString(10)), title: hostileString(300), is_forum: fc.oneof(fc.boolean(), anyValue) },
  { requiredKeys: ['id', 'type'] },
);
const message = fc.record(
  {
    message_id: fc.oneof(fc.integer({ min: 1, max: 1e6 }), anyValue),
    date,
    chat,
    from: user,
    text: fc.oneof(hostileString(300), fc.constantFrom('/slastat', '/report q3', '/hot', '/roles add @x', `/hold ${'x'.repeat(300)}`), anyValue),
    message_thread_id: fc.oneof(fc.integer(), anyValue),
    is_topic_message: fc.oneof(fc.boolean(), anyValue),
    sender_chat: chat,
    new_chat_title: hostileString(100),
    migrate_to_chat_id: chatId,
    reply_to_message: fc.record({ message_id: fc.integer(), chat, from: user }, { requiredKeys: [] }),
  },
  { requiredKeys: ['message_id', 'date', 'chat'] },
);
/** Well-formed customer and staff messages whose text, title and ids are the hostile part. */
const plausible = fc.record({
  update_id: fc.integer({ min: 1, max: 2 ** 31 }),
  message: fc.record({
    message_id: fc.integer({ min: 1, max: 1e6 }),
    date: fc.integer({ min: Math.floor(NOW / 1000) - 3600, max: Math.floor(NOW / 1000) }),
    chat: fc.record({ id: fc.constantFrom(-1007000000001, -1007000000002), type: fc.constant('supergroup'), title: hostileString(300) }),
    from: fc.constantFrom(CUSTOMER, STAFF_USER),
    text: hostileString(300),
  }),
});
const update = fc.oneof(
  { weight: 4, arbitrary: plausible },
  { weight: 5, arbitrary: fc.record({ update_id: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), anyValue), message, edited_message: message, channel_post: message }, { requiredKeys: ['update_id'] }) },
  { weight: 1, arbitrary: anyValue },
);

describe(`Telegram webhook under generated hostile updates (${testBackend})`, () => {
  let tg: TelegramHub;

  beforeAll(async () => {
    tg = await startTelegramHub({ clock: new VirtualClock(NOW), telegram: { mode: 'webhook', webhook: { secretToken: SECRET } } });
  });

  afterAll(async () => {
    await tg.close();
  });

  it('never answers 5xx (Telegram would resend forever), never writes into a customer chat, and stays consistent', async () => {
    const { stallMs, p99StallMs } = await longestStall(() =>
      fc.assert(
        fc.asyncProperty(update, async (body) => {
          const response = await fetch(`${tg.hub.url}/telegram/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
            body: JSON.stringify(body),
          });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        }),
        FUZZ,
      ),
    );
    // Telegram dates (zero, negative, far future) take the business-calendar path too.
    expect(stallMs).toBeLessThan(1000);
    // The hub's bound: stalls count this process's own CPU, not other files' (see longestStall).
    expect(p99StallMs).toBeLessThan(100);
    expect(tg.peer.violations()).toEqual([]);
    // Whatever was taken is whole: every stored message belongs to an existing conversation and
    // every inquiry counts at least the customer message that opened it.
    const orphans = await tg.hub.db.query(`SELECT m.id FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL`);
    expect(orphans).toEqual([]);
    const empty = await tg.hub.db.query(`SELECT id FROM inquiries WHERE customer_message_count < 1`);
    expect(empty).toEqual([]);
    const counts = await storedCounts(tg.hub.db);
    expect(counts.messages).toBeGreaterThan(0);
  });
});
