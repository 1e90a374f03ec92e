import { ConversationTags } from './conversation-tags';

describe('ConversationTags', () => {
  const tags = new ConversationTags([
    { conversations: ['100', '200'], tags: ['vip'] },
    { channel: 'telegram', conversations: ['200'], tags: ['trial'] },
    { channel: 'email', conversations: ['acme'], tags: ['vip', 'eu'] },
  ]);

  it('gives a conversation the tags of its channel entry first, then of an entry on any channel', () => {
    expect(tags.of({ channel: 'telegram', id: '200' })).toEqual(['trial']);
    expect(tags.of({ channel: 'http', id: '200' })).toEqual(['vip']);
    expect(tags.of({ channel: 'email', id: 'acme' })).toEqual(['vip', 'eu']);
    expect(tags.of({ channel: 'email', id: 'other' })).toEqual([]);
  });

  it('lists who carries a tag, and the channel entries that take it away', () => {
    expect(tags.withTag('vip')).toEqual({
      pairs: [{ channel: 'email', id: 'acme' }],
      anyChannel: ['100', '200'],
      except: [{ channel: 'telegram', id: '200' }],
    });
    expect(tags.all).toEqual(['eu', 'trial', 'vip']);
  });
});
