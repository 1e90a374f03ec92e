import { ConnectorError, type Clock, type ConnectorLogger } from 'replywatch/sdk';
import { type ImapFlow } from 'imapflow';
import { toConnectorError } from './mail-error.mapper';
import { type FetchedMail, type MailIntake, type ParsedBatch } from './mail-intake';
import { type CursorValue, type MailboxCursor } from './mailbox-cursor';
import { MailboxEvents } from './mailbox-events';
import { type MailboxPhase, type MailboxStatusBoard } from './mailbox-status';
import { type Folder } from './thread-index';

export interface WatcherSettings {
  /** `support/INBOX`: for health, logs and errors. */
  name: string;
  folder: Folder;
  lookbackMs: number;
  fetchBytes: number;
  batchSize: number;
  /**
   * How soon a refused login is tried again when a token helper may fix it meanwhile (access
   * tokens); otherwise the hub's wait for a refused password applies (5 minutes).
   */
  authRetryMs?: number;
}

export interface WatcherDeps {
  connect: () => ImapFlow;
  /** The mailbox to read, found on the connected server (e.g. by SPECIAL-USE \Sent). */
  mailboxPath: (client: ImapFlow) => Promise<string>;
  intake: MailIntake;
  cursor: MailboxCursor;
  board: MailboxStatusBoard;
  clock: Clock;
  logger: ConnectorLogger;
}

/** Flags searched without CONDSTORE reach back this far (older answered mail is settled). */
const FLAG_SEARCH_MS = 30 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Reads one mailbox on one connection: catches up from the stored cursor, then idles (or
 * polls with NOOP where the server has no IDLE) and reads again whenever the server reports
 * new mail or changed flags. One call of `session` is one connection; it returns when
 * `signal` aborts and throws when the connection fails — the hub's singleton runs it again
 * with backoff, and on one replica only.
 */
export class MailboxWatcher {
  private sessionCursor: CursorValue | undefined;

  constructor(
    private readonly settings: WatcherSettings,
    private readonly deps: WatcherDeps,
  ) {}

  async session(signal: AbortSignal): Promise<void> {
    const { name } = this.settings;
    let client: ImapFlow | undefined;
    let events: MailboxEvents | undefined;
    try {
      this.phase('connecting');
      client = this.deps.connect();
      events = new MailboxEvents(client);
      await client.connect().catch((error: unknown) => {
        throw toConnectorError(error, `${name}: connect`);
      });
      const path = await this.deps.mailboxPath(client);
      // EXAMINE: read-only, so watching never marks a customer's mail as read.
      await client.mailboxOpen(path, { readOnly: true }).catch((error: unknown) => {
        throw toConnectorError(error, `${name}: open mailbox "${path}"`);
      });
      this.sessionCursor = undefined;
      await this.sync(client, signal, true);
      await this.watch(client, events, signal);
    } catch (error) {
      if (signal.aborted) return;
      const failure = this.retryable(toConnectorError(error, name));
      // The status line names the mailbox already.
      const lastError = failure.message.startsWith(`${name}: `) ? failure.message.slice(name.length + 2) : failure.message;
      this.deps.board.update(name, { phase: 'down', lastError });
      throw failure;
    } finally {
      events?.dispose();
      if (client) await closeQuietly(client);
      if (signal.aborted) this.phase('standby');
    }
  }

  private async watch(client: ImapFlow, events: MailboxEvents, signal: AbortSignal): Promise<void> {
    const idleSupported = client.capabilities.has('IDLE');
    while (!signal.aborted) {
      this.phase(idleSupported ? 'idling' : 'polling');
      // Resolves once IDLE (or the NOOP polling loop) is broken by the next command or a logout.
      const idling = client.idle().catch(() => undefined);
      const wake = await events.next(signal);
      if (wake === 'aborted') return;
      if (wake === 'closed') throw new ConnectorError('TEMPORARY', `${this.settings.name}: connection lost (${events.closedReason ?? 'closed'})`);
      // New mail alone needs no flag check: that round trip is for flag changes.
      await this.sync(client, signal, events.takeFlagChange());
      await idling;
    }
  }

