import { describeWithDovecot, startDovecot, stopAllDovecots, type DovecotServer } from '../../support/dovecot';
import { type TestHub } from '../../support/hub-harness';
import { appendMail, setFlags, withImap } from '../../support/imap-client';
import { buildMail } from '../../support/mail-builder';
import { mailInquiries, mailMessageCount, startMailHub, SUPPORT, until } from '../../support/mail-hub';

/**
 * One hub watching a real Dovecot mailbox: customer mail opens inquiries, replies seen in any
 * of the three ways close them, machine-made mail opens nothing.
 */
describeWithDovecot('mail connector against Dovecot', () => {
  let server: DovecotServer;
  let hub: TestHub;

  beforeAll(async () => {
    server = await startDovecot();
    // Staff of an outsourced desk, known to the runbook by address (not one of "us").
    hub = await startMailHub(server, { rules: { staff: [{ name: 'Olga Outsourced', role: 'support', identities: [{ channel: 'email', email: 'olga@desk.example' }] }] } });
    await until('the mailboxes are idling', async () => (await health()).includes('support/INBOX: idling') && (await health()).includes('support/Sent: idling'));
  });

  afterAll(async () => {
    await hub?.close();
    await server?.cleanup();
    await stopAllDovecots();
  });

  async function health(): Promise<string> {
    const body = (await (await fetch(`${hub.url}/health/ready`)).json()) as { connectors: Record<string, { detail?: string }> };
    return body.connectors.mail?.detail ?? '';
  }

  /** IMAP keeps arrival times in whole seconds: steps of one test get distinct, ordered times. */
  async function appendAt(mailbox: string, raw: string, secondsAgo: number, flags: string[] = []): Promise<void> {
    await withImap(server, SUPPORT, (client) => client.append(mailbox, raw, flags, new Date(Date.now() - secondsAgo * 1000)));
  }

  async function inquiryFor(subject: string) {
    return (await mailInquiries(hub)).filter((i) => i.title?.startsWith(subject));
  }

  it('opens an inquiry for customer mail and closes it when a mail client sets \\Answered', async () => {
    const mail = buildMail({ from: 'Ann Lee <ann@customer.example>', to: SUPPORT, subject: 'Invoice 42 is wrong', messageId: '<inv-42@customer.example>', text: 'The total is wrong.' });
    const { uid } = await appendMail(server, SUPPORT, 'INBOX', mail);
    await until('the inquiry opens', async () => (await inquiryFor('Invoice 42 is wrong')).length === 1);
    const [opened] = await inquiryFor('Invoice 42 is wrong');
    expect(opened).toMatchObject({ status: 'open', title: 'Invoice 42 is wrong · Ann Lee <ann@customer.example>' });
    expect(opened?.conversation).toMatch(/^support:/);

    await setFlags(server, SUPPORT, 'INBOX', uid, ['\\Answered']);
    await until('the inquiry is answered', async () => (await inquiryFor('Invoice 42 is wrong'))[0]?.status === 'answered');
    expect((await inquiryFor('Invoice 42 is wrong'))[0]?.responder).toBe('answered-flag');
  });

  it('closes an inquiry when a reply to it lands in Sent, and threads the customer’s answer', async () => {
    await appendAt('INBOX', buildMail({ from: 'bob@customer.example', to: SUPPORT, subject: 'Login fails', messageId: '<login-1@customer.example>', text: 'I cannot log in.' }), 20);
    await until('the inquiry opens', async () => (await inquiryFor('Login fails')).length === 1);
    const reply = buildMail({ from: `Support <${SUPPORT}>`, to: 'bob@customer.example', subject: 'Re: Login fails', messageId: '<r-login-1@example.test>', inReplyTo: '<login-1@customer.example>', references: ['<login-1@customer.example>'], text: 'Reset it here.' });
    await appendAt('Sent', reply, 10, ['\\Seen']);
    await until('the inquiry is answered from Sent', async () => (await inquiryFor('Login fails'))[0]?.status === 'answered');
    expect((await inquiryFor('Login fails'))[0]?.responder).toBe(SUPPORT);

    // The customer writes back in the thread: same conversation, a new inquiry.
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'bob@customer.example', to: SUPPORT, subject: 'Re: Login fails', messageId: '<login-2@customer.example>', inReplyTo: '<r-login-1@example.test>', references: ['<login-1@customer.example>', '<r-login-1@example.test>'], text: 'Still failing.\n\nOn Mon, Support wrote:\n> Reset it here.' }));
    const thread = (await inquiryFor('Login fails'))[0]?.conversation;
    await until('a second inquiry opens in the thread', async () => (await mailInquiries(hub)).filter((i) => i.conversation === thread).length === 2);
    const [text] = await hub.db.query<{ text: string }>(`SELECT text FROM messages WHERE external_id = 'login-2@customer.example'`);
    expect(text?.text).toBe('Still failing.');
  });

  it('counts a colleague’s reply with the support address in Cc as the answer', async () => {
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'carol@customer.example', to: SUPPORT, subject: 'Export broken', messageId: '<exp-1@customer.example>', text: 'The CSV is empty.' }));
    await until('the inquiry opens', async () => (await inquiryFor('Export broken')).length === 1);
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'Dan <dan@example.test>', to: 'carol@customer.example', cc: SUPPORT, subject: 'Re: Export broken', messageId: '<exp-r@example.test>', inReplyTo: '<exp-1@customer.example>', text: 'Fixed.' }));
    await until('the colleague’s reply answers it', async () => (await inquiryFor('Export broken'))[0]?.status === 'answered');
    expect((await inquiryFor('Export broken'))[0]?.responder).toBe('dan@example.test');
  });

  it('threads a reply that lost its References by subject and customer, and counts runbook staff as answers', async () => {
    await appendAt('INBOX', buildMail({ from: 'pat@customer.example', to: SUPPORT, subject: 'Printer offline', messageId: '<printer-1@customer.example>', text: 'It is offline.' }), 30);
    await until('the inquiry opens', async () => (await inquiryFor('Printer offline')).length === 1);
    const thread = (await inquiryFor('Printer offline'))[0]?.conversation;
    // Staff known to the runbook (rules.yaml, by address) answer in the thread.
    await appendAt('INBOX', buildMail({ from: 'olga@desk.example', to: 'pat@customer.example', cc: SUPPORT, subject: 'Re: Printer offline', messageId: '<olga-1@desk.example>', inReplyTo: '<printer-1@customer.example>', text: 'Restart it.' }), 20);
    await until('runbook staff answered', async () => (await inquiryFor('Printer offline'))[0]?.status === 'answered');
    expect((await inquiryFor('Printer offline'))[0]?.responder).toBe('olga@desk.example');
    // The customer's client dropped In-Reply-To and References, and kept the subject.
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'pat@customer.example', to: SUPPORT, subject: 'RE: Printer offline', messageId: '<printer-2@customer.example>', text: 'Still offline.' }));
    await until('a second inquiry opens in the same conversation', async () => (await mailInquiries(hub)).filter((i) => i.conversation === thread).length === 2);
    // The same subject from someone else is another conversation.
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'quinn@other.example', to: SUPPORT, subject: 'Re: Printer offline', messageId: '<printer-3@other.example>', text: 'Ours too.' }));
    await until('it opens on its own', async () => (await mailInquiries(hub)).some((i) => i.title?.includes('quinn@other.example')));
    expect((await mailInquiries(hub)).find((i) => i.title?.includes('quinn@other.example'))?.conversation).not.toBe(thread);
  });

  it('reads hostile and broken mail without stopping: raw 8-bit headers, other charsets, broken MIME, no Message-ID', async () => {
    const raw = (lines: string[]) => lines.join('\r\n');
    const hostile = [
      // Unencoded UTF-8 in the headers (8-bit), as some webmails send.
      raw(['From: Пётр <petr@customer.example>', `To: ${SUPPORT}`, 'Subject: Не работает оплата', 'Message-ID: <raw8@customer.example>', '', 'Оплата не проходит.', '']),
      // RFC 2047 in windows-1251 and quoted-printable ISO-8859-1.
      raw(['From: =?windows-1251?B?yOLg7Q==?= <ivan@customer.example>', `To: ${SUPPORT}`, 'Subject: =?ISO-8859-1?Q?Caf=E9_order?=', 'Message-ID: <cp1251@customer.example>', '', 'Order missing.', '']),
      // A multipart without its closing boundary and a part with a bogus transfer encoding.
      raw(['From: broken@customer.example', `To: ${SUPPORT}`, 'Subject: Broken MIME', 'Message-ID: <broken@customer.example>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="zz"', '', '--zz', 'Content-Type: text/plain; charset=unknown-8bit', 'Content-Transfer-Encoding: x-bogus', '', 'Help with the broken thing', '--zz', 'Content-Type: application/pdf', '', '%PDF-1.4 truncated']),
      // No Message-ID at all.
      raw(['From: noid@customer.example', `To: ${SUPPORT}`, 'Subject: No id at all', 'Date: Tue, 1 Dec 2026 09:00:00 +0000', '', 'Where is my refund?', '']),
    ];
    for (const mail of hostile) await appendMail(server, SUPPORT, 'INBOX', mail);
    await until('all four open', async () => {
      const titles = (await mailInquiries(hub)).map((i) => i.title ?? '');
      return ['Не работает оплата', 'Café order', 'Broken MIME', 'No id at all'].every((subject) => titles.some((t) => t.startsWith(subject)));
    });
    const titles = (await mailInquiries(hub)).map((i) => i.title);
    expect(titles).toContain('Не работает оплата · Пётр <petr@customer.example>');
    expect(titles).toContain('Café order · Иван <ivan@customer.example>');
    // The inquiries are stored before the sync pass that read them reports back to /health.
    await until('the inbox idles again', async () => (await health()).includes('support/INBOX: idling'));
  });

  it('shows each mailbox on /health/ready and in metrics', async () => {
    const ready = (await (await fetch(`${hub.url}/health/ready`)).json()) as { connectors: Record<string, { parts?: Array<{ name: string; status: string; detail?: string; backlog?: number }> }> };
    expect(ready.connectors.mail?.parts?.map((p) => [p.name, p.status, p.detail, p.backlog])).toEqual([
      ['support/INBOX', 'up', 'idling', 0],
      ['support/Sent', 'up', 'idling', 0],
    ]);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('replywatch_connector_part_up{connector="mail",part="support/INBOX"} 1');
    expect(metrics).toContain('replywatch_connector_part_backlog{connector="mail",part="support/Sent"} 0');
    expect(metrics).toMatch(/replywatch_connector_part_last_sync_timestamp_seconds\{connector="mail",part="support\/INBOX"\} \d{10}/);
  });

  it('opens nothing for auto-replies, bounces and list mail', async () => {
    const before = await mailMessageCount(hub);
    const machine = [
      buildMail({ from: 'eve@customer.example', to: SUPPORT, subject: 'Out of office', text: 'Back Monday', headers: { 'Auto-Submitted': 'auto-replied' } }),
      buildMail({ from: 'MAILER-DAEMON@mx.customer.example', to: SUPPORT, subject: 'Undelivered Mail Returned to Sender', text: 'bounce' }),
      buildMail({ from: 'news@vendor.example', to: SUPPORT, subject: 'Our newsletter', text: 'News', headers: { 'List-Id': '<news.vendor.example>' } }),
      buildMail({ from: 'frank@customer.example', to: SUPPORT, subject: 'Automatic reply: Invoice', text: 'I am away' }),
    ];
    for (const raw of machine) await appendMail(server, SUPPORT, 'INBOX', raw);
    // A person's mail after them: once it is in, the machine-made ones before it were read too.
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'gina@customer.example', to: SUPPORT, subject: 'Marker after machine mail', text: 'real' }));
    await until('the marker opens', async () => (await inquiryFor('Marker after machine mail')).length === 1);
    expect(await mailMessageCount(hub)).toBe(before + 1);
  });
});
