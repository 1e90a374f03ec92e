import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runMailCheck } from '../../../src/cli/mail-check.command';
import { describeWithDovecot, startDovecot, type DovecotServer } from '../../support/dovecot';
import { SUPPORT, SUPPORT_PASSWORD } from '../../support/mail-hub';

/** `replywatch mail check` against a Dovecot with STARTTLS and implicit TLS from a private CA. */
describeWithDovecot('replywatch mail check', () => {
  let server: DovecotServer;
  let dir: string;

  beforeAll(async () => {
    server = await startDovecot({ tls: true });
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-mail-check-'));
  });

  afterAll(async () => {
    await server?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(accounts: Array<Record<string, unknown>>, args: string[] = []): Promise<{ code: number; out: string }> {
    const hubFile = path.join(dir, 'hub.yaml');
    writeFileSync(hubFile, stringify({ database: { dataDir: path.join(dir, 'data') }, connectors: { mail: { accounts } } }));
    const saved = process.env.HUB_CONFIG;
    process.env.HUB_CONFIG = hubFile;
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    });
    try {
      return { code: await runMailCheck(args), out };
    } finally {
      write.mockRestore();
      if (saved === undefined) delete process.env.HUB_CONFIG;
      else process.env.HUB_CONFIG = saved;
    }
  }

  const base = () => ({ name: 'support', host: '127.0.0.1', user: SUPPORT, password: SUPPORT_PASSWORD, us: ['example.test'] });

  it('passes implicit TLS and STARTTLS with the private CA, and finds Sent by SPECIAL-USE', async () => {
    const { code, out } = await check([
      { ...base(), port: server.tlsPort, tls: 'implicit', caFile: server.caFile },
      { ...base(), name: 'starttls', port: server.port, tls: 'starttls', caFile: server.caFile },
    ]);
    expect(out).toContain('✓ logged in as support@example.test at 127.0.0.1:' + String(server.tlsPort) + ' (implicit TLS, certificate verified)');
    expect(out).toContain('(STARTTLS, certificate verified)');
    expect(out).toContain('✓ IDLE supported');
    expect(out).toContain('✓ CONDSTORE supported');
    expect(out).toContain('✓ watched mailbox "INBOX" found');
    expect(out).toContain('✓ Sent mailbox (marked \\Sent) "Sent" found');
    expect(out).toContain('All mailboxes can be watched.');
    expect(code).toBe(0);
  });

  it('refuses a certificate from an unknown CA instead of accepting it silently', async () => {
    const { code, out } = await check([{ ...base(), port: server.tlsPort, tls: 'implicit' }]);
    expect(out).toMatch(/✗ login to 127\.0\.0\.1:\d+: the server's TLS certificate was not accepted .*set caFile/);
    expect(code).toBe(1);
  });

  it('says what is wrong with a password, a mailbox and a Sent folder, never echoing the password', async () => {
    const { code, out } = await check([
      { ...base(), name: 'wrong', port: server.port, tls: 'starttls', caFile: server.caFile, password: 'wrong-password-123' },
      { ...base(), name: 'nobox', port: server.port, tls: 'starttls', caFile: server.caFile, mailbox: 'Support Queue', sentMailbox: 'Gesendet' },
    ]);
    expect(out).toMatch(/wrong \(.*\n\s+✗ login to .*the server refused the login .*check the user and the password/);
    expect(out).toMatch(/✗ watched mailbox "Support Queue" not found .*mailboxes on the server: .*INBOX/);
    expect(out).toMatch(/✗ Sent mailbox "Gesendet" not found/);
    expect(out).not.toContain('wrong-password-123');
    expect(code).toBe(1);
  });

  it('checks one account with --account and rejects an unknown name', async () => {
    const accounts = [{ ...base(), port: server.port, tls: 'starttls', caFile: server.caFile }];
    expect((await check(accounts, ['--account', 'support'])).code).toBe(0);
    await expect(check(accounts, ['--account', 'nope'])).rejects.toThrow(/no account named "nope" \(accounts: support\)/);
  });
});
