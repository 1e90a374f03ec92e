import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type InquiryOpenedPayload, type SlaDigestPayload } from 'replywatch/sdk';
import { envelopeOf } from './webhook-envelope';

const NOW = new Date('2026-12-01T10:00:00.000Z');

function opened(link: unknown): InquiryOpenedPayload {
  return {
    event: 'inquiry.opened',
    text: '🆕 New inquiry — Acme',
    inquiryId: '6f0c2b8e-2d7c-4e55-9d55-0f1d2c3b4a59',
    conversation: { channel: 'telegram', id: '-1001987654321', title: 'Acme', openingMessageId: '-1001987654321:4711', link: link as string | null },
    at: '2026-12-01T09:00:00.000Z',
    actor: 'customer:52340011',
  };
}

describe('envelopeOf: the conversation link', () => {
  it('carries conversation.link in data as the hub built it', () => {
    const envelope = envelopeOf(opened('https://t.me/c/1987654321/4711'), NOW);
    expect(envelope).toMatchObject({ type: 'inquiry.opened', version: 1, timestamp: '2026-12-01T09:00:00.000Z' });
    expect(envelope.data).toEqual(opened('https://t.me/c/1987654321/4711'));
  });

  it('sends null where the link is none or not an http(s) URL', () => {
    for (const link of [null, 'javascript:alert(1)', 'data:text/html,x', 'ftp://files.example/x', 42]) {
      expect(envelopeOf(opened(link), NOW).data).toMatchObject({ conversation: { link: null } });
    }
  });

  it('leaves an event written before links without the field', () => {
    const { link: _, ...conversation } = opened(null).conversation;
    const envelope = envelopeOf({ ...opened(null), conversation }, NOW);
    expect((envelope.data as InquiryOpenedPayload).conversation).not.toHaveProperty('link');
  });

  it('checks the links of digest items too', () => {
    const digest: SlaDigestPayload = {
      event: 'sla.digest',
      text: 'Too many alerts at once; the rest of this minute:',
      items: [
        { text: 'a', inquiryId: 'a', conversation: { channel: 'http', id: 'a', title: null, link: 'https://desk.example.com/t/1' } },
        { text: 'b', inquiryId: 'b', conversation: { channel: 'http', id: 'b', title: null, link: 'javascript:alert(1)' } },
        { text: 'c', inquiryId: null },
      ],
    };
    const items = (envelopeOf(digest, NOW).data as SlaDigestPayload).items;
    expect(items.map((i) => i.conversation?.link)).toEqual(['https://desk.example.com/t/1', null, undefined]);
  });

  it('is documented in the published JSON Schema', () => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, '../../../docs/schemas/webhook-event.schema.json'), 'utf8')) as {
      $defs: { conversation: { properties: Record<string, { type: string[]; pattern?: string; maxLength?: number }>; required: string[] } };
    };
    expect(schema.$defs.conversation.properties.link).toMatchObject({ type: ['string', 'null'], pattern: '^https?://', maxLength: 2048 });
    expect(schema.$defs.conversation.required).not.toContain('link');
  });
});
