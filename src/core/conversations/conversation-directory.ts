import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock';
import { DATABASE, type Database } from '../persistence/database';

export interface OpenInquiryRef {
  inquiryId: string;
  status: 'open' | 'on_hold';
  title: string | null;
}

/**
 * Conversation facts a channel learns outside of messages: a new title, a chat that changed
 * its id, the inquiry waiting in a conversation. Connectors call this instead of writing SQL.
 */
@Injectable()
export class ConversationDirectory {
  private readonly logger = new Logger('conversations');

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Creates the conversation if it is new, so a title known before any message is kept. */
  async setTitle(channel: string, externalId: string, title: string): Promise<void> {
    const now = new Date(this.clock.now());
    await this.db.query(
      `INSERT INTO conversations (channel, external_id, title, created_at, last_message_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (channel, external_id) DO UPDATE SET title = EXCLUDED.title`,
      [channel, externalId, title, now],
    );
  }

  /**
   * Moves conversations whose id is `fromPrefix` or (with a separator) starts with `fromPrefix`
   * + separator to the same id under `toPrefix` (a group upgraded to a supergroup, and each of
   * its topics).
   * History, inquiries and events stay attached. A conversation already present under the
   * new id is left alone and reported: merging two histories is not done automatically.
   */
  async rekey(channel: string, fromPrefix: string, toPrefix: string, separator?: string): Promise<{ moved: number; clashes: string[] }> {
    return this.db.transaction(async (sql) => {
      const rows = await sql.query<{ id: number; external_id: string }>(
        `SELECT id, external_id FROM conversations WHERE channel = $1 AND (external_id = $2 OR ($3::text IS NOT NULL AND starts_with(external_id, $3))) ORDER BY id FOR UPDATE`,
        [channel, fromPrefix, separator === undefined || separator === '' ? null : fromPrefix + separator],
      );
      let moved = 0;
      const clashes: string[] = [];
      for (const row of rows) {
        const target = toPrefix + row.external_id.slice(fromPrefix.length);
        const updated = await sql.query(
          `UPDATE conversations SET external_id = $2 WHERE id = $1
           AND NOT EXISTS (SELECT 1 FROM conversations WHERE channel = $3 AND external_id = $2) RETURNING id`,
          [row.id, target, channel],
        );
        if (updated.length === 1) moved++;
        else clashes.push(target);
      }
      if (clashes.length > 0) this.logger.warn(`${channel} ${fromPrefix} → ${toPrefix}: kept apart, already present under the new id: ${clashes.join(', ')}`);
      return { moved, clashes };
    });
  }

  /** The inquiry still waiting for staff in a conversation, if any. */
  async openInquiry(channel: string, externalId: string): Promise<OpenInquiryRef | undefined> {
    const [row] = await this.db.query<{ id: string; status: 'open' | 'on_hold'; title: string | null }>(
      `SELECT i.id, i.status, c.title FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
       WHERE c.channel = $1 AND c.external_id = $2 AND i.status IN ('open', 'on_hold') ORDER BY i.opened_at DESC LIMIT 1`,
      [channel, externalId],
    );
    return row ? { inquiryId: row.id, status: row.status, title: row.title } : undefined;
  }

  async title(channel: string, externalId: string): Promise<string | null> {
    const [row] = await this.db.query<{ title: string | null }>(`SELECT title FROM conversations WHERE channel = $1 AND external_id = $2`, [channel, externalId]);
    return row?.title ?? null;
  }
}
