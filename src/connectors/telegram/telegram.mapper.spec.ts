import { type InboundMessage } from 'replywatch/sdk';
import { type GroupEvent, mapGroupMessage, type MapperSettings, nameOf, parseCommand } from './telegram.mapper';
import { CHANNEL_BOT, GROUP_ANONYMOUS_BOT, TELEGRAM_SERVICE, type WireChat, type WireMessage, type WireUser } from './telegram.wire';

const BOT = 'ReplyWatch_Bot';
const settings: MapperSettings = {
  botUsername: BOT,
  staffChannels: new Set([-1001444555666]),
  otherChannels: 'ignore',
  maxTextLength: 4000,
};

/** An ordinary (non-forum) supergroup, a customer's support chat. */
const acme: WireChat = { id: -1001987654321, type: 'supergroup', title: 'Acme Support' };
/** A supergroup with topics enabled. */
const globex: WireChat = { id: -1002233445566, type: 'supergroup', title: 'Globex', is_forum: true };
const olga: WireUser = { id: 52340011, is_bot: false, first_name: 'Olga', last_name: 'Petrova', username: 'olga_p' };
const DATE = 1718000000; // 2024-06-10T06:13:20Z

/** The service message Telegram sends when the "Billing" topic (thread 305) was created. */
const billingCreated: WireMessage = {
  message_id: 305,
  date: DATE - 3600,
  chat: globex,
  from: olga,
  message_thread_id: 305,
  is_topic_message: true,
  forum_topic_created: { name: 'Billing' },
};

