import { ConnectorError } from 'replywatch/sdk';
import { type ImapFlow } from 'imapflow';
import { type MailAccount } from './mail.config';

/** The Sent mailbox: as configured, else the one the server marks \Sent (RFC 6154 SPECIAL-USE). */
export async function sentMailboxPath(client: ImapFlow, account: MailAccount): Promise<string> {
  if (typeof account.sentMailbox === 'string') return account.sentMailbox;
  const mailboxes = await client.list();
  const sent = mailboxes.find((m) => m.specialUse === '\\Sent');
  if (sent) return sent.path;
  throw new ConnectorError(
    'NOT_FOUND',
    `account ${account.name}: the server marks no mailbox as \\Sent; set sentMailbox to its name (found: ${mailboxes.map((m) => m.path).join(', ') || 'none'}) or to false`,
  );
}
