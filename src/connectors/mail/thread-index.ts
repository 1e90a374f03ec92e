import { createHash } from 'node:crypto';
import { type ConnectorDatabase, type InboundMessage, type SqlRunner } from 'replywatch/sdk';

/** How long a subject-and-participant match may reach back (clients that drop References). */
const SUBJECT_WINDOW_MS = 30 * 86_400_000;

export type Folder = 'inbox' | 'sent';

/** A mail to place in a thread, as the index sees it. */
export interface IndexedMail {
  key: string;
  replyTo: readonly string[];
  /** The other party: the customer's address for inbound mail, the first outside recipient for ours. */
  participant: string | undefined;
  subjectKey: string;
  /** The subject had a reply prefix or the mail names parents: a subject match is a fair guess. */
  looksLikeReply: boolean;
  folder: Folder;
  uidValidity?: string;
  uid?: number;
}

export interface Placement {
  threadKey: string;
  /** This mail starts the thread (its conversation gets the title). */
  opens: boolean;
}

/**
 * Threads of one account: which conversation each mail belongs to, by Message-ID,
 * In-Reply-To and References, then by subject and participant. A mail seen before keeps its
 * thread, so reading it again (a restart, a UIDVALIDITY resync) lands in the same
 * conversation and the hub's duplicate check holds.
 */
export class ThreadIndex {
  constructor(
    private readonly db: ConnectorDatabase,
    private readonly account: string,
  ) {}

  /**
   * Places inbound mails in order (a reply later in the batch finds a thread opened earlier in
   * it) and records them, in one transaction. Every inbound mail gets a thread.
   */
  async placeInbound(mails: readonly IndexedMail[], now: Date): Promise<Placement[]> {
    return this.db.transaction(async (sql) => {
      const known = await this.knownThreads(sql, mails);
      const placements: Placement[] = [];
      for (const mail of mails) {
        const own = this.newThreadKey(mail.key);
        const threadKey = known.get(mail.key) ?? firstKnown(known, mail.replyTo) ?? (await this.bySubject(sql, mail, now)) ?? own;
        // Judged by the key, not by novelty: a mail read again after a failed accept still
        // opens its thread (and gives the conversation its title).
        const placement = { threadKey, opens: threadKey === own };
        known.set(mail.key, placement.threadKey);
        placements.push(placement);
      }
      await this.record(sql, mails, placements.map((p) => p.threadKey), now);
      return placements;
    });
  }

