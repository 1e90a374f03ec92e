import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LoggerService } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { describeWithDovecot, startDovecot, type DovecotOAuth2Options, type DovecotServer } from '../../support/dovecot';
import { startTestHub, type TestHub } from '../../support/hub-harness';
import { appendMail } from '../../support/imap-client';
import { buildMail } from '../../support/mail-builder';
import { mailAccount, mailHealth, mailInquiries, SUPPORT, until } from '../../support/mail-hub';
import { startIntrospectionServer, type IntrospectionServer } from '../../support/oauth-introspection';

const OTHER = 'sales@example.test';
const USERS = [
  { user: SUPPORT, password: 'secret-pass-1' },
  { user: OTHER, password: 'secret-pass-2' },
];

const customer = (n: string) => buildMail({ from: `customer-${n}@customer.example`, to: SUPPORT, subject: `Case ${n}`, messageId: `<oauth-${n}@customer.example>`, text: `Problem ${n}` });

/** An opaque token as an identity provider issues it; the part after the first `-` is unique. */
const token = (label: string) => `ya29.${label}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

type ImapError = Error & { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };

/** Logs in with `auth: { user, accessToken }` on a fresh raw imapflow client; the error when refused. */
async function tokenLogin(server: DovecotServer, user: string, accessToken: string): Promise<{ ok: true } | { ok: false; error: ImapError }> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user, accessToken }, logger: false });
  try {
    await client.connect();
    await client.logout();
    return { ok: true };
  } catch (error) {
    client.close();
    return { ok: false, error: error as ImapError };
  }
}

/** Everything the hub logs, at every level, with every argument. */
class AllLines implements LoggerService {
  readonly lines: string[] = [];
  log(...args: unknown[]): void {
    this.keep('log', args);
  }
  error(...args: unknown[]): void {
    this.keep('error', args);
  }
  warn(...args: unknown[]): void {
    this.keep('warn', args);
  }
  debug(...args: unknown[]): void {
    this.keep('debug', args);
  }
  verbose(...args: unknown[]): void {
    this.keep('verbose', args);
  }
  fatal(...args: unknown[]): void {
    this.keep('fatal', args);
  }
  private keep(level: string, args: unknown[]): void {
    const text = args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack ?? ''}` : typeof arg === 'string' ? arg : JSON.stringify(arg)));
    this.lines.push(`${level} ${text.join(' ')}`);
  }
}

