import { readMailFacts, subjectKeyOf } from './mail-facts';

function mail(headers: string[], body = 'Hello, the invoice is wrong.'): Buffer {
  return Buffer.from([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'));
}

describe('readMailFacts', () => {
  it('reads ids, addresses and the new text of a plain reply', async () => {
    const facts = await readMailFacts(
      mail(
        [
          'From: "Ann Lee" <Ann@Customer.example>',
          'To: support@example.com',
          'Cc: Bob <bob@customer.example>, support@example.com',
          'Subject: Re: Invoice 42',
          'Message-ID: <reply-1@customer.example>',
          'In-Reply-To: <ours-1@example.com>',
          'References: <first@customer.example> <ours-1@example.com>',
        ],
        'Still wrong.\r\n\r\nOn Mon, 30 Nov 2026 at 10:00, Support <support@example.com> wrote:\r\n> We fixed it.\r\n',
      ),
      4000,
    );
    expect(facts).toMatchObject({
      key: 'reply-1@customer.example',
      hasMessageId: true,
      replyTo: ['ours-1@example.com', 'first@customer.example'],
      from: { address: 'ann@customer.example', name: 'Ann Lee' },
      recipients: ['support@example.com', 'bob@customer.example'],
      subject: 'Re: Invoice 42',
      subjectKey: 'invoice 42',
      automated: undefined,
      text: 'Still wrong.',
    });
  });

  it('decodes RFC 2047 headers in other charsets and 8-bit bodies', async () => {
    const facts = await readMailFacts(
      mail(['From: =?KOI8-R?B?6dfBzg==?= <ivan@example.ru>', 'Subject: =?UTF-8?B?0KHRh9GR0YIg4oSWIDc=?=', 'Message-ID: <a@b>'], 'Счёт не пришёл'),
      4000,
    );
    expect(facts.from).toEqual({ address: 'ivan@example.ru', name: 'Иван' });
    expect(facts.subject).toBe('Счёт № 7');
    expect(facts.text).toBe('Счёт не пришёл');
  });

  it('derives the same stable key for a mail without a Message-ID, read twice', async () => {
    const source = mail(['From: a@customer.example', 'Subject: help', 'Date: Tue, 1 Dec 2026 10:00:00 +0000']);
    const first = await readMailFacts(source, 4000);
    const again = await readMailFacts(Buffer.from(source), 4000);
    expect(first.hasMessageId).toBe(false);
    expect(first.key).toMatch(/^no-message-id\.[\w-]{32}@replywatch$/);
    expect(again.key).toBe(first.key);
    const other = await readMailFacts(mail(['From: a@customer.example', 'Subject: help', 'Date: Tue, 1 Dec 2026 10:05:00 +0000']), 4000);
    expect(other.key).not.toBe(first.key);
  });

  it('reads a mail cut in the middle of an attachment (only the first bytes are fetched)', async () => {
    const whole = [
      'From: a@customer.example',
      'Subject: logs attached',
      'Message-ID: <cut@customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attached log.',
      '--b1',
      'Content-Type: application/octet-stream; name="big.log"',
      'Content-Transfer-Encoding: base64',
      '',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='.repeat(4000),
    ].join('\r\n');
    const facts = await readMailFacts(Buffer.from(whole).subarray(0, 8192), 4000);
    expect(facts.key).toBe('cut@customer.example');
    expect(facts.text).toBe('See the attached log.');
  });

  it('never throws on garbage and keeps text storable', async () => {
    const facts = await readMailFacts(Buffer.from('\u0000\u0001garbage without headers \uD800 \u0000'), 4000);
    expect(facts.text).not.toContain('\u0000');
    expect(facts.key.length).toBeGreaterThan(0);
  });

  it('caps the text', async () => {
    const facts = await readMailFacts(mail(['From: a@x.example', 'Message-ID: <long@x>'], 'word '.repeat(5000)), 200);
    expect(facts.text.length).toBeLessThanOrEqual(200);
  });
});

describe('subjectKeyOf', () => {
  it('strips reply and forward prefixes in several languages and tags', () => {
    expect(subjectKeyOf('Re: RE: Fwd: [Ticket #12] AW: Invoice  42')).toBe('invoice 42');
    expect(subjectKeyOf('Ответ: Счёт')).toBe('счёт');
    expect(subjectKeyOf('Re[2]: status')).toBe('status');
    expect(subjectKeyOf('Regarding the invoice')).toBe('regarding the invoice');
  });
});
