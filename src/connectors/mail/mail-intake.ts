import { asConnectorError, type Clock, type ConnectorLogger, type InboundMessage, type MessageSink } from 'replywatch/sdk';
import { readMailFacts, type MailFacts } from './mail-facts';
import { type Folder, type IndexedMail, type ThreadIndex } from './thread-index';

/** One mail as fetched: its UID, flags, arrival time and the first bytes of its source. */
export interface FetchedMail {
  uid: number;
  flags: ReadonlySet<string>;
  internalDate: Date;
  source: Buffer;
}

export interface IntakeSettings {
  account: string;
  /** "Us" addresses and domains, lowercased. */
  us: readonly string[];
  maxTextLength: number;
}

/** A fetched mail and what was read from it; machine-made mail is already left out. */
export interface ReadMail {
  mail: FetchedMail;
  facts: MailFacts;
}

/** A batch after parsing: the mails to hand over, and how many were machine-made. */
export interface ParsedBatch {
  mails: ReadMail[];
  machineMade: number;
}

export interface BatchOutcome {
  accepted: number;
  /** Machine-made mail (auto-replies, bounces, list mail) and mail the hub refused. */
  skipped: number;
}

/** The staff "author" of an answer seen only as the \Answered flag some mail client set. */
export const ANSWERED_FLAG_AUTHOR = { id: 'answered-flag', name: 'a mail client (\\Answered flag)', role: 'staff' } as const;

/**
 * Turns fetched mail into messages for the hub: customer mail and our own replies in the
 * watched mailbox, replies found in Sent, and \Answered flags. Each batch is placed in threads
 * first (in order), then handed over thread by thread, so a reply never lands before the
 * mail it answers while different threads share the hub's commits.
 */
export class MailIntake {
  constructor(
    private readonly sink: MessageSink,
    private readonly index: ThreadIndex,
    private readonly settings: IntakeSettings,
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
  ) {}

  async inbox(batch: ParsedBatch, uidValidity: string): Promise<BatchOutcome> {
    const read = batch.mails;
    const now = new Date(this.clock.now());
    const indexed = read.map(({ mail, facts }) => this.indexed(facts, 'inbox', { uidValidity, uid: mail.uid }));
    const placements = await this.index.placeInbound(indexed, now);
    const messages = read.map(({ mail, facts }, i) => this.message(facts, mail, placements[i]?.threadKey ?? '', placements[i]?.opens ?? false));
    const taken = await this.acceptInOrder(messages);
    const early = await this.index.claimEarlyReplies(read.map(({ facts }, i) => ({ key: facts.key, threadKey: placements[i]?.threadKey ?? '' })));
    const replies = await this.acceptInOrder(early.map((e) => ({ ...e.message, conversation: { id: e.threadKey } })));
    const answered = read.flatMap(({ mail, facts }, i) => (mail.flags.has('\\Answered') && this.isCustomer(facts) ? [{ key: facts.key, threadKey: placements[i]?.threadKey ?? '' }] : []));
    const flags = await this.answeredFlags(answered);
    return { accepted: taken + replies + flags, skipped: batch.machineMade + (messages.length - taken) };
  }

  /** Replies in the Sent mailbox: a staff answer in the thread they reply to. */
  async sent(batch: ParsedBatch): Promise<BatchOutcome> {
    const read = batch.mails;
    const entries = read.map(({ mail, facts }) => ({ mail: this.indexed(facts, 'sent', {}), message: this.reply(facts, mail) }));
    const threads = await this.index.placeSent(entries, new Date(this.clock.now()));
    const placed = entries.flatMap((entry, i) => {
      const thread = threads[i];
      return thread === undefined ? [] : [{ ...entry.message, conversation: { id: thread } }];
    });
    return { accepted: await this.acceptInOrder(placed), skipped: batch.machineMade + read.length - placed.length };
  }

  /** \Answered flags on inbox mails (live, or found after a reconnect). */
  async flagged(uidValidity: string, uids: readonly number[]): Promise<number> {
    return this.answeredFlags(await this.index.unanswered(uidValidity, uids));
  }

