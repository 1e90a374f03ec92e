import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { describeWithDovecot, startDovecot, type DovecotServer } from '../../support/dovecot';
import { type TestHub } from '../../support/hub-harness';
import { appendMail } from '../../support/imap-client';
import { buildMail } from '../../support/mail-builder';
import { mailHealth, mailInquiries, mailMessageCount, startMailHub, SUPPORT, until } from '../../support/mail-hub';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const mail = (n: string) => buildMail({ from: `c-${n}@customer.example`, to: SUPPORT, subject: `Replica case ${n}`, messageId: `<replica-${n}@customer.example>`, text: `Problem ${n}` });

/** Two replicas on one PostgreSQL database: each mailbox is watched by exactly one of them. */
describeWithDovecot('mail connector with replicas (postgres)', () => {
  let server: DovecotServer;
  let database: TestDatabase;
  const hubs: TestHub[] = [];

  beforeAll(async () => {
    server = await startDovecot();
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    await database?.drop();
    await server?.cleanup();
  });

  async function phases(mailbox: string): Promise<string[]> {
    return Promise.all(hubs.map(async (hub) => new RegExp(`support/${mailbox}: (\\w+)`).exec((await mailHealth(hub))?.detail ?? '')?.[1] ?? 'gone'));
  }

  it('watches each mailbox from one replica only, and hands over when that replica stops', async () => {
    // The real time of day (mail carries it), on a clock the test can move for the lease.
    const clock = new VirtualClock(new Date().toISOString());
    hubs.push(await startMailHub(server, { database, clock }), await startMailHub(server, { database, clock }));
    await until('one replica idles on each mailbox', async () => {
      const [inbox, sent] = [await phases('INBOX'), await phases('Sent')];
      return inbox.filter((p) => p === 'idling').length === 1 && sent.filter((p) => p === 'idling').length === 1;
    });
    expect((await phases('INBOX')).sort()).toEqual(['idling', 'standby']);

    for (let i = 0; i < 20; i++) await appendMail(server, SUPPORT, 'INBOX', mail(String(i)));
    await until('20 inquiries open', async () => (await mailInquiries(hubs[0]!)).length === 20);
    expect(await mailMessageCount(hubs[0]!)).toBe(20);

    const leader = (await phases('INBOX')).indexOf('idling');
    const [stopped] = hubs.splice(leader, 1);
    await stopped!.close();
    for (let i = 20; i < 25; i++) await appendMail(server, SUPPORT, 'INBOX', mail(String(i)));
    // The standby asks for the lease every few seconds of the hub's clock.
    await until('the other replica takes over', async () => {
      await clock.advance(5000);
      return (await phases('INBOX'))[0] === 'idling';
    });
    await until('the mail that came during the handover is read', async () => (await mailInquiries(hubs[0]!)).length === 25);
    expect(await mailMessageCount(hubs[0]!)).toBe(25);
  });
});
