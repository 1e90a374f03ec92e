import { type SlaDigestPayload, type SlaMarkPayload } from 'replywatch/sdk';
import { slackMessage, slackUrl } from './slack-blocks';

function mark(conversation: SlaMarkPayload['conversation']): SlaMarkPayload {
  return {
    event: 'sla.mark',
    text: '⚡ 15 minutes left — Acme',
    inquiryId: '6f0c2b8e-2d7c-4e55-9d55-0f1d2c3b4a59',
    conversation,
    policy: 'standard',
    dueAt: '2026-12-01T10:00:00.000Z',
    level: 'warning',
    emoji: '⚡',
    markDueAt: '2026-12-01T09:45:00.000Z',
    late: false,
  };
}

const texts = (message: ReturnType<typeof slackMessage>) => message.blocks.map((b) => (b.type === 'section' ? b.text.text : b.type === 'context' ? b.elements.map((e) => e.text).join(' ') : '-'));

describe('slackMessage: the link to the conversation', () => {
  it('puts an "Open conversation" link right under the headline, and at the end of the fallback text', () => {
    const message = slackMessage(mark({ channel: 'telegram', id: '-1001987654321', title: 'Acme', openingMessageId: '-1001987654321:4711', link: 'https://t.me/c/1987654321/4711' }));
    expect(texts(message).slice(0, 2)).toEqual(['*⚡ 15 minutes left — Acme*', '*<https://t.me/c/1987654321/4711|Open conversation>*']);
    expect(message.text).toBe('⚡ 15 minutes left — Acme\n<https://t.me/c/1987654321/4711|Open conversation>');
  });

  it('has no link section, and a plain fallback, without a link', () => {
    for (const link of [null, undefined]) {
      const message = slackMessage(mark({ channel: 'email', id: 'thread-1', title: 'Invoice', openingMessageId: 'a@b', link }));
      expect(JSON.stringify(message.blocks)).not.toContain('Open conversation');
      expect(message.text).toBe('⚡ 15 minutes left — Acme');
      expect(texts(message)[1]).toContain('Message-ID `<a@b>`');
    }
  });

  it('never links anything but an http(s) URL', () => {
    for (const link of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'slack://open', '//evil.example/x', 'https://user:pw@evil.example/', ' https://t.me/c/1/2']) {
      const message = slackMessage(mark({ channel: 'http', id: 'c-1', title: 'Acme', link }));
      expect(JSON.stringify(message)).not.toContain('Open conversation');
      expect(JSON.stringify(message)).not.toContain('javascript');
    }
  });

  it('escapes the URL for mrkdwn: & < > as entities, | percent-encoded, so it cannot end the link early or add one', () => {
    const link = 'https://desk.example.com/t/1?a=1&b=<2>|<!channel>';
    const section = texts(slackMessage(mark({ channel: 'http', id: 'c-1', title: 'Acme', link })))[1];
    expect(section).toBe('*<https://desk.example.com/t/1?a=1&amp;b=%3C2%3E%7C%3C!channel%3E|Open conversation>*');
    expect(slackUrl('https://x.example/a|b&c')).toBe('https://x.example/a%7Cb&amp;c');
  });

  it('keeps the fallback within Slack’s limit with the link, cutting the text instead', () => {
    const payload = { ...mark({ channel: 'http', id: 'c-1', title: 'Acme', link: 'https://desk.example.com/t/1' }), text: 'x'.repeat(5000) };
    const message = slackMessage(payload);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    expect(message.text.endsWith('\n<https://desk.example.com/t/1|Open conversation>')).toBe(true);
  });

  it('links each digest item that has a link, and leaves the others plain', () => {
    const digest: SlaDigestPayload = {
      event: 'sla.digest',
      text: 'Too many alerts at once; the rest of this minute:',
      items: [
        { text: '🔥 Acme <b> waits', inquiryId: 'a', conversation: { channel: 'telegram', id: '-1001', title: 'Acme', link: 'https://t.me/c/1/2' } },
        { text: '⏰ Mail waits', inquiryId: 'b', conversation: { channel: 'email', id: 't', title: 'Mail', link: null } },
        { text: '⏰ Evil waits', inquiryId: 'c', conversation: { channel: 'http', id: 'e', title: 'Evil', link: 'javascript:alert(1)' } },
      ],
    };
    expect(texts(slackMessage(digest)).at(-1)).toBe('• <https://t.me/c/1/2|🔥 Acme &lt;b&gt; waits>\n• ⏰ Mail waits\n• ⏰ Evil waits');
  });

  it('shows the tickets a point carries, linked where the link is http(s)', () => {
    const mark: SlaMarkPayload = {
      event: 'sla.mark',
      level: 'warning',
      emoji: '⚡',
      text: '⚡ 15 min left — Acme',
      inquiryId: 'i-1',
      conversation: { channel: 'http', id: 'acme', title: 'Acme', link: null },
      markDueAt: '2026-12-01T10:45:00.000Z',
      late: false,
      tickets: [
        { target: 'tracker', key: 'SUP-7', url: 'https://tracker.yandex.ru/SUP-7' },
        { target: 'desk', key: '<b>#9', url: 'javascript:alert(1)' },
      ],
    };
    expect(texts(slackMessage(mark))).toContain('*Ticket:* <https://tracker.yandex.ru/SUP-7|SUP-7>, `&lt;b&gt;#9`');
  });
});
