import { conversationRef, inquiryOpened, slaPoint } from './payload-builder';

describe('conversationRef', () => {
  const facts = { channel: 'telegram', externalId: '-1001987654321:305', title: 'Globex › Billing' };

  it('carries the opening message and its link', () => {
    expect(conversationRef({ ...facts, openingMessageId: '-1001987654321:4711', link: 'https://t.me/c/1987654321/305/4711' })).toEqual({
      channel: 'telegram',
      id: '-1001987654321:305',
      title: 'Globex › Billing',
      openingMessageId: '-1001987654321:4711',
      link: 'https://t.me/c/1987654321/305/4711',
    });
  });

  it('always has link, null where none is known (mail, a basic group, an inquiry older than links)', () => {
    expect(conversationRef(facts)).toEqual({ channel: 'telegram', id: '-1001987654321:305', title: 'Globex › Billing', link: null });
    expect(conversationRef({ ...facts, openingMessageId: null, link: null })).toEqual({ ...conversationRef(facts), openingMessageId: null });
  });

  it('never carries anything but an http(s) URL, whatever was stored', () => {
    for (const link of ['javascript:alert(1)', 'data:text/html,x', 'tg://resolve?domain=x', 'not a url', '']) {
      expect(conversationRef({ ...facts, link }).link).toBeNull();
    }
  });
});

describe('payloads with the link', () => {
  it('puts the link into inquiry.opened and into SLA marks', () => {
    const conversation = conversationRef({ channel: 'http', externalId: 'acme', title: 'Acme', openingMessageId: '4711', link: 'https://desk.example.com/t/4711' });
    expect(inquiryOpened({ inquiryId: 'i-1', conversation, at: '2026-12-01T09:00:00.000Z', actor: 'customer:u-93' })).toMatchObject({
      event: 'inquiry.opened',
      text: '🆕 New inquiry — Acme',
      conversation: { link: 'https://desk.example.com/t/4711' },
    });
    const mark = slaPoint({ inquiryId: 'i-1', conversation, text: '⚠️ SLA MISS — Acme', level: 'breach', emoji: '⚠️', markDueAt: '2026-12-01T10:00:00.000Z', late: false });
    expect(mark).toMatchObject({ event: 'sla.breach', conversation: { link: 'https://desk.example.com/t/4711' } });
  });
});
