import { conversationIdOf, messageIdOf, messageLink, parseConversationId, parseMessageId } from './telegram.ids';

const SUPERGROUP = -1001987654321;
const BASIC_GROUP = -4012345678;
const PRIVATE = 52340011;

describe('conversation ids', () => {
  it('is the chat id for a chat and chat:topic for a forum topic', () => {
    expect(conversationIdOf(SUPERGROUP)).toBe('-1001987654321');
    expect(conversationIdOf(SUPERGROUP, 305)).toBe('-1001987654321:305');
  });

  it.each<[number, number | undefined]>([
    [SUPERGROUP, undefined],
    [SUPERGROUP, 305],
    [BASIC_GROUP, undefined],
    [PRIVATE, undefined],
  ])('round-trips chat %d topic %s', (chatId, topicId) => {
    const parsed = parseConversationId(conversationIdOf(chatId, topicId));
    expect(parsed).toEqual(topicId === undefined ? { chatId } : { chatId, topicId });
    if (topicId === undefined) expect(parsed).not.toHaveProperty('topicId');
  });

  it('does not parse ids that are not Telegram conversations', () => {
    for (const id of ['', 'abc', '-100198:', '-100198:305:1', '<CAB123@mail.example.com>', '-100198:-5']) {
      expect(parseConversationId(id)).toBeUndefined();
    }
  });
});

describe('message ids', () => {
  it('qualifies the message id with its chat and round-trips', () => {
    expect(messageIdOf(SUPERGROUP, 4711)).toBe('-1001987654321:4711');
    expect(parseMessageId(messageIdOf(SUPERGROUP, 4711))).toEqual({ chatId: SUPERGROUP, messageId: 4711 });
    expect(parseMessageId(messageIdOf(PRIVATE, 9))).toEqual({ chatId: PRIVATE, messageId: 9 });
  });

  it('does not parse a bare message id', () => {
    expect(parseMessageId('4711')).toBeUndefined();
    expect(parseMessageId('-1001987654321')).toBeUndefined();
  });
});

describe('messageLink', () => {
  it('links a supergroup message through t.me/c without the -100 prefix', () => {
    expect(messageLink(SUPERGROUP, 4711)).toBe('https://t.me/c/1987654321/4711');
  });

  it('puts the topic between the chat and the message for a forum topic', () => {
    expect(messageLink(SUPERGROUP, 4711, 305)).toBe('https://t.me/c/1987654321/305/4711');
  });

  it('has no link for a basic group or a private chat', () => {
    expect(messageLink(BASIC_GROUP, 88)).toBeUndefined();
    expect(messageLink(PRIVATE, 9)).toBeUndefined();
    expect(messageLink(BASIC_GROUP, 88, undefined, 'initech')).toBeUndefined();
  });

  it('links a public supergroup by its username, in the topic when there is one', () => {
    expect(messageLink(SUPERGROUP, 4711, undefined, 'acme_support')).toBe('https://t.me/acme_support/4711');
    expect(messageLink(SUPERGROUP, 4711, 305, 'acme_support')).toBe('https://t.me/acme_support/305/4711');
  });

  it('ignores a username Telegram would not allow, and ids that are not ids', () => {
    expect(messageLink(SUPERGROUP, 4711, undefined, 'a/b?c')).toBe('https://t.me/c/1987654321/4711');
    expect(messageLink(SUPERGROUP, 0)).toBeUndefined();
    expect(messageLink(SUPERGROUP, 1.5)).toBeUndefined();
    expect(messageLink(SUPERGROUP, 4711, -3)).toBeUndefined();
    expect(messageLink(Number.NaN, 4711)).toBeUndefined();
  });
});
