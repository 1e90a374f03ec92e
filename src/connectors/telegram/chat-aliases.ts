import { type Clock } from '../../core/clock/clock';
import { type Database } from '../../core/persistence/database';
import { type DutyChats } from './duty-chats';

/** Groups upgraded to supergroups, kept in the database so every replica and restart knows. */
export class ChatAliases {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly dutyChats: DutyChats,
  ) {}

  async load(): Promise<void> {
    const rows = await this.db.query<{ old_chat_id: string | number; new_chat_id: string | number }>(`SELECT old_chat_id, new_chat_id FROM telegram_chat_aliases`);
    for (const row of rows) this.dutyChats.addAlias(Number(row.old_chat_id), Number(row.new_chat_id));
  }

  async record(oldId: number, newId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO telegram_chat_aliases (old_chat_id, new_chat_id, migrated_at) VALUES ($1, $2, $3)
       ON CONFLICT (old_chat_id) DO UPDATE SET new_chat_id = EXCLUDED.new_chat_id`,
      [oldId, newId, new Date(this.clock.now())],
    );
    this.dutyChats.addAlias(oldId, newId);
  }
}
