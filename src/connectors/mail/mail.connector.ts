import { defineConnector } from 'replywatch/sdk';
import { mailConfigSchema, type MailConfig } from './mail.config';
import { MAIL_MIGRATIONS } from './mail-migrations';
import { MailRuntime } from './mail-runtime';

/** IMAP mailboxes watched for unanswered customer mail. See docs/MAIL.md. */
export const mailConnector = defineConnector<MailConfig>({
  manifest: {
    id: 'mail',
    direction: 'inbound',
    channel: 'email',
    displayName: 'Mail (IMAP mailboxes)',
    configSchema: mailConfigSchema,
    services: ['state', 'database', 'singleton'],
    migrations: MAIL_MIGRATIONS,
  },
  create: (context) => new MailRuntime(context),
});
