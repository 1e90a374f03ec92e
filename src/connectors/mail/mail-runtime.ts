import { type ConnectorContext, type ConnectorInstance, type Health, type MessageSink, type SingletonHandle, type Stoppable } from 'replywatch/sdk';
import { createImapClient, credentialsOf } from './imap-client';
import { toConnectorError } from './mail-error.mapper';
import { MailIntake } from './mail-intake';
import { ourIdentities, type MailAccount, type MailConfig, withFilesResolved } from './mail.config';
import { MailboxCursor } from './mailbox-cursor';
import { sentMailboxPath } from './mailbox-path';
import { MailboxStatusBoard } from './mailbox-status';
import { MailboxWatcher } from './mailbox-watcher';
import { ThreadIndex, type Folder } from './thread-index';

/**
 * Every configured mailbox, watched on one replica at a time: the customer mailbox and its
 * Sent mailbox each on a connection of their own (IMAP reports changes only for the mailbox a
 * connection has selected). See docs/MAIL.md.
 */
export class MailRuntime implements ConnectorInstance {
  private readonly board: MailboxStatusBoard;
  private handles: SingletonHandle[] = [];
  private readonly accounts: MailAccount[];

  constructor(private readonly ctx: ConnectorContext<MailConfig>) {
    this.board = new MailboxStatusBoard(ctx.health, ctx.clock);
    this.accounts = ctx.config.accounts.map((account) => withFilesResolved(account, (file) => ctx.hub.resolvePath(file)));
  }

  async verify(): Promise<Health> {
    if (this.handles.length > 0) return this.board.health();
    const missing = this.accounts.flatMap((account) => {
      try {
        credentialsOf(account);
        return [];
      } catch (error) {
        return [toConnectorError(error, account.name).message];
      }
    });
    return Promise.resolve(missing.length > 0 ? { status: 'down', detail: missing.join('; ') } : { status: 'up', detail: 'not started' });
  }

  start(sink: MessageSink): Promise<Stoppable> {
    for (const account of this.accounts) {
      const intake = new MailIntake(sink, new ThreadIndex(this.ctx.database, account.name), { account: account.name, us: ourIdentities(account), maxTextLength: this.ctx.config.maxTextLength }, this.ctx.clock, this.ctx.logger);
      const folders: Folder[] = account.sentMailbox === false ? ['inbox'] : ['inbox', 'sent'];
      for (const folder of folders) this.handles.push(this.watch(account, folder, intake));
    }
    this.ctx.logger.info(`watching ${this.accounts.map((a) => `${a.name} (${a.user} at ${a.host})`).join(', ')}`);
    return Promise.resolve({ stop: () => this.stop() });
  }

  private watch(account: MailAccount, folder: Folder, intake: MailIntake): SingletonHandle {
    const name = `${account.name}/${folder === 'inbox' ? account.mailbox : 'Sent'}`;
    this.board.add(name);
    const { config } = this.ctx;
    const watcher = new MailboxWatcher(
      {
        name,
        folder,
        lookbackMs: account.lookback,
        fetchBytes: config.fetchBytes,
        batchSize: config.batchSize,
        // A refreshed token file fixes a refused token within minutes; look again every minute.
        ...(account.accessTokenFile !== undefined ? { authRetryMs: 60_000 } : {}),
      },
      {
        connect: () => createImapClient(account, { idleRestartMs: config.idleRestart }),
        mailboxPath: (client) => (folder === 'inbox' ? Promise.resolve(account.mailbox) : sentMailboxPath(client, account)),
        intake,
        cursor: new MailboxCursor(this.ctx.state, `cursor:${account.name}:${folder}`),
        board: this.board,
        clock: this.ctx.clock,
        logger: this.ctx.logger,
      },
    );
    return this.ctx.singleton.run(`mailbox-${account.name}-${folder}`, (signal) => watcher.session(signal));
  }

  private async stop(): Promise<void> {
    const handles = this.handles;
    this.handles = [];
    await Promise.all(handles.map((h) => h.stop()));
  }
}
