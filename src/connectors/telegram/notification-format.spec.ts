import { formatNotification } from './notification-format';

const link = { title: 'Acme Support', url: 'https://t.me/c/1987654321/4711' };

describe('formatNotification', () => {
  it('puts the mark text first, then the link (the text already names the conversation), policy and due time, runbook and @mentions', () => {
    const payload = {
      event: 'sla.mark',
      text: '🔥 SLA breached: Acme Support waits 2 h',
      policy: 'standard',
      dueAt: '2024-06-10T09:30:00.000Z',
      runbook: 'https://wiki.example.com/runbooks/sla',
      mentions: ['olga_p', '@ivan_duty'],
      conversation: { channel: 'telegram', id: '-1001987654321', title: 'Acme Support' },
    };
    expect(formatNotification(payload, link)).toBe(
      [
        '🔥 SLA breached: Acme Support waits 2 h',
        'https://t.me/c/1987654321/4711',
        'Policy: standard · due 2024-06-10 09:30 UTC',
        'Runbook: https://wiki.example.com/runbooks/sla',
        '@olga_p @ivan_duty',
      ].join('\n'),
    );
  });

  it('names the conversation when the text does not, with its link when there is one', () => {
    expect(formatNotification({ text: 'Breach' }, link)).toBe('Breach\nAcme Support\nhttps://t.me/c/1987654321/4711');
  });

  it('adds the reference of a message that has no link (a mail’s Message-ID)', () => {
    expect(formatNotification({ text: 'Breach' }, { title: 'Invoice · ann@customer.example', reference: 'Message-ID: <a@b>' })).toBe('Breach\nInvoice · ann@customer.example\nMessage-ID: <a@b>');
  });

  it('shows the title alone when there is no link, and nothing when there is no conversation', () => {
    expect(formatNotification({ text: 'Breach' }, { title: 'Acme (basic group)' })).toBe('Breach\nAcme (basic group)');
    expect(formatNotification({ text: 'Breach' }, undefined)).toBe('Breach');
  });

  it('shows the policy without a due time when there is none, and a non-empty reason', () => {
    expect(formatNotification({ text: 'Escalated', policy: 'vip', reason: 'customer asked twice' }, undefined)).toBe(
      'Escalated\nPolicy: vip\nReason: customer asked twice',
    );
    expect(formatNotification({ text: 'Escalated', reason: '' }, undefined)).toBe('Escalated');
  });

  it('lists digest items with their conversation, before the mentions', () => {
    const payload = {
      event: 'sla.digest',
      text: 'Too many alerts at once; the rest of this minute:',
      items: [
        { key: 'a', text: '🔥 Acme waits 2 h', conversation: { channel: 'telegram', id: '-1001987654321', title: 'Acme Support' } },
        { key: 'b', text: '⏰ Globex waits 1 h', conversation: { channel: 'telegram', id: '-1002233445566:305', title: null } },
        { key: 'c', conversation: { channel: 'telegram', id: '-1002233445566' } },
        { key: 'd', text: 'mail thread' },
        { key: 'e', text: '🆕 New inquiry — Initech', conversation: { channel: 'telegram', id: '-1003', title: 'Initech' } },
      ],
      mentions: ['olga_p'],
    };
    expect(formatNotification(payload, undefined).split('\n')).toEqual([
      'Too many alerts at once; the rest of this minute:',
      '• 🔥 Acme waits 2 h — Acme Support',
      '• ⏰ Globex waits 1 h — -1002233445566:305',
      '• alert — -1002233445566',
      '• mail thread',
      '• 🆕 New inquiry — Initech',
      '@olga_p',
    ]);
  });

  it('writes a headline for known events when there is no text', () => {
    expect(formatNotification({ event: 'inquiry.opened' }, link).split('\n')[0]).toBe('🆕 New inquiry');
    expect(formatNotification({ event: 'inquiry.answered' }, undefined)).toBe('✅ Answered');
  });

  it('falls back to the event name for an unknown event, and to a plain word without one', () => {
    expect(formatNotification({ event: 'inquiry.reopened' }, undefined)).toBe('inquiry.reopened');
    expect(formatNotification({}, undefined)).toBe('notification');
  });

  it('skips mentions that are not strings', () => {
    expect(formatNotification({ text: 'Breach', mentions: ['olga_p', 42, null, '@ivan_duty'] }, undefined)).toBe('Breach\n@olga_p @ivan_duty');
    expect(formatNotification({ text: 'Breach', mentions: [] }, undefined)).toBe('Breach');
  });
});
