import { ingestBodyParser, toFieldErrors, toInboundMessage } from './http.mapper';

const parse = ingestBodyParser(32_768, 500);

function body(link?: unknown): Record<string, unknown> {
  return {
    conversation: { id: 'acme-support', title: 'Acme' },
    message: { id: '4711', text: 'Invoices do not load', sentAt: '2026-11-02T12:00:00Z', ...(link === undefined ? {} : { link }) },
    author: { id: 'u-93' },
  };
}

describe('HTTP intake: message.link', () => {
  it('takes an http or https link to the message or its conversation onto the inbound message', () => {
    for (const link of ['https://desk.example.com/tickets/4711', 'http://helpdesk.internal:8080/t/4711?tab=chat#m-3']) {
      const parsed = parse(body(link));
      if (!parsed.success) throw new Error(JSON.stringify(toFieldErrors(parsed.error)));
      expect(toInboundMessage(parsed.data[0]!).link).toBe(link);
    }
  });

  it('leaves the link out when the sender gives none', () => {
    const parsed = parse(body());
    if (!parsed.success) throw new Error('expected a valid body');
    expect(toInboundMessage(parsed.data[0]!)).not.toHaveProperty('link');
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['ftp://files.example.com/x'],
    ['/tickets/4711'],
    ['desk.example.com/tickets/4711'],
    ['https://user:secret@desk.example.com/t/1'],
    ['https://desk.example.com/a b'],
    [' https://desk.example.com/t/1'],
    ['https://desk.example.com/t/1\n'],
    [''],
  ])('refuses %j with a 422 naming /message/link', (link) => {
    const parsed = parse(body(link));
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(toFieldErrors(parsed.error).map((e) => e.pointer)).toEqual(['/message/link']);
  });

  it('refuses a link that is not a string, or longer than 2048 characters, in a batch too', () => {
    for (const link of [42, { href: 'https://x.example' }, `https://desk.example.com/${'a'.repeat(2048)}`]) {
      const parsed = parse({ messages: [body(), body(link)] });
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(toFieldErrors(parsed.error)[0]?.pointer).toBe('/messages/1/message/link');
    }
  });
});