  /**
   * Places replies from the Sent mailbox. A reply to no known thread is kept aside under each
   * key it answers (`early`), in case the mail it answers has not been read yet.
   */
  async placeSent(mails: ReadonlyArray<{ mail: IndexedMail; message: InboundMessage }>, now: Date): Promise<Array<string | undefined>> {
    return this.db.transaction(async (sql) => {
      const known = await this.knownThreads(
        sql,
        mails.map((m) => m.mail),
      );
      const threads = mails.map(({ mail }) => known.get(mail.key) ?? firstKnown(known, mail.replyTo));
      await this.record(
        sql,
        mails.map((m) => m.mail),
        threads,
        now,
      );
      for (const [i, { mail, message }] of mails.entries()) {
        if (threads[i] !== undefined) continue;
        for (const parent of mail.replyTo) {
          await sql.query(
            `INSERT INTO mail_early_replies (account, replies_to, message_key, message, seen_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [this.account, parent, mail.key, JSON.stringify({ ...message, sentAt: message.sentAt.toISOString() }), now],
          );
        }
      }
      return threads;
    });
  }

  /** Replies that waited for these mails, now placed in their threads (and no longer waiting). */
  async claimEarlyReplies(placed: ReadonlyArray<{ key: string; threadKey: string }>): Promise<Array<{ threadKey: string; message: InboundMessage }>> {
    if (placed.length === 0) return [];
    return this.db.transaction(async (sql) => {
      const rows = await sql.query<{ replies_to: string; message_key: string; message: unknown }>(
        `DELETE FROM mail_early_replies WHERE account = $1 AND replies_to = ANY($2::text[]) RETURNING replies_to, message_key, message`,
        [this.account, placed.map((p) => p.key)],
      );
      const threadOf = new Map(placed.map((p) => [p.key, p.threadKey]));
      const out: Array<{ threadKey: string; message: InboundMessage }> = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const threadKey = threadOf.get(row.replies_to);
        if (threadKey === undefined || seen.has(row.message_key)) continue;
        seen.add(row.message_key);
        await sql.query(`UPDATE mail_messages SET thread_key = $3 WHERE account = $1 AND message_key = $2 AND thread_key IS NULL`, [this.account, row.message_key, threadKey]);
        await sql.query(`DELETE FROM mail_early_replies WHERE account = $1 AND message_key = $2`, [this.account, row.message_key]);
        out.push({ threadKey, message: revive(row.message) });
      }
      return out;
    });
  }

  /** Inbox mails with these UIDs whose \Answered flag was not handed over yet. */
  async unanswered(uidValidity: string, uids: readonly number[]): Promise<Array<{ key: string; threadKey: string; uid: number }>> {
    if (uids.length === 0) return [];
    const rows = await this.db.query<{ message_key: string; thread_key: string; uid: string | number }>(
      `SELECT message_key, thread_key, uid FROM mail_messages
        WHERE account = $1 AND uid_validity = $2 AND uid = ANY($3::bigint[]) AND folder = 'inbox' AND answered_at IS NULL AND thread_key IS NOT NULL`,
      [this.account, uidValidity, uids.map(String)],
    );
    return rows.map((r) => ({ key: r.message_key, threadKey: r.thread_key, uid: Number(r.uid) }));
  }

  async markAnswered(keys: readonly string[], now: Date): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(`UPDATE mail_messages SET answered_at = $3 WHERE account = $1 AND message_key = ANY($2::text[]) AND answered_at IS NULL`, [this.account, keys, now]);
  }

  /** The conversation id of a new thread: the account and a hash of the opening Message-ID. */
  newThreadKey(openingKey: string): string {
    return `${this.account}:${createHash('sha256').update(openingKey).digest('base64url').slice(0, 22)}`;
  }

  private async knownThreads(sql: SqlRunner, mails: readonly IndexedMail[]): Promise<Map<string, string>> {
    const keys = [...new Set(mails.flatMap((m) => [m.key, ...m.replyTo]))];
    const rows = await sql.query<{ message_key: string; thread_key: string }>(
      `SELECT message_key, thread_key FROM mail_messages WHERE account = $1 AND message_key = ANY($2::text[]) AND thread_key IS NOT NULL`,
      [this.account, keys],
    );
    return new Map(rows.map((r) => [r.message_key, r.thread_key]));
  }

  private async bySubject(sql: SqlRunner, mail: IndexedMail, now: Date): Promise<string | undefined> {
    if (!mail.looksLikeReply || mail.subjectKey === '' || mail.participant === undefined) return undefined;
    const [row] = await sql.query<{ thread_key: string }>(
      `SELECT thread_key FROM mail_messages
        WHERE account = $1 AND subject_key = $2 AND participant = $3 AND thread_key IS NOT NULL AND seen_at > $4
        ORDER BY seen_at DESC LIMIT 1`,
      [this.account, mail.subjectKey, mail.participant, new Date(now.getTime() - SUBJECT_WINDOW_MS)],
    );
    return row?.thread_key;
  }

  /** Records the mails; a mail read before keeps its row (and thread), gaining a thread if it had none. */
  private async record(sql: SqlRunner, mails: readonly IndexedMail[], threads: ReadonlyArray<string | undefined>, now: Date): Promise<void> {
    const rows = mails.map((mail, i) => ({
      message_key: mail.key,
      thread_key: threads[i] ?? null,
      folder: mail.folder,
      participant: mail.participant ?? null,
      subject_key: mail.subjectKey,
      uid_validity: mail.uidValidity ?? null,
      uid: mail.uid ?? null,
    }));
    await sql.query(
      `INSERT INTO mail_messages (account, message_key, thread_key, folder, participant, subject_key, uid_validity, uid, seen_at)
       SELECT $1, r.message_key, r.thread_key, r.folder, r.participant, r.subject_key, r.uid_validity, r.uid, $3
         FROM jsonb_to_recordset($2::jsonb) AS r(message_key text, thread_key text, folder text, participant text, subject_key text, uid_validity text, uid bigint)
       ON CONFLICT (account, message_key) DO UPDATE SET
         thread_key = COALESCE(mail_messages.thread_key, EXCLUDED.thread_key),
         uid_validity = CASE WHEN EXCLUDED.folder = 'inbox' AND mail_messages.folder = 'inbox' THEN EXCLUDED.uid_validity ELSE mail_messages.uid_validity END,
         uid = CASE WHEN EXCLUDED.folder = 'inbox' AND mail_messages.folder = 'inbox' THEN EXCLUDED.uid ELSE mail_messages.uid END`,
      [this.account, JSON.stringify(dedupeByKey(rows)), now],
    );
  }
}

function firstKnown(known: ReadonlyMap<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const thread = known.get(key);
    if (thread !== undefined) return thread;
  }
  return undefined;
}

/** ON CONFLICT cannot touch one row twice in a statement: keep the first row of each key. */
function dedupeByKey<T extends { message_key: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.message_key) && seen.add(row.message_key));
}

function revive(stored: unknown): InboundMessage {
  const value = (typeof stored === 'string' ? JSON.parse(stored) : stored) as InboundMessage & { sentAt: string };
  return { ...value, sentAt: new Date(value.sentAt) };
}
