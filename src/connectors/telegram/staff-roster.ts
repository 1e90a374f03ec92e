import { appendAudit } from '../../core/audit/audit-log';
import { type Clock } from '../../core/clock/clock';
import { type StaffRole } from '../../core/config/rules.schema';
import { type Database } from '../../core/persistence/database';

export interface RosterEntry {
  userId: number;
  role: StaffRole;
  name: string | null;
}

/** How long another replica's /roles change may take to be seen here. */
const REFRESH_MS = 30_000;

/**
 * Staff added through /roles, kept in the database (rules.yaml staff stay where they are and
 * read-only). Read on every message, so it is cached and refreshed every 30 s.
 */
export class StaffRoster {
  private entries = new Map<number, RosterEntry>();
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async get(userId: number): Promise<RosterEntry | undefined> {
    await this.refreshIfStale();
    return this.entries.get(userId);
  }

  async list(): Promise<RosterEntry[]> {
    await this.refreshIfStale();
    return [...this.entries.values()].sort((a, b) => a.role.localeCompare(b.role) || a.userId - b.userId);
  }

  async add(entry: RosterEntry, actor: string): Promise<'added' | 'changed' | 'unchanged'> {
    const now = new Date(this.clock.now());
    const outcome = await this.db.transaction(async (sql) => {
      const [before] = await sql.query<{ role: StaffRole }>(`SELECT role FROM telegram_staff WHERE user_id = $1 FOR UPDATE`, [entry.userId]);
      if (before?.role === entry.role) return 'unchanged' as const;
      await sql.query(
        `INSERT INTO telegram_staff (user_id, role, name, added_by, added_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET role = EXCLUDED.role, name = COALESCE(EXCLUDED.name, telegram_staff.name), added_by = EXCLUDED.added_by, added_at = EXCLUDED.added_at`,
        [entry.userId, entry.role, entry.name, actor, now],
      );
      await appendAudit(sql, { actor, action: before ? 'staff.role_changed' : 'staff.added', subject: `telegram:${entry.userId}`, data: { role: entry.role, previous: before?.role ?? null, name: entry.name } }, now);
      return before ? ('changed' as const) : ('added' as const);
    });
    await this.refresh();
    return outcome;
  }

  async remove(userId: number, actor: string): Promise<boolean> {
    const now = new Date(this.clock.now());
    const removed = await this.db.transaction(async (sql) => {
      const rows = await sql.query<{ role: StaffRole; name: string | null }>(`DELETE FROM telegram_staff WHERE user_id = $1 RETURNING role, name`, [userId]);
      const row = rows[0];
      if (!row) return false;
      await appendAudit(sql, { actor, action: 'staff.removed', subject: `telegram:${userId}`, data: { role: row.role, name: row.name } }, now);
      return true;
    });
    await this.refresh();
    return removed;
  }

  private async refreshIfStale(): Promise<void> {
    if (this.clock.now() - this.loadedAt >= REFRESH_MS) await this.refresh();
  }

  private async refresh(): Promise<void> {
    const rows = await this.db.query<{ user_id: string | number; role: StaffRole; name: string | null }>(`SELECT user_id, role, name FROM telegram_staff`);
    this.entries = new Map(rows.map((r) => [Number(r.user_id), { userId: Number(r.user_id), role: r.role, name: r.name }]));
    this.loadedAt = this.clock.now();
  }
}
