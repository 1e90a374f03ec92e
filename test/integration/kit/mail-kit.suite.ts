import { mailConnector } from '../../../src/connectors/mail/mail.connector';
import { assertKitPassed, checkInboundConnector, formatKitReport } from '../../../src/plugins/testing';
import { describeWithDovecot, startDovecot, type DovecotServer } from '../../support/dovecot';
import { ImapSource } from '../../support/kit/imap-source';
import { useKitDatabase } from '../../support/kit/kit-database';

/**
 * The mail connector passes the same kit a third-party plugin runs, against a real Dovecot and
 * with its own tables in a real database (PGlite, or PostgreSQL with REPLYWATCH_TEST_BACKEND).
 */
describeWithDovecot('the mail connector under the contract test kit', () => {
  const kit = useKitDatabase();
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('reads a Dovecot mailbox as the contract asks', async () => {
    const [account] = server.users;
    if (!account) throw new Error('the harness Dovecot has no user');
    const report = await checkInboundConnector(mailConnector, {
      config: () => ({ accounts: [{ name: 'kit', host: server.host, port: server.port, tls: 'none', user: account.user, password: account.password, us: ['example.test'] }] }),
      source: new ImapSource(server, account.user),
      database: kit.database,
      // Dovecot reports new mail to an idling connection up to a second later.
      timeoutMs: 10_000,
    });
    if (process.env.KIT_REPORTS) process.stdout.write(`${formatKitReport(report)}\n`);
    expect(formatKitReport(report)).not.toMatch(/✗/);
    assertKitPassed(report);
    // Each check began with empty tables: only the last check's mail is left, the one read
    // before stop() (the mail published after it stays unread), not the dozen of the whole run.
    const rows = await kit.db.query<{ message_key: string }>(`SELECT message_key FROM connector_mail.mail_messages`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.message_key).toMatch(/^kit-\d+\..+@customer\.test$/);
  });
});
