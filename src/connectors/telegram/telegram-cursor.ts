import { type Clock } from '../../core/clock/clock';
import { type Database } from '../../core/persistence/database';

/** The last update handled, per bot: where polling resumes after a restart or a failover. */
export class TelegramCursor {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly botId: number,
  ) {}

  async load(): Promise<number | undefined> {
    const [row] = await this.db.query<{ last_update_id: string | number }>(`SELECT last_update_id FROM telegram_cursor WHERE bot_id = $1`, [this.botId]);
    return row ? Number(row.last_update_id) : undefined;
  }

  /** Never moves back: two replicas during a failover cannot undo each other's progress. */
  async save(lastUpdateId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO telegram_cursor (bot_id, last_update_id, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (bot_id) DO UPDATE SET last_update_id = GREATEST(telegram_cursor.last_update_id, EXCLUDED.last_update_id), updated_at = EXCLUDED.updated_at`,
      [this.botId, lastUpdateId, new Date(this.clock.now())],
    );
  }
}
