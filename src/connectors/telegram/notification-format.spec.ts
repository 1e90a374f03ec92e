import { escapeHtml, formatNotification, htmlCutGuard } from './notification-format';
import { splitText } from './pacer';

const link = { title: 'Acme Support', url: 'https://t.me/c/1987654321/4711' };

describe('formatNotification', () => {
  it('puts the mark text first with the conversation it names linked, then policy and due time, runbook and @mentions', () => {
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
        '🔥 SLA breached: <a href="https://t.me/c/1987654321/4711">Acme Support</a> waits 2 h',
        'Policy: standard · due 2024-06-10 09:30 UTC',
        'Runbook: https://wiki.example.com/runbooks/sla',
        '@olga_p @ivan_duty',
      ].join('\n'),
    );
  });

  it('names the conversation when the text does not, linked when there is a link', () => {
    expect(formatNotification({ text: 'Breach' }, link)).toBe('Breach\n<a href="https://t.me/c/1987654321/4711">Acme Support</a>');
  });

  it('links the title where the hub’s text puts it, after the dash, not an earlier mention of the same word', () => {
    expect(formatNotification({ text: '⚠️ Acme waits — Acme' }, { title: 'Acme', url: 'https://t.me/acme_help/7' })).toBe('⚠️ Acme waits — <a href="https://t.me/acme_help/7">Acme</a>');
  });

  it('adds the reference of a message that has no link (a mail’s Message-ID), escaped', () => {
    expect(formatNotification({ text: 'Breach' }, { title: 'Invoice · ann@customer.example', reference: 'Message-ID: <a@b>' })).toBe(
      'Breach\nInvoice · ann@customer.example\nMessage-ID: &lt;a@b&gt;',
    );
  });

  it('escapes every text for Telegram’s HTML: a customer’s title or a runbook cannot add markup', () => {
    const payload = { text: '🆕 New inquiry — <b>Tom & "Jerry"</b>', runbook: 'See <https://wiki/?a=1&b=2>', reason: '</a><a href="x">', mentions: ['<i>'] };
    const url = 'https://support.example.com/t/1?a=1&b="2"';
    expect(formatNotification(payload, { title: '<b>Tom & "Jerry"</b>', url }).split('\n')).toEqual([
      '🆕 New inquiry — <a href="https://support.example.com/t/1?a=1&amp;b=%222%22">&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</a>',
      'Reason: &lt;/a&gt;&lt;a href=&quot;x&quot;&gt;',
      'Runbook: See &lt;https://wiki/?a=1&amp;b=2&gt;',
      '@&lt;i&gt;',
    ]);
  });

  it('never links anything but an http(s) URL: the title stays plain text', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'tg://resolve?domain=x', '/relative', 'https://user:pw@evil.example/']) {
      expect(formatNotification({ text: 'Breach' }, { title: 'Acme', url })).toBe('Breach\nAcme');
    }
  });

  it('puts the link on its own line when the title is too long to be a link', () => {
    const title = `Acme ${'x'.repeat(4000)}`;
    const lines = formatNotification({ text: `🆕 New inquiry — ${title}` }, { title, url: 'https://t.me/c/1987654321/4711' }).split('\n');
    expect(lines).toEqual([`🆕 New inquiry — ${title}`, 'https://t.me/c/1987654321/4711']);
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

  it('links a digest item’s conversation when it has a link', () => {
    const payload = {
      event: 'sla.digest',
      text: 'Too many alerts at once; the rest of this minute:',
      items: [
        { text: '🔥 Acme waits 2 h — Acme & Co', conversation: { channel: 'telegram', id: '-1001987654321', title: 'Acme & Co', link: 'https://t.me/c/1987654321/4711' } },
        { text: '⏰ Globex waits 1 h', conversation: { channel: 'http', id: 'globex', title: 'Globex', link: 'https://desk.example.com/t/9' } },
        { text: '⏰ Evil', conversation: { channel: 'http', id: 'evil', title: 'Evil', link: 'javascript:alert(1)' } },
      ],
    };
    expect(formatNotification(payload, undefined).split('\n').slice(1)).toEqual([
      '• 🔥 Acme waits 2 h — <a href="https://t.me/c/1987654321/4711">Acme &amp; Co</a>',
      '• ⏰ Globex waits 1 h — <a href="https://desk.example.com/t/9">Globex</a>',
      '• ⏰ Evil — Evil',
    ]);
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

describe('htmlCutGuard', () => {
  it('splits a long HTML notice between lines, never inside a link, a tag or an entity', () => {
    const items = Array.from({ length: 120 }, (_, i) => ({
      text: `🔥 Client ${i} & partners waits 2 h`,
      conversation: { channel: 'telegram', id: `-100300000${i}`, title: `Client ${i} & partners`, link: `https://t.me/c/300000${i}/${i + 1}` },
    }));
    const html = formatNotification({ event: 'sla.digest', text: 'Too many alerts at once; the rest of this minute:', items }, undefined);
    expect(html.length).toBeGreaterThan(4096);
    const parts = splitText(html, 4096, htmlCutGuard);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(part.match(/<a /g)?.length).toBe(part.match(/<\/a>/g)?.length);
      expect(part).not.toMatch(/&[#\w]*$|<[^>]*$/);
    }
  });

  it('moves a hard cut out of a link when a single line is longer than a message', () => {
    const linked = `<a href="https://t.me/c/1/2">${escapeHtml('x & y '.repeat(20))}</a>`;
    const html = `${'z'.repeat(90)}${linked}${'w'.repeat(300)}`;
    const parts = splitText(html, 300, htmlCutGuard);
    expect(parts[0]).toBe('z'.repeat(90));
    expect(parts[1]?.startsWith(linked)).toBe(true);
    expect(parts.join('')).toBe(html);
  });

  it('allows every position of plain text', () => {
    const allowed = htmlCutGuard('plain text');
    expect([1, 5, 9].every((at) => allowed(at))).toBe(true);
    const guarded = htmlCutGuard('a &amp; b');
    expect([guarded(2), guarded(3), guarded(6), guarded(7)]).toEqual([true, false, false, true]);
  });

  it('shows the tickets a point carries, linked where the link is http(s), escaped always', () => {
    const tickets = [
      { target: 'tracker', key: 'SUP-7', url: 'https://tracker.yandex.ru/SUP-7' },
      { target: 'desk', key: '<b>#9', url: 'javascript:alert(1)' },
      { target: 'broken', key: 42 },
    ];
    expect(formatNotification({ text: '⚡ Acme waits', tickets }, undefined)).toBe('⚡ Acme waits\nTicket: <a href="https://tracker.yandex.ru/SUP-7">SUP-7</a>, &lt;b&gt;#9');
  });
});
