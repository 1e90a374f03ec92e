import { rulesSchema } from '../config/rules.schema';
import { type InquiryChange } from './inquiry-tracker';
import { lifecycleNotifications } from './notifications';

const rules = rulesSchema.parse({
  version: 1,
  duty: { targets: [{ name: 'duty', connector: 'log' }] },
  notify: { inquiryOpened: ['duty'], inquiryAnswered: ['duty'] },
});
const conversation = { id: 7, channel: 'telegram', externalId: '-1001987654321', title: 'Acme' };
const at = new Date('2026-12-01T09:00:00.000Z');

function change(type: InquiryChange['type'], data: Record<string, unknown>): InquiryChange {
  return { type, inquiryId: 'i-1', conversationId: 7, actor: 'customer:5', occurredAt: at, data };
}

describe('lifecycleNotifications: the conversation link', () => {
  it('gives inquiry.opened the opening message’s id and link', () => {
    const [delivery] = lifecycleNotifications(rules, [change('opened', { messageId: 11 })], conversation, (id) =>
      id === 11 ? { id: '-1001987654321:4711', link: 'https://t.me/c/1987654321/4711' } : undefined,
    );
    expect(delivery?.payload).toMatchObject({
      event: 'inquiry.opened',
      conversation: { channel: 'telegram', id: '-1001987654321', title: 'Acme', openingMessageId: '-1001987654321:4711', link: 'https://t.me/c/1987654321/4711' },
    });
  });

  it('says link: null where the opening message has none, or is not known', () => {
    const none = lifecycleNotifications(rules, [change('opened', { messageId: 11 })], conversation, () => ({ id: 'm-1', link: null }));
    expect(none[0]?.payload).toMatchObject({ conversation: { openingMessageId: 'm-1', link: null } });
    const unknown = lifecycleNotifications(rules, [change('opened', { messageId: 11 })], conversation);
    expect((unknown[0]?.payload as { conversation: object }).conversation).toEqual({ channel: 'telegram', id: '-1001987654321', title: 'Acme', link: null });
    const answered = lifecycleNotifications(rules, [change('answered', { messageId: 12, firstResponseMs: 60_000 })], conversation);
    expect(answered[0]?.payload).toMatchObject({ event: 'inquiry.answered', conversation: { link: null } });
  });
});
