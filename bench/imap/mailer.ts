import { setTimeout as sleep } from 'node:timers/promises';
import { buildMail } from '../../test/support/mail-builder';
import { summarize, type LatencySummary } from '../intake/stats';
import { type DovecotServer } from './dovecot';
import { MultiAppendConnection } from './multi-append';

export interface CustomerMail {
  /** Without angle brackets: what the hub stores as the message's external id. */
  messageId: string;
  raw: string;
}

/** One APPEND as the pool did it; wall-clock milliseconds. */
export interface AppendedMail {
  messageId: string;
  uid: number;
  /** Wall clock when the APPEND was issued. */
  sentAt: number;
  /** Wall clock when the server answered OK: the mail is in the mailbox from here on. */
  appendedAt: number;
}

export interface AppendRun {
  appended: AppendedMail[];
  /** How late each APPEND was issued after its due time (open loop; 0 for a burst). */
  sendLagMs: LatencySummary;
  /** Mails per second the pool stored, first send to last answer. */
  perSecond: number;
}

/**
 * Customer mail as a person writes it: a new thread each (own Message-ID, own subject, no
 * In-Reply-To), from an outside address to the support mailbox, about 1 KB of plain text with
 * a quoted line and a signature — what the connector parses for every inquiry.
 */
export function customerMails(prefix: string, count: number, runId: string): CustomerMail[] {
  return Array.from({ length: count }, (_, i) => {
    const messageId = `${prefix}-${i}.${runId}@customers.test`;
    const raw = buildMail({
      from: `Customer ${prefix} ${i} <customer-${prefix}-${i}@customers.test>`,
      to: 'Support <support@example.test>',
      subject: `Order ${prefix}-${i} has not arrived`,
      messageId,
      text: [
        'Hello,',
        '',
        `I ordered on Monday (order ${prefix}-${i}) and the tracking page still shows "label created".`,
        'Could you check with the carrier and tell me when it will arrive? I need it by Friday.',
        '',
        'Thanks,',
        `Customer ${i}`,
        '',
        '> Your order has been received and will ship within 2 business days.',
        '',
        '-- ',
        `Customer ${i} · +1 555 0100 · customers.test`,
      ].join('\n'),
    });
    return { messageId, raw };
  });
}

/** Most mails one APPEND carries (a burst; paced mails go as they fall due, a few at a time). */
const MAX_BATCH = 50;

/**
 * Logged-in IMAP connections appending to INBOX side by side, as mail delivery (or other
 * clients) would. Each APPEND carries every mail that is due when the connection is free
 * (MULTIAPPEND; see multi-append.ts for why not one mail per command).
 */
export class AppendPool {
  private constructor(private readonly clients: MultiAppendConnection[]) {}

  static async open(server: DovecotServer, connections: number): Promise<AppendPool> {
    const account = server.users[0];
    if (!account) throw new Error('the Dovecot has no user');
    const opened = await Promise.allSettled(Array.from({ length: connections }, () => MultiAppendConnection.open(server.host, server.port, account.user, account.password)));
    const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) {
      await Promise.all(clients.map((client) => client.close()));
      throw failed.reason;
    }
    return new AppendPool(clients);
  }

  get connections(): number {
    return this.clients.length;
  }

  /**
   * Open loop: mail i is due at start + i / rate whatever happened to earlier ones; a free
   * connection takes every mail due by then (at most MAX_BATCH) into one APPEND, so a slow
   * server shows as send lag (reported) rather than a lower offered rate. `rate` Infinity: a burst.
   */
  async append(mails: readonly CustomerMail[], rate: number): Promise<AppendRun> {
    const appended = new Array<AppendedMail>(mails.length);
    const lag = new Float64Array(mails.length);
    const interval = Number.isFinite(rate) ? 1000 / rate : 0;
    const start = performance.now();
    const due = (i: number) => start + i * interval;
    let next = 0;
    const worker = async (client: MultiAppendConnection) => {
      while (next < mails.length) {
        const wait = due(next) - performance.now();
        if (wait > 0) {
          await sleep(Math.max(1, wait));
          continue;
        }
        const first = next;
        const now = performance.now();
        while (next < mails.length && next - first < MAX_BATCH && due(next) <= now) next++;
        const batch = mails.slice(first, next);
        for (let i = first; i < next; i++) lag[i] = now - due(i);
        const sentAt = Date.now();
        const uids = await client.append(
          'INBOX',
          batch.map((mail) => Buffer.from(mail.raw)),
        );
        const appendedAt = Date.now();
        batch.forEach((mail, k) => (appended[first + k] = { messageId: mail.messageId, uid: uids[k] ?? 0, sentAt, appendedAt }));
      }
    };
    await Promise.all(this.clients.map(worker));
    const first = appended.reduce((min, a) => Math.min(min, a.sentAt), Infinity);
    const last = appended.reduce((max, a) => Math.max(max, a.appendedAt), 0);
    return { appended, sendLagMs: summarize(lag), perSecond: last > first ? (mails.length * 1000) / (last - first) : 0 };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}
