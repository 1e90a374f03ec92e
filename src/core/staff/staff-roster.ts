import { Inject, Injectable } from '@nestjs/common';
import { type StaffRole } from '../../plugins/sdk/services';
import { appendAudit } from '../audit/audit-log';
import { CLOCK, type Clock } from '../clock/clock';
import { DATABASE, type Database } from '../persistence/database';

export interface RosterEntry {
  channel: string;
  authorId: string;
  role: StaffRole;
  name: string | null;
}

/** How long another replica's roster change may take to be seen here. */
const REFRESH_MS = 30_000;

/**
 * Staff added at run time (Telegram's /roles, or any connector offering a roster), per
 * channel; rules.yaml staff stay where they are and read-only. Read for every message, so it
 * is held in memory and refreshed every 30 s, and at once after a change made here.
 */
@Injectable()
export class StaffRoster {
  private entries = new Map<string, RosterEntry>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The roster as last read; call refreshIfStale() first where freshness matters. */
  lookup(channel: string, authorId: string): RosterEntry | undefined {
    return this.entries.get(key(channel, authorId));
  }

  async get(channel: string, authorId: string): Promise<RosterEntry | undefined> {
    await this.refreshIfStale();
    return this.lookup(channel, authorId);
  }

  async list(channel: string): Promise<RosterEntry[]> {
    await this.refreshIfStale();
    return [...this.entries.values()].filter((e) => e.channel === channel).sort((a, b) => a.role.localeCompare(b.role) || a.authorId.localeCompare(b.authorId));
  }

  async add(entry: RosterEntry, actor: string): Promise<'added' | 'changed' | 'unchanged'> {
    const now = new Date(this.clock.now());
    const outcome = await this.db.transaction(async (sql) => {
      const [before] = await sql.query<{ role: StaffRole }>(`SELECT role FROM staff_roster WHERE channel = $1 AND author_id = $2 FOR UPDATE`, [entry.channel, entry.authorId]);
      if (before?.role === entry.role) return 'unchanged' as const;
      await sql.query(
        `INSERT INTO staff_roster (channel, author_id, role, name, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (channel, author_id) DO UPDATE SET role = EXCLUDED.role, name = COALESCE(EXCLUDED.name, staff_roster.name), added_by = EXCLUDED.added_by, added_at = EXCLUDED.added_at`,
        [entry.channel, entry.authorId, entry.role, entry.name, actor, now],
      );
      const data = { role: entry.role, previous: before?.role ?? null, name: entry.name };
      await appendAudit(sql, { actor, action: before ? 'staff.role_changed' : 'staff.added', subject: `${entry.channel}:${entry.authorId}`, data }, now);
      return before ? ('changed' as const) : ('added' as const);
    });
    await this.refresh();
    return outcome;
  }

  async remove(channel: string, authorId: string, actor: string): Promise<boolean> {
    const now = new Date(this.clock.now());
    const removed = await this.db.transaction(async (sql) => {
      const [row] = await sql.query<{ role: StaffRole; name: string | null }>(`DELETE FROM staff_roster WHERE channel = $1 AND author_id = $2 RETURNING role, name`, [channel, authorId]);
      if (!row) return false;
      await appendAudit(sql, { actor, action: 'staff.removed', subject: `${channel}:${authorId}`, data: { role: row.role, name: row.name } }, now);
      return true;
    });
    await this.refresh();
    return removed;
  }

  async refreshIfStale(): Promise<void> {
    if (this.clock.now() - this.loadedAt >= REFRESH_MS) await this.refresh();
  }

  /** Concurrent callers share one read. */
  private refresh(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    const rows = await this.db.query<{ channel: string; author_id: string; role: StaffRole; name: string | null }>(`SELECT channel, author_id, role, name FROM staff_roster`);
    this.entries = new Map(rows.map((r) => [key(r.channel, r.author_id), { channel: r.channel, authorId: r.author_id, role: r.role, name: r.name }]));
    this.loadedAt = this.clock.now();
  }
}

function key(channel: string, authorId: string): string {
  return `${channel}\u0000${authorId}`;
}
