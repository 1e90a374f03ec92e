import { describeWithDovecot, startDovecot, stopAllDovecots, type DovecotServer } from '../../support/dovecot';
import { type TestHub } from '../../support/hub-harness';
import { appendMail, setFlags, withImap } from '../../support/imap-client';
import { buildMail } from '../../support/mail-builder';
import { mailAccount, mailHealth, mailInquiries, mailMessageCount, startMailHub, SUPPORT, until } from '../../support/mail-hub';
import { TcpProxy } from '../../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const customer = (n: string, extra: Partial<Parameters<typeof buildMail>[0]> = {}) =>
  buildMail({ from: `customer-${n}@customer.example`, to: SUPPORT, subject: `Case ${n}`, messageId: `<case-${n}@customer.example>`, text: `Problem ${n}`, ...extra });

/** Restarts, crashes and resyncs: nothing lost, nothing counted twice. */
describeWithDovecot('mail connector across restarts and failures', () => {
  let server: DovecotServer;
  let database: TestDatabase;
  let hub: TestHub | undefined;

  beforeEach(async () => {
    server = await startDovecot();
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await database.drop();
    await server.cleanup();
  });

  afterAll(() => stopAllDovecots());

  async function start(mail: Record<string, unknown> = {}): Promise<TestHub> {
    hub = await startMailHub(server, { database, mail });
    return hub;
  }

  async function stop(): Promise<void> {
    await hub?.close();
    hub = undefined;
  }

  async function idling(h: TestHub): Promise<void> {
    await until('the inbox is idling', async () => (await mailHealth(h))?.detail?.includes('support/INBOX: idling') ?? false);
  }

  async function opened(h: TestHub, count: number): Promise<void> {
    await until(`${count} inquiries are open`, async () => (await mailInquiries(h)).length === count);
  }

  it('picks up mail again after Dovecot restarts under an idling connection', async () => {
    const h = await start();
    await idling(h);
    await server.restart();
    await appendMail(server, SUPPORT, 'INBOX', customer('after-restart'));
    await opened(h, 1);
    await server.kill();
    await server.restart();
    await appendMail(server, SUPPORT, 'INBOX', customer('after-crash'));
    await opened(h, 2);
    expect(await mailMessageCount(h)).toBe(2);
  });

  it('catches up with mail and flags that changed while the hub was down, each once', async () => {
    const h = await start();
    const { uid } = await appendMail(server, SUPPORT, 'INBOX', customer('before'));
    await opened(h, 1);
    await stop();
    await setFlags(server, SUPPORT, 'INBOX', uid, ['\\Answered']);
    for (let i = 0; i < 5; i++) await appendMail(server, SUPPORT, 'INBOX', customer(`down-${i}`));
    const again = await start();
    await opened(again, 6);
    await until('the flag set while down answers the first', async () => (await mailInquiries(again)).find((i) => i.title?.startsWith('Case before'))?.status === 'answered');
    expect(await mailMessageCount(again)).toBe(7); // six customer mails and one \Answered
  });

  it('reads a mailbox again after a UIDVALIDITY change without counting anything twice', async () => {
    const h = await start();
    for (let i = 0; i < 3; i++) await appendMail(server, SUPPORT, 'INBOX', customer(`uv-${i}`));
    await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'nomid@customer.example', to: SUPPORT, subject: 'No id', text: 'no message id here', date: new Date('2026-12-01T09:00:00Z') }).replace(/^Message-ID:.*\r\n/im, ''));
    await opened(h, 4);
    await stop();
    await server.forceUidValidityChange(SUPPORT);
    const again = await start();
    await appendMail(server, SUPPORT, 'INBOX', customer('uv-new'));
    await opened(again, 5);
    await idling(again);
    expect(await mailMessageCount(again)).toBe(5);
  });

  it('on a first start reads only the lookback window', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    await withImap(server, SUPPORT, (client) => client.append('INBOX', customer('old'), [], old));
    await appendMail(server, SUPPORT, 'INBOX', customer('recent'));
    const h = await start();
    await opened(h, 1);
    await idling(h);
    expect((await mailInquiries(h))[0]?.title).toMatch(/^Case recent/);
  });

  it('fetches only the start of a 50 MB mail and opens its inquiry', async () => {
    const big = [
      `From: big@customer.example`,
      `To: ${SUPPORT}`,
      'Subject: Case big',
      'Message-ID: <big@customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Logs attached.',
      '--b',
      'Content-Type: application/octet-stream; name="dump.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      ...Array.from({ length: (50 * 1024 * 1024) / 76 }, () => 'A'.repeat(76)),
      '--b--',
      '',
    ].join('\r\n');
    await appendMail(server, SUPPORT, 'INBOX', big);
    const h = await start();
    await opened(h, 1);
    const [message] = await h.db.query<{ text: string }>(`SELECT text FROM messages WHERE external_id = 'big@customer.example'`);
    expect(message?.text).toBe('Logs attached.');
  });

  it('polls with NOOP when the server has no IDLE', async () => {
    await server.cleanup();
    server = await startDovecot({ capabilities: 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS CONDSTORE SPECIAL-USE' });
    const h = await start({ idleRestart: '2s' });
    await until('the inbox polls', async () => (await mailHealth(h))?.detail?.includes('support/INBOX: polling') ?? false);
    await appendMail(server, SUPPORT, 'INBOX', customer('polled'));
    await opened(h, 1);
  });

  it('reports a wrong password and a missing mailbox in words, and keeps the other mailbox running', async () => {
    const h = await start({
      accounts: [
        { name: 'support', host: server.host, port: server.port, tls: 'none', user: SUPPORT, password: 'secret-pass-1', sentMailbox: false },
        { name: 'wrongpass', host: server.host, port: server.port, tls: 'none', user: SUPPORT, password: 'not-the-password', sentMailbox: false },
        { name: 'nobox', host: server.host, port: server.port, tls: 'none', user: SUPPORT, password: 'secret-pass-1', mailbox: 'Does-Not-Exist', sentMailbox: false },
      ],
    });
    await until('both failures are reported', async () => {
      const detail = (await mailHealth(h))?.detail ?? '';
      return detail.includes('wrongpass/INBOX: down') && detail.includes('nobox/Does-Not-Exist: down');
    });
    const health = await mailHealth(h);
    expect(health?.status).toBe('degraded');
    expect(health?.detail).toMatch(/wrongpass\/INBOX: down.*refused the login.*check the user and the password/);
    expect(health?.detail).toMatch(/nobox\/Does-Not-Exist: down.*does not exist/);
    expect(health?.detail).not.toContain('not-the-password');
    await appendMail(server, SUPPORT, 'INBOX', customer('still-works'));
    await opened(h, 1);
  });
});