function messageOf(event: GroupEvent): Extract<GroupEvent, { kind: 'message' }> {
  if (event.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(event)}`);
  return event;
}

function inbound(message: WireMessage, overrides: Partial<MapperSettings> = {}): InboundMessage {
  return messageOf(mapGroupMessage(message, { ...settings, ...overrides })).message;
}

describe('mapGroupMessage: conversations and ids', () => {
  it('maps a plain group text to the chat id, a chat-qualified message id, the send time and the sender', () => {
    const event = mapGroupMessage(
      { message_id: 4711, date: DATE, chat: acme, from: olga, text: 'Hi, our invoices stopped syncing this morning' },
      settings,
    );
    expect(event).toEqual({
      kind: 'message',
      message: {
        conversation: { id: '-1001987654321', title: 'Acme Support' },
        id: '-1001987654321:4711',
        text: 'Hi, our invoices stopped syncing this morning',
        sentAt: new Date('2024-06-10T06:13:20Z'),
        author: { id: '52340011', name: 'Olga Petrova' },
        link: 'https://t.me/c/1987654321/4711',
      },
    });
    const message = messageOf(event);
    expect(message.message.author).not.toHaveProperty('role');
    expect(message).not.toHaveProperty('command');
  });

  it('keys a message inside a forum topic by chat and thread, titled "Chat › Topic" from the topic creation it replies to', () => {
    const message = inbound({
      message_id: 310,
      date: DATE,
      chat: globex,
      from: olga,
      message_thread_id: 305,
      is_topic_message: true,
      reply_to_message: billingCreated,
      text: 'Export fails with 502',
    });
    expect(message.conversation).toEqual({ id: '-1002233445566:305', title: 'Globex › Billing' });
    expect(message.id).toBe('-1002233445566:310');
    expect(message.link).toBe('https://t.me/c/2233445566/305/310');
  });

  it('offers "Chat › topic N" only as a fallback when the message replies to an ordinary message, so a known topic name is never replaced', () => {
    const message = inbound({
      message_id: 312,
      date: DATE,
      chat: globex,
      from: olga,
      message_thread_id: 305,
      is_topic_message: true,
      reply_to_message: { message_id: 311, date: DATE - 60, chat: globex, from: olga, message_thread_id: 305, is_topic_message: true, text: 'anyone?' },
      text: 'still broken',
    });
    expect(message.conversation).toEqual({ id: '-1002233445566:305', fallbackTitle: 'Globex › topic 305' });
    expect(message.conversation).not.toHaveProperty('title');
  });

  it('names an unseen topic by its number alone when the chat has no title', () => {
    const untitled: WireChat = { id: -1002233445567, type: 'supergroup', is_forum: true };
    const message = inbound({ message_id: 9, date: DATE, chat: untitled, from: olga, message_thread_id: 10, is_topic_message: true, text: 'hello' });
    expect(message.conversation).toEqual({ id: '-1002233445567:10', fallbackTitle: 'topic 10' });
  });

  it('keeps a message in the General topic of a forum (no is_topic_message) on the chat id', () => {
    expect(inbound({ message_id: 900, date: DATE, chat: globex, from: olga, text: 'hello?' }).conversation).toEqual({
      id: '-1002233445566',
      title: 'Globex',
    });
    // A reply in General carries the replied-to message as message_thread_id, still not a topic.
    const reply = inbound({
      message_id: 901,
      date: DATE,
      chat: globex,
      from: olga,
      message_thread_id: 900,
      reply_to_message: { message_id: 900, date: DATE, chat: globex, from: olga, text: 'hello?' },
      text: 'ping',
    });
    expect(reply.conversation.id).toBe('-1002233445566');
  });

  it('keeps a reply in a non-forum supergroup (message_thread_id without is_topic_message) on the chat id', () => {
    const message = inbound({
      message_id: 4712,
      date: DATE,
      chat: acme,
      from: olga,
      message_thread_id: 4711,
      reply_to_message: { message_id: 4711, date: DATE - 60, chat: acme, from: olga, text: 'first' },
      text: 'any news?',
    });
    expect(message.conversation).toEqual({ id: '-1001987654321', title: 'Acme Support' });
    expect(message.id).toBe('-1001987654321:4712');
  });
});

describe('mapGroupMessage: links to the message', () => {
  it('links a private supergroup message through t.me/c, in its topic, and a General-topic message without one', () => {
    expect(inbound({ message_id: 4711, date: DATE, chat: acme, from: olga, text: 'hi' }).link).toBe('https://t.me/c/1987654321/4711');
    const inTopic = { message_id: 310, date: DATE, chat: globex, from: olga, message_thread_id: 305, is_topic_message: true, text: 'hi' };
    expect(inbound(inTopic).link).toBe('https://t.me/c/2233445566/305/310');
    // A reply in General names a thread, but is no topic message: no topic in the link.
    expect(inbound({ message_id: 901, date: DATE, chat: globex, from: olga, message_thread_id: 900, text: 'ping' }).link).toBe('https://t.me/c/2233445566/901');
  });

  it('links a public group (one with a username) by its username, which anyone can open', () => {
    const open: WireChat = { ...acme, username: 'acme_support' };
    expect(inbound({ message_id: 4711, date: DATE, chat: open, from: olga, text: 'hi' }).link).toBe('https://t.me/acme_support/4711');
    const openForum: WireChat = { ...globex, username: 'GlobexHelp' };
    expect(inbound({ message_id: 310, date: DATE, chat: openForum, from: olga, message_thread_id: 305, is_topic_message: true, text: 'hi' }).link).toBe(
      'https://t.me/GlobexHelp/305/310',
    );
  });

  it('does not put a username that is not one into a link; the private form is used', () => {
    for (const username of ['evil/../x', 'a b', 'x"><script>', 'abc', '', 'ä_unicode_name']) {
      expect(inbound({ message_id: 7, date: DATE, chat: { ...acme, username }, from: olga, text: 'hi' }).link).toBe('https://t.me/c/1987654321/7');
    }
  });

  it('gives a message in a basic group no link (Telegram has none), and leaves the field out', () => {
    const basic: WireChat = { id: -4012345678, type: 'group', title: 'Initech' };
    const message = inbound({ message_id: 88, date: DATE, chat: basic, from: olga, text: 'hi' });
    expect(message).not.toHaveProperty('link');
  });
});

describe('mapGroupMessage: service messages', () => {
  it('turns forum_topic_created into a topic-title event titled "Chat › Topic"', () => {
    expect(mapGroupMessage(billingCreated, settings)).toEqual({ kind: 'topic-title', conversationId: '-1002233445566:305', title: 'Globex › Billing' });
  });

  it('turns a topic rename (forum_topic_edited with a name) into a topic-title event', () => {
    const renamed: WireMessage = {
      message_id: 330,
      date: DATE,
      chat: globex,
      from: olga,
      message_thread_id: 305,
      is_topic_message: true,
      forum_topic_edited: { name: 'Billing & invoices' },
    };
    expect(mapGroupMessage(renamed, settings)).toEqual({ kind: 'topic-title', conversationId: '-1002233445566:305', title: 'Globex › Billing & invoices' });
  });

  it('ignores a topic edit that only changed the icon, instead of renaming the topic to nothing', () => {
    const iconOnly: WireMessage = { message_id: 331, date: DATE, chat: globex, from: olga, message_thread_id: 305, is_topic_message: true, forum_topic_edited: {} };
    expect(mapGroupMessage(iconOnly, settings)).toEqual({ kind: 'ignored', reason: 'service message' });
  });

  it('turns forum_topic_closed into topic-closed for that topic', () => {
    const closed: WireMessage = { message_id: 340, date: DATE, chat: globex, from: olga, message_thread_id: 305, is_topic_message: true, forum_topic_closed: {} };
    expect(mapGroupMessage(closed, settings)).toEqual({ kind: 'topic-closed', conversationId: '-1002233445566:305' });
  });

  it('reads a group→supergroup upgrade from both sides: migrate_to in the old group, migrate_from in the new one', () => {
    const oldGroup: WireChat = { id: -4012345678, type: 'group', title: 'Acme' };
    const newGroup: WireChat = { id: -1002012345678, type: 'supergroup', title: 'Acme' };
    expect(mapGroupMessage({ message_id: 88, date: DATE, chat: oldGroup, from: olga, migrate_to_chat_id: newGroup.id }, settings)).toEqual({
      kind: 'chat-migrated',
      from: -4012345678,
      to: -1002012345678,
    });
    expect(mapGroupMessage({ message_id: 1, date: DATE, chat: newGroup, from: olga, migrate_from_chat_id: oldGroup.id }, settings)).toEqual({
      kind: 'chat-migrated',
      from: -4012345678,
      to: -1002012345678,
    });
  });

  it('turns new_chat_title into a chat-title event for the chat', () => {
    expect(mapGroupMessage({ message_id: 4800, date: DATE, chat: acme, from: olga, new_chat_title: 'Acme Support (EU)' }, settings)).toEqual({
      kind: 'chat-title',
      conversationId: '-1001987654321',
      title: 'Acme Support (EU)',
    });
  });

  it.each<[string, Partial<WireMessage>]>([
    ['new_chat_members', { new_chat_members: [{ id: 777111, is_bot: false, first_name: 'Ivan' }], new_chat_member: { id: 777111, is_bot: false, first_name: 'Ivan' } }],
    ['left_chat_member', { left_chat_member: { id: 777111, is_bot: false, first_name: 'Ivan' } }],
    ['pinned_message', { pinned_message: { message_id: 4711, date: DATE, chat: acme, from: olga, text: 'Please read the FAQ' } }],
    ['forum_topic_reopened', { forum_topic_reopened: {}, message_thread_id: 305, is_topic_message: true }],
    ['video_chat_started', { video_chat_started: {} }],
  ])('does not count a %s service message as something a customer said', (_name, fields) => {
    const chat = fields.is_topic_message ? globex : acme;
    expect(mapGroupMessage({ message_id: 5000, date: DATE, chat, from: olga, ...fields }, settings)).toEqual({ kind: 'ignored', reason: 'service message' });
  });
});

describe('mapGroupMessage: who wrote it', () => {
  const newsChannel: WireChat = { id: -1001555000111, type: 'channel', title: 'Acme News' };
  const channelBot: WireUser = { id: CHANNEL_BOT, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' };

  it('ignores an automatic forward from the linked channel, even when that channel is listed as staff', () => {
    const forward: WireMessage = {
      message_id: 4900,
      date: DATE,
      chat: acme,
      from: { id: TELEGRAM_SERVICE, is_bot: false, first_name: 'Telegram' },
      sender_chat: newsChannel,
      is_automatic_forward: true,
      forward_origin: { type: 'channel' },
      text: 'Release 4.2 is out',
    };
    expect(mapGroupMessage(forward, settings).kind).toBe('ignored');
    expect(mapGroupMessage(forward, { ...settings, staffChannels: new Set([newsChannel.id]), otherChannels: 'customer' }).kind).toBe('ignored');
  });

  it('marks an anonymous admin (sender_chat is the group itself) with a hint and a chat: id, not as a bot', () => {
    const anonymous: WireMessage = {
      message_id: 4901,
      date: DATE,
      chat: acme,
      from: { id: GROUP_ANONYMOUS_BOT, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
      sender_chat: acme,
      author_signature: 'Head of Support',
      text: 'We are on it',
    };
    expect(inbound(anonymous).author).toEqual({ id: 'chat:-1001987654321', name: 'Head of Support', hints: { anonymousAdmin: true } });
    const { author_signature: _signature, ...unsigned } = anonymous;
    expect(inbound(unsigned).author).toEqual({ id: 'chat:-1001987654321', name: 'Acme Support', hints: { anonymousAdmin: true } });
  });

  it('counts a post on behalf of a listed staff channel as staff', () => {
    const message = inbound({
      message_id: 4902,
      date: DATE,
      chat: acme,
      from: channelBot,
      sender_chat: { id: -1001444555666, type: 'channel', title: 'Acme Team' },
      text: 'Fixed, please retry',
    });
    expect(message.author).toEqual({ id: 'chat:-1001444555666', name: 'Acme Team', role: 'staff' });
  });

  it('ignores or passes on (without a role) a post on behalf of another channel, as configured', () => {
    const reseller: WireMessage = {
      message_id: 4903,
      date: DATE,
      chat: acme,
      from: channelBot,
      sender_chat: { id: -1001777888999, type: 'channel', title: 'Random Reseller' },
      text: 'Same problem here',
    };
    expect(mapGroupMessage(reseller, { ...settings, otherChannels: 'ignore' })).toMatchObject({ kind: 'ignored' });
    const author = inbound(reseller, { otherChannels: 'customer' }).author;
    expect(author).toEqual({ id: 'chat:-1001777888999', name: 'Random Reseller' });
    expect(author.role).toBeUndefined();
  });

  it('marks a bot sender (from.is_bot) as role bot', () => {
    const author = inbound({
      message_id: 4904,
      date: DATE,
      chat: acme,
      from: { id: 6001234567, is_bot: true, first_name: 'Jira Notifier', username: 'jira_notify_bot' },
      text: 'ACME-12 moved to Done',
    }).author;
    expect(author).toEqual({ id: '6001234567', name: 'Jira Notifier', role: 'bot' });
  });

  it('ignores a message with neither from nor sender_chat', () => {
    expect(mapGroupMessage({ message_id: 4905, date: DATE, chat: acme, text: 'who am I' }, settings)).toEqual({ kind: 'ignored', reason: 'message without a sender' });
  });

  it('names a user by full name, else @username, else the id', () => {
    expect(nameOf({ id: 1, first_name: 'Olga' })).toBe('Olga');
    expect(nameOf({ id: 1, first_name: '', username: 'olga_p' })).toBe('@olga_p');
    expect(nameOf({ id: 42 })).toBe('user 42');
  });
});

describe('mapGroupMessage: content', () => {
  const base = { date: DATE, chat: acme, from: olga };
  const photo = [{ file_id: 'AgACAgIAAxkBAAIB', file_unique_id: 'AQADx', width: 1280, height: 720, file_size: 81234 }];

  it.each<[string, Partial<WireMessage>, string]>([
    ['a photo without caption', { photo }, '[photo]'],
    ['a photo with caption', { photo, caption: 'Screenshot of the error' }, '[photo] Screenshot of the error'],
    ['a document with its file name', { document: { file_id: 'BQACAgIAAx', file_name: 'invoice-0423.pdf', mime_type: 'application/pdf' } }, '[file: invoice-0423.pdf]'],
    ['a document with a caption', { document: { file_id: 'BQACAgIAAx', file_name: 'invoice-0423.pdf' }, caption: 'wrong VAT' }, '[file: invoice-0423.pdf] wrong VAT'],
    ['a voice message', { voice: { file_id: 'AwACAgIAAx', duration: 7, mime_type: 'audio/ogg' } }, '[voice message]'],
    ['a sticker with its emoji', { sticker: { file_id: 'CAACAgIAAx', emoji: '👍', type: 'regular', is_animated: false, is_video: false } }, '[sticker 👍]'],
  ])('counts %s as a message with placeholder text', (_name, fields, text) => {
    expect(inbound({ message_id: 5100, ...base, ...fields }).text).toBe(text);
  });

  it('truncates text longer than maxTextLength to exactly that many characters ending in …', () => {
    const long = `Stack trace: ${'at handler (app.js:42:7) '.repeat(20)}`;
    expect(long.length).toBeGreaterThan(100);
    const text = inbound({ message_id: 5101, ...base, text: long }, { maxTextLength: 100 }).text;
    expect(text).toHaveLength(100);
    expect(text.endsWith('…')).toBe(true);
    expect(text.slice(0, 99)).toBe(long.slice(0, 99));
  });

  it('leaves text of exactly maxTextLength untouched', () => {
    const exact = 'x'.repeat(100);
    expect(inbound({ message_id: 5102, ...base, text: exact }, { maxTextLength: 100 }).text).toBe(exact);
  });

  it('attaches a command addressed to this bot to the message', () => {
    const event = messageOf(
      mapGroupMessage(
        { message_id: 5103, ...base, text: '/escalate@replywatch_bot too slow', entities: [{ type: 'bot_command', offset: 0, length: 24 }] },
        settings,
      ),
    );
    expect(event.command).toEqual({ name: 'escalate', args: 'too slow' });
    expect(event.message.text).toBe('/escalate@replywatch_bot too slow');
  });
});

describe('parseCommand', () => {
  const at = (text: string, entities?: WireMessage['entities']): WireMessage => ({ message_id: 1, date: DATE, chat: acme, from: olga, text, ...(entities ? { entities } : {}) });

  it('reads a bare command', () => {
    expect(parseCommand(at('/hold', [{ type: 'bot_command', offset: 0, length: 5 }]), BOT)).toEqual({ name: 'hold', args: '' });
    expect(parseCommand(at('/HOLD'), BOT)).toEqual({ name: 'hold', args: '' });
  });

  it('accepts a command addressed to this bot whatever the case of its name, and returns the rest as args', () => {
    expect(parseCommand(at('/escalate@ReplyWatch_Bot too slow', [{ type: 'bot_command', offset: 0, length: 24 }]), BOT)).toEqual({ name: 'escalate', args: 'too slow' });
    expect(parseCommand(at('/escalate@REPLYWATCH_BOT   too slow  '), BOT)).toEqual({ name: 'escalate', args: 'too slow' });
  });

  it('treats a command addressed to another bot as plain text', () => {
    expect(parseCommand(at('/hold@OtherBot', [{ type: 'bot_command', offset: 0, length: 14 }]), BOT)).toBeUndefined();
  });

  it('returns undefined for text that does not start with /', () => {
    expect(parseCommand(at('please /hold'), BOT)).toBeUndefined();
    expect(parseCommand(at('hold'), BOT)).toBeUndefined();
    expect(parseCommand({ message_id: 1, date: DATE, chat: acme, from: olga, photo: [], caption: '/hold' }, BOT)).toBeUndefined();
  });

  it("takes the command's length from Telegram's bot_command entity when there is one", () => {
    // Telegram marks "/hold" as the command in "/hold, please"; splitting on whitespace would not.
    expect(parseCommand(at('/hold, please', [{ type: 'bot_command', offset: 0, length: 5 }]), BOT)).toEqual({ name: 'hold', args: ', please' });
    expect(parseCommand(at('/hold, please'), BOT)).toBeUndefined();
  });
});
