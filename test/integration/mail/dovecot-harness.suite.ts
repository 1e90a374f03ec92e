import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ImapFlow, type ImapFlowEvents } from 'imapflow';
import { simpleParser } from 'mailparser';
import { describeWithDovecot, type DovecotServer, startDovecot } from '../../support/dovecot';
import { appendMail, imapClientOptions, setFlags, withImap } from '../../support/imap-client';
import { buildMail } from '../../support/mail-builder';

const USER = 'support@example.test';

function customerMail(subject: string): string {
  return buildMail({ from: 'Jürgen Müller <juergen@customer.test>', to: USER, subject, text: 'Grüße,\nthe printer is on fire.' });
}

function inboxStatus(server: DovecotServer): Promise<{ messages: number | undefined; uidValidity: string | undefined }> {
  return withImap(server, USER, async (client) => {
    const status = await client.status('INBOX', { messages: true, uidValidity: true });
    if (!status) throw new Error('STATUS INBOX failed');
    return { messages: status.messages, uidValidity: status.uidValidity?.toString() };
  });
}

/** What a client idling on INBOX hears first of `event` while `change` happens over another connection. */
function heardWhileIdling<K extends 'exists' | 'flags'>(server: DovecotServer, event: K, change: () => Promise<unknown>): Promise<ImapFlowEvents[K][0]> {
  return withImap(server, USER, async (watcher) => {
    const lock = await watcher.getMailboxLock('INBOX');
    const heard = new Promise<ImapFlowEvents[K][0]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event within 5 s\n${server.logs()}`)), 5000);
      watcher.once(event, (data: ImapFlowEvents[K][0]) => {
        clearTimeout(timer);
        resolve(data);
      });
    });
    const idling = watcher.idle();
    try {
      await change();
      return await heard;
    } finally {
      await watcher.noop(); // ends IDLE
      await idling;
      lock.release();
    }
  });
}

describeWithDovecot('Dovecot test harness', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
  });

  afterAll(async () => {
    await server.cleanup();
  });

  it('logs in and offers IDLE, CONDSTORE and the special-use mailboxes', async () => {
    await withImap(server, USER, async (client) => {
      expect(client.capabilities.has('IDLE')).toBe(true);
      expect(client.capabilities.has('CONDSTORE')).toBe(true);
      const mailboxes = await client.list();
      const specialUse = Object.fromEntries(mailboxes.map((mailbox) => [mailbox.path, mailbox.specialUse ?? null]));
      expect(specialUse).toEqual({ INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash' });
      expect(mailboxes.find((mailbox) => mailbox.path === 'Sent')?.subscribed).toBe(true);
    });
  });

  it('reads back an appended message as it was built', async () => {
    const raw = buildMail({
      from: 'Jürgen Müller <juergen@customer.test>',
      to: USER,
      subject: 'Drucker brennt — bitte helfen',
      messageId: '<case-1@customer.test>',
      references: ['<older@customer.test>'],
      text: 'Grüße,\nthe printer is on fire.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const appended = await appendMail(server, USER, 'INBOX', raw, ['\\Seen']);
    expect(appended.uidValidity).toMatch(/^\d+$/);
    const source = await withImap(server, USER, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const message = await client.fetchOne(String(appended.uid), { source: true, flags: true }, { uid: true });
        if (!message || !message.source) throw new Error(`UID ${appended.uid} not found`);
        expect(message.flags?.has('\\Seen')).toBe(true);
        return message.source;
      } finally {
        lock.release();
      }
    });
    const parsed = await simpleParser(source);
    expect(parsed.subject).toBe('Drucker brennt — bitte helfen');
    expect(parsed.from?.value[0]).toEqual({ name: 'Jürgen Müller', address: 'juergen@customer.test' });
    expect(parsed.messageId).toBe('<case-1@customer.test>');
    expect(parsed.references).toBe('<older@customer.test>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toBe('Grüße,\nthe printer is on fire.');
  });

  it('tells an idling client about a message appended by another client', async () => {
    const heard = await heardWhileIdling(server, 'exists', () => appendMail(server, USER, 'INBOX', customerMail('New while idling')));
    expect(heard.count).toBe(heard.prevCount + 1);
  });

  it('tells an idling client about \\Answered set by another client', async () => {
    const { uid } = await appendMail(server, USER, 'INBOX', customerMail('Answer me'));
    const heard = await heardWhileIdling(server, 'flags', () => setFlags(server, USER, 'INBOX', uid, ['\\Answered']));
    expect(heard.flags.has('\\Answered')).toBe(true);
  });

  it('keeps the port and the messages across a restart', async () => {
    const before = await inboxStatus(server);
    const port = server.port;
    await server.restart();
    expect(server.port).toBe(port);
    expect(await inboxStatus(server)).toEqual(before);
  });

  it('retries a restart while its port is briefly taken', async () => {
    await server.stop();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(server.port, server.host, resolve));
    setTimeout(() => squatter.close(), 300);
    await server.restart();
    expect((await inboxStatus(server)).messages).toBeGreaterThan(0);
  });

  it('drops open connections on kill() and serves again after restart()', async () => {
    const client = new ImapFlow(imapClientOptions(server, USER));
    await client.connect();
    const closed = new Promise<void>((resolve) => client.once('close', resolve));
    await server.kill();
    await closed;
    expect(server.processIds()).toEqual([]);
    await server.restart();
    expect((await inboxStatus(server)).messages).toBeGreaterThan(0);
  });

  it('forces a new UIDVALIDITY on INBOX and keeps its messages', async () => {
    const before = await inboxStatus(server);
    const changed = await server.forceUidValidityChange(USER);
    expect(changed).not.toBe(before.uidValidity);
    expect(await inboxStatus(server)).toEqual({ messages: before.messages, uidValidity: changed });
  });

  it('announces the capabilities it is given, e.g. without IDLE', async () => {
    const withoutIdle = await startDovecot({ capabilities: 'IMAP4rev1 SASL-IR LITERAL+ ID ENABLE CONDSTORE UIDPLUS' });
    try {
      await withImap(withoutIdle, USER, (client) => {
        expect(client.capabilities.has('IDLE')).toBe(false);
        expect(client.capabilities.has('CONDSTORE')).toBe(true);
        return Promise.resolve();
      });
    } finally {
      await withoutIdle.cleanup();
    }
  });

  it('serves STARTTLS and implicit TLS trusted through its CA, and is refused without it', async () => {
    const secure = await startDovecot({ tls: true });
    try {
      if (!secure.caFile || !secure.tlsPort) throw new Error('tls: true gives a CA file and a TLS port');
      const trusting = { ...imapClientOptions(secure, USER), tls: { ca: [readFileSync(secure.caFile)] } };
      const untrusting = { ...imapClientOptions(secure, USER), tls: undefined };
      for (const options of [
        { ...trusting, doSTARTTLS: true },
        { ...trusting, port: secure.tlsPort, secure: true },
      ]) {
        const client = new ImapFlow(options);
        await client.connect();
        expect(client.tls && client.tls.authorized).toBe(true);
        await client.logout();
      }
      await expect(new ImapFlow({ ...untrusting, doSTARTTLS: true }).connect()).rejects.toThrow(/certificate/);
      await expect(new ImapFlow({ ...untrusting, port: secure.tlsPort, secure: true }).connect()).rejects.toThrow(/certificate/);
    } finally {
      await secure.cleanup();
    }
  });

  it('leaves no Dovecot process behind once stopped', async () => {
    const other = await startDovecot();
    const pids = other.processIds();
    expect(pids.length).toBeGreaterThan(1); // the master and its log, config, anvil … processes
    await other.cleanup();
    // Checked with ps rather than the harness's own bookkeeping; zombies are dead already.
    const ps = spawnSync('ps', ['-o', 'pid=,stat=', '-p', pids.join(',')], { encoding: 'utf8' });
    const running = ps.stdout.split('\n').filter((line) => line.trim() !== '' && !/\sZ/.test(line));
    expect(running).toEqual([]);
    expect(existsSync(other.dir)).toBe(false);
  });
});
