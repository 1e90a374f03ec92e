import { mailConnector } from '../../../src/connectors/mail/mail.connector';
import { createConnectorDatabase, createTestContext, FakeSink } from '../../../src/plugins/testing';
import { describeWithDovecot, startDovecot, type DovecotServer } from '../../support/dovecot';
import { appendMail } from '../../support/imap-client';
import { useKitDatabase } from '../../support/kit/kit-database';
import { buildMail } from '../../support/mail-builder';
import { SUPPORT, SUPPORT_PASSWORD, until } from '../../support/mail-hub';

/** The connector against a sink that refuses on purpose: what it hands over again is whole. */
describeWithDovecot('mail handed over again after a failed accept', () => {
  const kit = useKitDatabase();
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('keeps the opening mail’s conversation title when it is read again', async () => {
    const config = { accounts: [{ name: 'support', host: server.host, port: server.port, tls: 'none', user: SUPPORT, password: SUPPORT_PASSWORD, sentMailbox: false }] };
    const test = createTestContext(mailConnector, { config, database: await createConnectorDatabase(kit.database, mailConnector) });
    const sink = new FakeSink();
    sink.failNext(1);
    const instance = await mailConnector.create(test.context);
    const running = await instance.start?.(sink);
    try {
      await appendMail(server, SUPPORT, 'INBOX', buildMail({ from: 'Ann <ann@customer.example>', to: SUPPORT, subject: 'Refund', messageId: '<refund@customer.example>', text: 'Where is it?' }));
      await until('the mail is accepted on the second try', () => Promise.resolve(sink.acceptedIds.includes('refund@customer.example')), 20_000);
      expect(sink.accepted[0]?.conversation.title).toBe('Refund · Ann <ann@customer.example>');
    } finally {
      await running?.stop();
      await test.dispose();
    }
  });
});