/** Faults on the wire, from a TCP proxy between the hub and Dovecot. */
describeWithDovecot('mail connector across network faults', () => {
  let server: DovecotServer;
  let proxy: TcpProxy;
  let hub: TestHub | undefined;

  beforeEach(async () => {
    server = await startDovecot();
    proxy = new TcpProxy(server.host, server.port);
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await proxy.stop();
    await server.cleanup();
  });

  async function startBehindProxy(mail: Record<string, unknown> = {}): Promise<TestHub> {
    const port = await proxy.start();
    hub = await startMailHub(server, { mail: { accounts: [mailAccount(server, { port, sentMailbox: false })], ...mail } });
    return hub;
  }

  it('resumes after the connection is cut in the middle of a catch-up, storing every mail once', async () => {
    const padding = 'lorem ipsum dolor sit amet '.repeat(800);
    await withImap(server, SUPPORT, async (client) => {
      for (let i = 0; i < 150; i++) await client.append('INBOX', customer(`cut-${i}`, { text: `Problem ${i}\n${padding}` }));
    });
    const h = await startBehindProxy({ batchSize: 10 });
    await until('the catch-up is under way', async () => (await mailMessageCount(h)) >= 20);
    proxy.set('cut');
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.set('pass');
    await until('all 150 are stored', async () => (await mailMessageCount(h)) === 150, 60_000);
    expect((await mailInquiries(h)).length).toBe(150);
    const [dupes] = await h.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM (SELECT external_id FROM messages GROUP BY external_id HAVING count(*) > 1) d`);
    expect(Number(dupes?.n)).toBe(0);
  });

  it('drops a silent connection (the watchdog) and reconnects, so new mail is not missed', async () => {
    const h = await startBehindProxy({ idleRestart: '2s' });
    await until('idling', async () => (await mailHealth(h))?.detail?.includes('support/INBOX: idling') ?? false);
    proxy.stallOpenConnections();
    await appendMail(server, SUPPORT, 'INBOX', customer('after-stall'));
    await until('the mail is read on a fresh connection', async () => (await mailInquiries(h)).length === 1, 30_000);
  });
});
