import { type ImapFlow } from 'imapflow';
import { createImapClient } from './imap-client';
import { toConnectorError } from './mail-error.mapper';
import { ourIdentities, portOf, type MailAccount } from './mail.config';
import { sentMailboxPath } from './mailbox-path';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  verdict: Verdict;
  text: string;
}

const TLS_WORDS = { implicit: 'implicit TLS, certificate verified', starttls: 'STARTTLS, certificate verified', none: 'plain text, loopback only' } as const;

/**
 * Checks one account the way the watcher will use it — login, the watched mailbox, the Sent
 * mailbox, IDLE and CONDSTORE — and says what is wrong in words a mail admin understands.
 * Reads nothing but mailbox status; changes nothing on the server.
 */
export async function checkAccount(account: MailAccount, idleRestartMs: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  let client: ImapFlow;
  try {
    client = createImapClient(account, { idleRestartMs });
    await client.connect();
  } catch (error) {
    findings.push({ verdict: 'fail', text: `login to ${account.host}:${portOf(account)}: ${toConnectorError(error, 'connect').message.replace(/^connect: /, '')}` });
    return findings;
  }
  try {
    findings.push({ verdict: 'ok', text: `logged in as ${account.user} at ${account.host}:${portOf(account)} (${TLS_WORDS[account.tls]})` });
    findings.push(...capabilities(client, idleRestartMs));
    findings.push(await mailboxFinding(client, account.mailbox, 'watched mailbox'));
    findings.push(await sentFinding(client, account));
    if (ourIdentities(account).length === 0) {
      findings.push({ verdict: 'warn', text: 'no "us" addresses: mail from colleagues counts as customer mail unless they are staff in rules.yaml (set us: [your domain])' });
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return findings;
}

function capabilities(client: ImapFlow, idleRestartMs: number): Finding[] {
  const seconds = Math.round(idleRestartMs / 1000);
  return [
    client.capabilities.has('IDLE')
      ? { verdict: 'ok', text: 'IDLE supported: new mail is seen as it arrives' }
      : { verdict: 'warn', text: `no IDLE: the mailbox is polled with NOOP every ${Math.min(seconds, 120)} s` },
    client.capabilities.has('CONDSTORE')
      ? { verdict: 'ok', text: 'CONDSTORE supported: answered flags set while the hub was away are found at once' }
      : { verdict: 'warn', text: 'no CONDSTORE: answered flags set while the hub was away are found by searching the last 30 days' },
  ];
}

async function mailboxFinding(client: ImapFlow, path: string, role: string): Promise<Finding> {
  try {
    const status = await client.status(path, { messages: true, uidValidity: true });
    if (status === false) throw new Error('the server gave no status for it');
    return { verdict: 'ok', text: `${role} "${path}" found (${status.messages ?? 0} messages)` };
  } catch (error) {
    const names = (await client.list().catch(() => [])).map((m) => m.path);
    return { verdict: 'fail', text: `${role} "${path}" not found (${toConnectorError(error, 'status').message.replace(/^status: /, '')}); mailboxes on the server: ${names.join(', ') || 'none'}` };
  }
}

async function sentFinding(client: ImapFlow, account: MailAccount): Promise<Finding> {
  if (account.sentMailbox === false) return { verdict: 'warn', text: 'Sent not watched (sentMailbox: false): replies count only through \\Answered flags and replies in the thread' };
  let path: string;
  try {
    path = await sentMailboxPath(client, account);
  } catch (error) {
    return { verdict: 'fail', text: (error as Error).message };
  }
  const found = await mailboxFinding(client, path, typeof account.sentMailbox === 'string' ? 'Sent mailbox' : 'Sent mailbox (marked \\Sent)');
  return found;
}
