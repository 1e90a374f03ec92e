import { type InquiryView } from '../core/inquiries/inquiry-queries';
import { inquiryTable } from './inquiry-table';

function inquiry(overrides: Partial<InquiryView> = {}): InquiryView {
  return {
    id: '9b52a31a-f400-42f8-86cd-ba21977b0f14',
    status: 'open',
    conversation: { channel: 'telegram', id: '-100123', title: 'Acme support' },
    openedAt: '2026-11-02T12:00:05.123Z',
    answeredAt: null,
    firstResponseMs: null,
    responder: null,
    customerMessages: 1,
    lastCustomerMessageAt: '2026-11-02T12:00:05.123Z',
    sla: { policy: 'standard', dueAt: '2026-11-02T13:00:00.000Z', firstResponseBusinessMs: null, breached: null },
    tickets: [],
    ...overrides,
  };
}

describe('inquiryTable', () => {
  it('aligns one line per inquiry under a header, to the minute in UTC', () => {
    const text = inquiryTable([
      inquiry(),
      inquiry({ id: '6b9ccbf0-94be-44d8-9e41-ca2e757e9eee', status: 'answered', conversation: { channel: 'http', id: 'acme', title: null }, firstResponseMs: 754_000, responder: { id: 'u1', name: 'Alice' }, sla: { policy: 'vip', dueAt: '2026-11-02T12:10:00.000Z', firstResponseBusinessMs: 754_000, breached: true } }),
    ]);
    expect(text.split('\n')).toEqual([
      'ID                                    STATUS    CONVERSATION      OPENED (UTC)      DUE (UTC)                  FIRST RESPONSE     TITLE',
      '9b52a31a-f400-42f8-86cd-ba21977b0f14  open      telegram/-100123  2026-11-02 12:00  2026-11-02 13:00           —                  Acme support',
      '6b9ccbf0-94be-44d8-9e41-ca2e757e9eee  answered  http/acme         2026-11-02 12:00  2026-11-02 12:10 breached  12.6 min by Alice',
      '',
    ]);
  });

  it('keeps a title with line breaks on its line', () => {
    expect(inquiryTable([inquiry({ conversation: { channel: 'http', id: 'x', title: 'one\r\ntwo' } })]).split('\n')).toHaveLength(3);
  });

  it('says so when there is nothing to list', () => {
    expect(inquiryTable([])).toBe('no inquiries\n');
  });
});