  /** Reads everything new since the cursor (or the lookback window), and the flags that changed. */
  private async sync(client: ImapFlow, signal: AbortSignal, checkFlags: boolean): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new ConnectorError('TEMPORARY', `${this.settings.name}: no mailbox selected`);
    this.phase('syncing');
    const uidValidity = String(mailbox.uidValidity);
    const modseqBefore = mailbox.highestModseq === undefined ? undefined : String(mailbox.highestModseq);
    // Loaded once per connection: while this replica holds the lease, nobody else moves it.
    const stored = this.sessionCursor ?? (await this.deps.cursor.load());
    const now = this.deps.clock.now();
    let cursor: CursorValue;
    if (stored?.uidValidity === uidValidity) {
      cursor = stored;
      await this.readNew(client, cursor, await this.uidsAfter(client, cursor.lastUid), signal);
      if (signal.aborted) return;
      if (this.settings.folder === 'inbox' && checkFlags) await this.reconcileFlags(client, cursor);
    } else {
      // A first start reads the lookback window; a changed UIDVALIDITY (the mailbox was
      // recreated or restored) voids every stored UID: read again from before the last sync.
      // Mails read before keep their thread and are not counted twice (dedupe by Message-ID).
      const from = stored ? Math.min(now - this.settings.lookbackMs, stored.syncedAt - HOUR_MS) : now - this.settings.lookbackMs;
      if (stored) this.deps.logger.warn(`${this.settings.name}: UIDVALIDITY changed (${stored.uidValidity} → ${uidValidity}); reading again from ${new Date(from).toISOString()}`);
      cursor = { uidValidity, lastUid: 0, syncedAt: now };
      const uidNextAtOpen = mailbox.uidNext;
      await this.readNew(client, cursor, await this.uidsSince(client, from), signal, from);
      if (signal.aborted) return;
      // Older mail outside the window is passed over for good.
      cursor.lastUid = Math.max(cursor.lastUid, uidNextAtOpen - 1);
    }
    // The modseq moves on only when flags were looked at up to it; otherwise changes since the
    // last look would be skipped for good.
    const flagsSeen = checkFlags || stored?.uidValidity !== uidValidity;
    cursor = { ...cursor, syncedAt: now, ...(modseqBefore !== undefined && flagsSeen ? { highestModseq: modseqBefore } : {}) };
    await this.deps.cursor.save(cursor);
    this.sessionCursor = cursor;
    this.deps.board.update(this.settings.name, { lastSyncAt: now, behind: 0 });
  }

  /**
   * Fetches `uids` in batches, hands each to the hub, and moves the cursor after each. The next
   * batch is fetched and parsed while the current one is committed: IMAP, parsing and the
   * database each wait less on the others. The cursor still moves batch by batch, in order.
   */
  private async readNew(client: ImapFlow, cursor: CursorValue, uids: number[], signal: AbortSignal, notBefore?: number): Promise<void> {
    const { batchSize } = this.settings;
    const chunks: number[][] = [];
    for (let i = 0; i < uids.length; i += batchSize) chunks.push(uids.slice(i, i + batchSize));
    let next = chunks.length > 0 ? this.prepare(client, chunks[0] ?? [], notBefore) : undefined;
    try {
      for (let i = 0; i < chunks.length && next !== undefined && !signal.aborted; i++) {
        this.deps.board.update(this.settings.name, { behind: uids.length - i * batchSize });
        const batch = await next;
        const following = chunks[i + 1];
        next = following === undefined || signal.aborted ? undefined : this.prepare(client, following, notBefore);
        if (batch.mails.length + batch.machineMade > 0) {
          const outcome = this.settings.folder === 'inbox' ? await this.deps.intake.inbox(batch, cursor.uidValidity) : await this.deps.intake.sent(batch);
          if (outcome.accepted > 0) this.deps.logger.debug(`${this.settings.name}: ${outcome.accepted} handed over, ${outcome.skipped} left alone`);
        }
        const chunk = chunks[i] ?? [];
        cursor.lastUid = Math.max(cursor.lastUid, chunk[chunk.length - 1] ?? 0);
        await this.deps.cursor.save(cursor);
      }
    } finally {
      // A batch fetched ahead and never used (an error, a stop): its failure is not news.
      await next?.catch(() => undefined);
    }
  }

  private async prepare(client: ImapFlow, chunk: number[], notBefore: number | undefined): Promise<ParsedBatch> {
    const fetched = await client.fetchAll(chunk.join(','), { uid: true, flags: true, internalDate: true, source: { maxLength: this.settings.fetchBytes } }, { uid: true });
    const mails: FetchedMail[] = fetched
      .filter((m) => m.source !== undefined)
      .map((m) => ({ uid: m.uid, flags: m.flags ?? new Set<string>(), internalDate: toDate(m.internalDate, this.deps.clock.now()), source: m.source as Buffer }))
      .filter((m) => notBefore === undefined || m.internalDate.getTime() >= notBefore)
      .sort((a, b) => a.uid - b.uid);
    return this.deps.intake.parse(mails, this.settings.folder);
  }

  /**
   * \Answered flags set while nobody watched or pushed without a UID: with CONDSTORE every
   * mail whose flags changed since the stored modseq, otherwise a search for answered mail.
   */
  private async reconcileFlags(client: ImapFlow, cursor: CursorValue): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox || mailbox.exists === 0) return;
    let answered: number[];
    if (cursor.highestModseq !== undefined && client.enabled.has('CONDSTORE')) {
      const changed = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: BigInt(cursor.highestModseq) });
      answered = changed.filter((m) => m.flags?.has('\\Answered')).map((m) => m.uid);
    } else {
      const found = await client.search({ answered: true, since: new Date(this.deps.clock.now() - FLAG_SEARCH_MS) }, { uid: true });
      if (found === false || found === undefined) throw new ConnectorError('TEMPORARY', `${this.settings.name}: the search for answered mail failed`);
      answered = found;
    }
    const known = answered.filter((uid) => uid <= cursor.lastUid);
    if (known.length > 0) await this.deps.intake.flagged(cursor.uidValidity, known);
  }

  private async uidsAfter(client: ImapFlow, lastUid: number): Promise<number[]> {
    const mailbox = client.mailbox;
    // Not judged by uidNext: imapflow learns of new mail through EXISTS, which carries no UID.
    if (!mailbox || mailbox.exists === 0) return [];
    const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
    if (found === false || found === undefined) throw new ConnectorError('TEMPORARY', `${this.settings.name}: the search for new mail failed`);
    // `n:*` always matches the newest mail, even when its UID is below n.
    return found.filter((uid) => uid > lastUid).sort((a, b) => a - b);
  }

  private async uidsSince(client: ImapFlow, from: number): Promise<number[]> {
    if (!client.mailbox || client.mailbox.exists === 0) return [];
    // SINCE compares dates only, in the server's zone: a day earlier, then exact by INTERNALDATE.
    const found = await client.search({ since: new Date(from - 86_400_000) }, { uid: true });
    if (found === false || found === undefined) throw new ConnectorError('TEMPORARY', `${this.settings.name}: the search for recent mail failed`);
    return found.sort((a, b) => a - b);
  }

  private retryable(failure: ConnectorError): ConnectorError {
    const { authRetryMs } = this.settings;
    if (failure.code !== 'AUTH_FAILED' || authRetryMs === undefined || failure.retryAfterMs !== undefined) return failure;
    return new ConnectorError('AUTH_FAILED', failure.message, { retryAfterMs: authRetryMs, cause: failure });
  }

  private phase(phase: MailboxPhase): void {
    this.deps.board.update(this.settings.name, { phase });
  }
}

function toDate(value: Date | string | undefined, fallback: number): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(fallback);
  return Number.isNaN(date.getTime()) ? new Date(fallback) : date;
}

/** Logs out politely, but never waits long on a dead connection. */
async function closeQuietly(client: ImapFlow): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
  await Promise.race([client.logout().catch(() => undefined), timeout]);
  client.close();
}
