import { type ConnectorMigration } from 'replywatch/sdk';

/**
 * The connector's own tables (in its schema). `mail_messages` remembers every mail read, by
 * Message-ID, with the thread (conversation) it went to: replies find their thread through
 * it, a resync finds the same thread again, and the UID lets an \Answered flag find its mail.
 * A reply in Sent that came before the mail it answers waits in `mail_early_replies`.
 */
export const MAIL_MIGRATIONS: readonly ConnectorMigration[] = [
  {
    name: '001-mail-messages',
    up: `
      CREATE TABLE mail_messages (
        account text NOT NULL,
        message_key text NOT NULL,
        thread_key text,
        folder text NOT NULL,
        participant text,
        subject_key text NOT NULL,
        uid_validity text,
        uid bigint,
        seen_at timestamptz NOT NULL,
        answered_at timestamptz,
        PRIMARY KEY (account, message_key)
      );
      CREATE INDEX mail_messages_by_subject ON mail_messages (account, subject_key, participant, seen_at DESC);
      CREATE INDEX mail_messages_by_uid ON mail_messages (account, uid_validity, uid);
      CREATE TABLE mail_early_replies (
        account text NOT NULL,
        replies_to text NOT NULL,
        message_key text NOT NULL,
        message jsonb NOT NULL,
        seen_at timestamptz NOT NULL,
        PRIMARY KEY (account, replies_to, message_key)
      );
    `,
  },
];