  private async answeredFlags(mails: ReadonlyArray<{ key: string; threadKey: string }>): Promise<number> {
    if (mails.length === 0) return 0;
    const now = new Date(this.clock.now());
    const messages: InboundMessage[] = mails.map((m) => ({
      conversation: { id: m.threadKey },
      id: `answered:${m.key}`,
      text: 'Marked answered in the mailbox (\\Answered flag)',
      sentAt: now,
      author: { ...ANSWERED_FLAG_AUTHOR },
    }));
    const accepted = await this.acceptInOrder(messages);
    await this.index.markAnswered(
      mails.map((m) => m.key),
      now,
    );
    return accepted;
  }

  /** Reads each mail's headers and text; machine-made mail is counted and left out. */
  async parse(batch: readonly FetchedMail[], folder: Folder): Promise<ParsedBatch> {
    const mails: ReadMail[] = [];
    for (const mail of batch) {
      const facts = await readMailFacts(mail.source, this.settings.maxTextLength);
      if (facts.automated !== undefined) {
        this.logger.debug(`${this.settings.account}/${folder} UID ${mail.uid} <${facts.key}> left alone: ${facts.automated}`);
        continue;
      }
      mails.push({ mail, facts });
    }
    return { mails, machineMade: batch.length - mails.length };
  }

  private indexed(facts: MailFacts, folder: Folder, at: { uidValidity?: string; uid?: number }): IndexedMail {
    const ours = facts.from !== undefined && this.isUs(facts.from.address);
    const participant = ours || folder === 'sent' ? facts.recipients.find((r) => !this.isUs(r)) : facts.from?.address;
    return {
      key: facts.key,
      replyTo: facts.replyTo,
      participant,
      subjectKey: facts.subjectKey,
      looksLikeReply: facts.replyTo.length > 0 || facts.subjectKey !== facts.subject.toLowerCase().replace(/\s+/g, ' ').trim(),
      folder,
      ...at,
    };
  }

  private message(facts: MailFacts, mail: FetchedMail, threadKey: string, opens: boolean): InboundMessage {
    const from = facts.from;
    const title = `${facts.subject || '(no subject)'} · ${from ? (from.name ? `${from.name} <${from.address}>` : from.address) : 'unknown sender'}`;
    return {
      conversation: opens ? { id: threadKey, title } : { id: threadKey },
      id: facts.key,
      text: facts.text || '(no text)',
      sentAt: mail.internalDate,
      author: from
        ? { id: from.address, email: from.address, ...(from.name ? { name: from.name } : {}), ...(this.isUs(from.address) ? { role: 'staff' as const } : {}) }
        : { id: 'unknown-sender' },
    };
  }

  private reply(facts: MailFacts, mail: FetchedMail): InboundMessage {
    const address = facts.from?.address ?? this.settings.account;
    return {
      conversation: { id: '' },
      id: facts.key,
      text: facts.text || '(no text)',
      sentAt: mail.internalDate,
      // Saved in our own Sent mailbox: ours for certain, whatever the From says.
      author: { id: address, email: address, ...(facts.from?.name ? { name: facts.from.name } : {}), role: 'staff' },
    };
  }

  private isCustomer(facts: MailFacts): boolean {
    return facts.from === undefined || !this.isUs(facts.from.address);
  }

  private isUs(address: string): boolean {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    return this.settings.us.some((us) => (us.includes('@') ? us === address : us === domain));
  }

  /** Hands messages over, one thread after another within a thread, threads side by side. */
  private async acceptInOrder(messages: readonly InboundMessage[]): Promise<number> {
    const byThread = new Map<string, InboundMessage[]>();
    for (const message of messages) {
      const list = byThread.get(message.conversation.id) ?? [];
      list.push(message);
      byThread.set(message.conversation.id, list);
    }
    const counts = await Promise.all(
      [...byThread.values()].map(async (thread) => {
        let accepted = 0;
        for (const message of thread) if (await this.acceptOne(message)) accepted++;
        return accepted;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** False when the hub will never take the message (too old, unstorable): logged and passed over. */
  private async acceptOne(message: InboundMessage): Promise<boolean> {
    try {
      await this.sink.accept(message);
      return true;
    } catch (error) {
      const failure = asConnectorError(error);
      if (failure.code !== 'INVALID_PAYLOAD') throw failure;
      this.logger.warn(`${this.settings.account}: mail <${message.id}> not taken by the hub: ${failure.message}`);
      return false;
    }
  }
}
