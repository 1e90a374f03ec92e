import { randomUUID } from 'node:crypto';
import { type InboundSource } from '../../../src/plugins/testing';
import { type DovecotServer } from '../dovecot';
import { withImap } from '../imap-client';
import { buildMail } from '../mail-builder';

/** The mailboxes the mail connector watches by default: the customer mailbox and the one marked \Sent. */
const WATCHED = ['INBOX', 'Sent'];

/**
 * A Dovecot mailbox as a kit source: each published item is a customer mail appended to
 * INBOX, as a delivering MTA would, with a Message-ID of its own; the mail connector's message
 * id is that Message-ID without angle brackets. IMAP has no acknowledgement a reader gives
 * (the connector only EXAMINEs), so there is no `acknowledged()`: the kit judges the cursor
 * the connector keeps in its state store instead.
 */
export class ImapSource implements InboundSource {
  private sent = 0;

  constructor(
    private readonly server: DovecotServer,
    private readonly user: string = firstUser(server),
    private readonly customer = 'Casey Customer <casey@customer.test>',
  ) {}

  /** Deletes every mail in INBOX and Sent (flag \Deleted, then EXPUNGE); UIDs go on rising. */
  async reset(): Promise<void> {
    await withImap(this.server, this.user, async (client) => {
      for (const mailbox of WATCHED) {
        const lock = await client.getMailboxLock(mailbox);
        try {
          if ((client.mailbox ? client.mailbox.exists : 0) > 0 && !(await client.messageDelete('1:*'))) throw new Error(`could not empty ${mailbox} of ${this.user}`);
        } finally {
          lock.release();
        }
      }
    });
  }

  /** Appends `count` customer mails on one connection, in order; returns their Message-IDs. */
  async publish(count: number): Promise<string[]> {
    if (count === 0) return [];
    return withImap(this.server, this.user, async (client) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const n = ++this.sent;
        const id = `kit-${n}.${randomUUID()}@customer.test`;
        const raw = buildMail({ from: this.customer, to: this.user, subject: `Question ${n} about my order`, messageId: id, text: `Hello, this is question ${n}. Could you help?` });
        const appended = await client.append('INBOX', raw);
        if (!appended) throw new Error(`APPEND of mail ${n} to INBOX of ${this.user} failed`);
        ids.push(id);
      }
      return ids;
    });
  }
}

function firstUser(server: DovecotServer): string {
  const [first] = server.users;
  if (!first) throw new Error('this Dovecot has no users');
  return first.user;
}