describeWithDovecot("Dovecot's oauth2 passdb (XOAUTH2, OAUTHBEARER) in the harness", () => {
  let idp: IntrospectionServer;
  let server: DovecotServer | undefined;

  beforeEach(async () => {
    idp = await startIntrospectionServer();
  });

  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
    await idp.close();
  });

  async function start(oauth2: Partial<DovecotOAuth2Options> = {}): Promise<DovecotServer> {
    server = await startDovecot({ users: USERS, oauth2: { introspectionUrl: idp.url, ...oauth2 } });
    return server;
  }

  it.each([
    { mechanisms: ['oauthbearer', 'xoauth2'] as const, used: 'OAUTHBEARER' },
    { mechanisms: ['xoauth2'] as const, used: 'XOAUTH2' },
  ])('with $mechanisms, imapflow logs in with a granted token over $used and is refused with any other', async ({ mechanisms, used }) => {
    const dovecot = await start({ mechanisms: [...mechanisms] });
    const good = token('good');
    idp.grant(good, SUPPORT);

    expect(await tokenLogin(dovecot, SUPPORT, good)).toEqual({ ok: true });
    expect(idp.requests).toEqual([{ method: 'POST', path: '/introspect', contentType: 'application/x-www-form-urlencoded', token: good, active: true }]);
    // Dovecot's log process writes the line after the login answered; on a loaded machine, later.
    const login = `Login: user=<${SUPPORT}>, method=${used}`;
    await until('Dovecot logs the login', () => Promise.resolve(dovecot.logs().includes(login)), 10_000).catch(() => undefined);
    expect(dovecot.logs()).toContain(login);

    const unknown = await tokenLogin(dovecot, SUPPORT, token('unknown'));
    expect(unknown).toMatchObject({ ok: false, error: { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' } });

    idp.revoke(good);
    expect(await tokenLogin(dovecot, SUPPORT, good)).toMatchObject({ ok: false, error: { serverResponseCode: 'AUTHENTICATIONFAILED' } });
    expect(idp.requests.map((r) => r.active)).toEqual([true, false, false]);
  });

  it('refuses a valid token of another user, and keeps the passwords for PLAIN only', async () => {
    const dovecot = await start();
    const sales = token('sales');
    idp.grant(sales, OTHER);
    expect((await tokenLogin(dovecot, SUPPORT, sales)).ok).toBe(false);
    expect(dovecot.logs()).toContain(`Username '${SUPPORT}' did not match '${OTHER}'`);
    expect(await tokenLogin(dovecot, OTHER, sales)).toEqual({ ok: true });
    // A password sent as a token goes to the endpoint, which does not know it.
    expect((await tokenLogin(dovecot, SUPPORT, 'secret-pass-1')).ok).toBe(false);
    expect(idp.requests.at(-1)).toMatchObject({ token: 'secret-pass-1', active: false });
    // The passwd-file passdb still answers PLAIN: appendMail logs in with the password.
    await expect(appendMail(dovecot, SUPPORT, 'INBOX', customer('plain'))).resolves.toMatchObject({ uid: 1 });
  });

  it('answers NO [UNAVAILABLE] (a temporary failure), not AUTHENTICATIONFAILED, while the endpoint is down', async () => {
    const dovecot = await start();
    const good = token('good');
    idp.grant(good, SUPPORT);
    await idp.close();
    try {
      const outage = await tokenLogin(dovecot, SUPPORT, good);
      // imapflow flags every tagged NO to AUTHENTICATE as authenticationFailed; the code tells them apart.
      expect(outage).toMatchObject({ ok: false, error: { serverResponseCode: 'UNAVAILABLE' } });
      expect(outage.ok ? undefined : outage.error.responseText).toMatch(/^Temporary authentication failure/);
      // Dovecot's auth process writes its error line a moment after the login answer; on a
      // machine loaded with other work that moment has taken over 5 s.
      const introspectionFailed = /oauth2 failed: Introspection failed: connect\(127\.0\.0\.1:\d+\) failed/;
      await until('Dovecot logs the failed introspection', () => Promise.resolve(introspectionFailed.test(dovecot.logs())), 20_000);
    } finally {
      idp = await startIntrospectionServer(); // for afterEach
    }
  });
});

describeWithDovecot('mail connector with an OAuth2 access token against Dovecot', () => {
  let idp: IntrospectionServer;
  let server: DovecotServer;
  let tokenDir: string;
  let tokenFile: string;
  let hub: TestHub | undefined;
  let logged: AllLines;

  beforeEach(async () => {
    idp = await startIntrospectionServer();
    server = await startDovecot({ users: USERS, oauth2: { introspectionUrl: idp.url } });
    tokenDir = mkdtempSync(path.join(tmpdir(), 'replywatch-token-'));
    tokenFile = path.join(tokenDir, 'support.token');
    logged = new AllLines();
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await server.cleanup();
    await idp.close();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  /** As a token helper does it: a new 0600 file renamed over the old one, so no reader sees half a token. */
  function writeToken(value: string): void {
    const next = `${tokenFile}.next`;
    writeFileSync(next, `${value}\n`, { mode: 0o600 });
    renameSync(next, tokenFile);
  }

  async function startHub(): Promise<TestHub> {
    const { password: _password, ...account } = mailAccount(server, { accessTokenFile: tokenFile });
    hub = await startTestHub({ hub: { connectors: { log: { enabled: true }, mail: { accounts: [account] } } }, logger: logged });
    return hub;
  }

  async function watching(h: TestHub): Promise<void> {
    await until('INBOX and Sent are idling', async () => {
      const detail = (await mailHealth(h))?.detail ?? '';
      return detail.includes('support/INBOX: idling') && detail.includes('support/Sent: idling');
    });
  }

  async function opened(h: TestHub, count: number): Promise<void> {
    await until(`${count} inquiries are open`, async () => (await mailInquiries(h)).length === count);
  }

  it('watches the mailbox with the token from accessTokenFile', async () => {
    const first = token('first');
    idp.grant(first, SUPPORT);
    writeToken(first);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const h = await startHub();
    await watching(h);
    await appendMail(server, SUPPORT, 'INBOX', customer('a'));
    await opened(h, 1);
    const [inquiry] = await mailInquiries(h);
    expect(inquiry?.status).toBe('open');
    expect(inquiry?.title).toMatch(/^Case a\b/);
    // One login for INBOX and one for Sent, both with the file's token.
    expect(idp.requests.map((r) => [r.token, r.active])).toEqual([
      [first, true],
      [first, true],
    ]);
    expect(server.logs().match(new RegExp(`Login: user=<${SUPPORT}>, method=OAUTHBEARER`, 'g'))).toHaveLength(2);
  });

  it('logs in with a rotated token on the next connection; the old one no longer works', async () => {
    const old = token('old');
    idp.grant(old, SUPPORT);
    writeToken(old);
    const h = await startHub();
    await watching(h);
    await appendMail(server, SUPPORT, 'INBOX', customer('before-rotation'));
    await opened(h, 1);

    // Rotation as an identity provider and a token helper do it: the new token is valid before
    // it lands in the file, and the old one is revoked after. Logged-in sessions stay logged in.
    const rotated = token('rotated');
    idp.grant(rotated, SUPPORT);
    writeToken(rotated);
    idp.revoke(old);
    idp.clearRequests();
    // Dovecot says BYE to every session; the hub reconnects (backoff from 1 s), reading the file again.
    await server.restart();
    await watching(h);
    await appendMail(server, SUPPORT, 'INBOX', customer('after-rotation'));
    await opened(h, 2);

    expect(idp.requests.map((r) => [r.token, r.active])).toEqual([
      [rotated, true],
      [rotated, true],
    ]);
    expect(await tokenLogin(server, SUPPORT, old)).toMatchObject({ ok: false, error: { serverResponseCode: 'AUTHENTICATIONFAILED' } });
    expect(idp.requests.at(-1)).toEqual(expect.objectContaining({ token: old, active: false }));
  });

  it('shows a revoked token as a refused login on /health/ready, and never the token', async () => {
    const revoked = token('revoked');
    idp.grant(revoked, SUPPORT);
    writeToken(revoked);
    const h = await startHub();
    await watching(h);

    idp.revoke(revoked);
    // The sessions logged in before the revocation; after a restart they log in again (1 s of
    // backoff) and are refused. The hub then waits a minute (a token file may be refreshed
    // meanwhile; a password would wait 5 minutes), which this test does not wait out.
    await server.restart();
    await until('INBOX and Sent are down with the refusal', async () => {
      const detail = (await mailHealth(h))?.detail ?? '';
      return /support\/INBOX: down[^;]*refused the login/.test(detail) && /support\/Sent: down[^;]*refused the login/.test(detail);
    });
    // The session's error as thrown to the hub, which logs it with the wait for AUTH_FAILED.
    await until('the failure is logged', () => Promise.resolve(logged.lines.some((line) => /singleton mail\/mailbox-support-inbox failed \(support\/INBOX: connect: the server refused the login \(Authentication failed\.\);.*running it again in 60 s/.test(line))));

    const ready = await fetch(`${h.url}/health/ready`);
    const body = await ready.text();
    expect(ready.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'degraded', connectors: { mail: { status: 'down' } } });
    expect((await mailHealth(h))?.detail).toMatch(/support\/INBOX: down.*the server refused the login \(Authentication failed\.\)/);
    const metrics = await fetch(`${h.url}/metrics`);
    expect(metrics.ok).toBe(true);
    const scraped = await metrics.text();

    expect(idp.requests.filter((r) => r.token === revoked && !r.active)).toHaveLength(2); // INBOX and Sent, once each
    const unique = revoked.slice(revoked.indexOf('-') + 1);
    const observed = [body, scraped, ...logged.lines];
    expect(observed.filter((text) => text.includes(unique))).toEqual([]);
  });
});
